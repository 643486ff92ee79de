#!/usr/bin/env bash
# The whole test suite under ThreadSanitizer, then under AddressSanitizer, each in its own scratch path
# (.build-thread, .build-address). Prints one summary line per sanitizer; exits non-zero if a sanitizer
# reported anything or a test failed. docs/reliability.md records the latest result.
#   bash scripts/sanitizers.sh [thread|address …]     (default: both; 15–30 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(thread address)
BLEX_INTEROP_PYTHON="$(bash Tests/Interop/setup.sh | tail -n 1)"
export BLEX_INTEROP_PYTHON
# Swift's backtracer must not catch the sanitizers' signals first.
export SWIFT_BACKTRACE=enable=no
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

failed=0
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-$sanitizer"
    log="$scratch/sanitizer-tests.log"
    mkdir -p "$scratch"
    start=$(date +%s)
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$scratch/sanitizer-build.log" 2>&1; then
        echo "$sanitizer: build failed (see $scratch/sanitizer-build.log)"
        failed=1
        continue
    fi
    status=0
    swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" >"$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    reports=$(grep -cE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log" || true)
    summary=$(grep -E "^✔ Test run|^✘ Test run" "$log" | tail -1 || true)
    xctest=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1 | sed -E 's/^ *//' || true)
    echo "$sanitizer: exit $status, $reports sanitizer report(s), ${elapsed}s; ${summary:-no summary}${xctest:+; XCTest: $xctest}"
    if [ "$reports" != 0 ]; then
        grep -E -A12 "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log" | head -60 || true
    fi
    grep -E "recorded an issue|error:" "$log" | head -10 || true
    [ "$status" = 0 ] && [ "$reports" = 0 ] || failed=1
done
exit $failed
