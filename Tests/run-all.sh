#!/usr/bin/env bash
# Runs every test of blex. Installs what is missing first: libncurses-dev (blex draws with ncursesw) and tmux
# (the end-to-end test drives the real binary in it) from Debian, and a Python venv with pygatt 5.0.0,
# pyserial 3.5 and bgapi 0.7 from PyPI (the outside oracles). Then the whole Swift test suite, then the
# host library's tests again under the thread sanitizer, then a short pass of every fuzz target (Fuzz/), then a
# short soak of the real binary (Benchmarks/soak.sh).
# This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
missing=()
[ -e /usr/include/ncursesw/curses.h ] || missing+=(libncurses-dev)
command -v tmux >/dev/null || missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

BLEX_INTEROP_PYTHON="$(bash Tests/Interop/setup.sh | tail -n 1)"
export BLEX_INTEROP_PYTHON

# Generated code must match its generators (messages from messages.api, SIG names from data/).
python3 Sources/BGAPICore/Messages/codegen/generate.py --check
python3 Sources/BluetoothNumbers/codegen/generate.py --check
# The macOS branches cannot be compiled here; check that platform-only calls sit in their own branches.
python3 scripts/check-platform-branches.py

swift build --build-tests
# The two fault matrices (library and explorer) block their test threads for minutes while they step a
# manual clock; run beside everything else they took both threads of Swift's cooperative pool (one per core)
# and starved the async tests (a Task that never started within 5 s). So: everything else, then the matrices.
swift test --skip-build --skip FaultMatrixTests
swift test --skip-build --filter FaultMatrixTests

# Completions and man pages generate from the command definitions.
extras="$(mktemp -d)"
bash scripts/generate-extras.sh "$extras" debug >/dev/null
for f in completions/blex.bash completions/blex.zsh completions/blex.fish completions/bled112-emulator.bash \
         man/man1/blex.1 man/man1/bled112-emulator.1; do
    [ -s "$extras/$f" ] || { echo "missing $f"; exit 1; }
done
grep -q "Exit status" "$extras/man/man1/blex.1"
rm -rf "$extras"

# The DocC catalogs must build with no warning (a broken symbol link fails CI).
swift package generate-documentation --target BGAPI --target BGAPICore --target BGAPIEmulator --warnings-as-errors

# The host library under ThreadSanitizer: its queues, locks and callbacks, against the emulator on a pty.
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
# The fault matrix (3 minutes alone) runs in the plain suite above; scripts/sanitizers.sh runs it under both.
swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter "BGAPITests|HostStateMachineTests|HostLinkLifecycleTests|HostProcedureTests|HostCancellationTests" --skip FaultMatrixTests

# Every libFuzzer target for a short while (release, ASan); the long run's figures are in docs/reliability.md.
bash scripts/fuzz.sh "${BLEX_FUZZ_SECONDS:-10}"

# The soak, short (Benchmarks/soak.sh, docs/reliability.md): the real binary (release) under ~2,000
# advertisements/s and 3 notifying links; fails on a lost, repeated or reordered notification or RSS growth
# past 10 %. BLEX_SOAK_SECONDS=0 skips it.
if [ "${BLEX_SOAK_SECONDS:-60}" != 0 ]; then bash Benchmarks/soak.sh "${BLEX_SOAK_SECONDS:-60}"; fi
