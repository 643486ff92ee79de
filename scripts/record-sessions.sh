#!/usr/bin/env bash
# Re-records the sessions in Tests/Recordings/ (docs/recording.md): blex and pygatt 5.0.0 against the
# demo world of bled112-emulator. Run after `swift build` (and `bash Tests/Interop/setup.sh` for pygatt).
# Re-record only when the emulator's behaviour is meant to change; RecordedSessionTests guard it otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.build/debug"
out="$root/Tests/Recordings"
work="$(mktemp -d)"
emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start_emulator() {  # start_emulator LINK [ARGS...]
    local link="$1"; shift
    "$bin/bled112-emulator" --link "$link" "$@" >"$work/emulator.out" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 50); do [ -e "$link" ] && return 0; sleep 0.1; done
    echo "emulator did not start" >&2; exit 1
}
stop_emulator() { kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=""; }

# blex (the library, through its CLI), realistic timing: the host side records.
start_emulator "$work/tty"
"$bin/blex" read --port "$work/tty" --record "$out/blex-read.blexrec" D0:5F:B8:22:33:02 2A29
"$bin/blex" watch --port "$work/tty" --record "$out/blex-watch.blexrec" C4:7C:8D:6A:10:01 2A37 --count 3
"$bin/blex" write --port "$work/tty" --record "$out/blex-write-long.blexrec" F0:12:34:56:78:04 \
    A0B40002-926D-4D61-98DF-8C5C62EE53B3 "$(printf '41%.0s' $(seq 40))"
stop_emulator

# pygatt 5.0.0 (its whole emulator test), --fast: the dongle side records.
python="$("$root/Tests/Interop/setup.sh" | tail -1)"
start_emulator "$work/tty" --fast --record "$out/pygatt-demo.blexrec"
"$python" "$root/Tests/Interop/emulator_pygatt.py" "$work/tty"
stop_emulator
for f in "$out"/*.blexrec; do "$bin/bled112-emulator" --expect "$f"; done
