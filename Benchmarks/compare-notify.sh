#!/usr/bin/env bash
# Notifications delivered to a callback from the virtual BLED112 through a real pty: blex's BGAPI library
# and pygatt 5.0.0, same emulator, same run. Prints a markdown table for docs/performance.md.
# Usage: bash Benchmarks/compare-notify.sh [SECONDS]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-5}"
python="$(bash "$root/Tests/Interop/setup.sh" | tail -n 1)"
cd "$here"
swift build -c release --product notify-bench 2>&1 | grep -E "error|warning:" && exit 1 || true
bench="$(swift build -c release --show-bin-path)/notify-bench"
echo "| client | interval | sent | delivered | lost | in order, none lost | per second | latency p50 | latency p99 |"
echo "|---|---|---|---|---|---|---|---|---|"
for interval in ${BLEX_NOTIFY_INTERVALS:-5 1 0.5 0.2 0.1}; do
    for client in swift pygatt; do
        json="$("$bench" "$client" "$seconds" "$interval" "$python" "$here/pygatt_notify_client.py")"
        "$python" - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
name = "blex BGAPI (Swift)" if r["client"] == "swift" else "pygatt 5.0.0"
lat = lambda v: "—" if v < 0 else ("%.0f µs" % v if v < 10000 else "%.1f ms" % (v / 1000))
print("| %s | %g ms | %d | %d | %d | %s | %.0f | %s | %s |" % (
    name, r["interval_ms"], r["sent"], r["delivered"], r["lost"], "yes" if r["in_order_no_loss"] else "no",
    r["per_second"], lat(r["latency_p50_us"]), lat(r["latency_p99_us"])))
PY
    done
done
