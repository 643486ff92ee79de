#!/usr/bin/env bash
# Runs blex's libFuzzer targets (Fuzz/, release, -sanitize=fuzzer,address), each for a bounded time.
#   bash scripts/fuzz.sh [seconds-per-target] [target…]     (default: 60 s, every target)
#   FUZZ_RUNS=N bash scripts/fuzz.sh 0 framer             (a fixed number of executions instead of a time)
# Targets: framer ad dongle scenario value host explorer. The seeds in Fuzz/corpus/<target> are read, never
# written: new inputs go to a scratch corpus (Fuzz/.build/corpus/<target>), crashes and hangs (an input
# running over 10 s) to Fuzz/artifacts/. Prints one line per target; exits non-zero if any target crashed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../Fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(framer ad dongle scenario value host explorer)

swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -E "error|warning: " && exit 1
binary=.build/release/blex-fuzz
mkdir -p artifacts
# Swift's backtracer would catch the sanitizer's signals first; libFuzzer must see them.
export SWIFT_BACKTRACE=enable=no

failed=0
for target in "${targets[@]}"; do
    scratch=".build/corpus/$target"
    mkdir -p "$scratch"
    limit=(-max_total_time="$seconds")
    [ -n "${FUZZ_RUNS:-}" ] && limit=(-runs="$FUZZ_RUNS")
    # Inputs no larger than the target can use: a BGAPI burst, an AD payload with room to overrun, a world file.
    case "$target" in
        ad) max_len=64 ;; value) max_len=128 ;; scenario) max_len=4096 ;; *) max_len=512 ;;
    esac
    dict=()
    [ -f "$target.dict" ] && dict=(-dict="$target.dict")
    log=".build/fuzz-$target.log"
    start=$(date +%s)
    status=0
    "$binary" "$target" "${limit[@]}" "${dict[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="artifacts/$target-" "$scratch" "corpus/$target" >"$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -E '#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
    crashes=$(ls artifacts | grep -c "^$target-" || true)
    printf '%-9s %12s executions in %5ss, %6s edges covered, exit %s, %s artifact(s)\n' \
        "$target" "${runs:-?}" "$elapsed" "${cov:-?}" "$status" "$crashes"
    if [ "$status" != 0 ]; then
        failed=1
        grep -E "invariant violated|ERROR:|Fatal error|SUMMARY" "$log" | head -5
    fi
done
exit $failed
