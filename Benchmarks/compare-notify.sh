#!/usr/bin/env bash
# Notifications delivered to a callback from the virtual BLED112 through a real pty: blex's BGAPI library
# and pygatt 5.0.0, same emulator, same run, each client in a process of its own; with each client's CPU per
# delivered notification and the ratio. Prints markdown tables for docs/performance.md.
# Usage: bash Benchmarks/compare-notify.sh [SECONDS]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-5}"
python="$(bash "$root/Tests/Interop/setup.sh" | tail -n 1)"
cd "$here"
swift build -c release --product notify-bench 2>&1 | grep -E "error|warning:" && exit 1 || true
bench="$(swift build -c release --show-bin-path)/notify-bench"
echo "| client | interval | sent | delivered | lost | in order, none lost | per second | latency p50 | latency p99 | CPU per notification |"
echo "|---|---|---|---|---|---|---|---|---|---|"
ratios=()
for interval in ${BLEX_NOTIFY_INTERVALS:-5 1 0.5 0.2 0.1}; do
    pair=()
    for client in swift pygatt; do
        json="$("$bench" "$client" "$seconds" "$interval" "$python" "$here/pygatt_notify_client.py")"
        pair+=("$json")
        "$python" - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
name = "blex BGAPI (Swift)" if r["client"] == "swift" else "pygatt 5.0.0"
lat = lambda v: "—" if v < 0 else ("%.0f µs" % v if v < 10000 else "%.1f ms" % (v / 1000))
cpu = "—" if r["cpu_us_per_notification"] < 0 else "%.1f µs" % r["cpu_us_per_notification"]
print("| %s | %g ms | %d | %d | %d | %s | %.0f | %s | %s | %s |" % (
    name, r["interval_ms"], r["sent"], r["delivered"], r["lost"], "yes" if r["in_order_no_loss"] else "no",
    r["per_second"], lat(r["latency_p50_us"]), lat(r["latency_p99_us"]), cpu))
PY
    done
    ratios+=("$("$python" -c 'import json, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
a, b = s["cpu_us_per_notification"], p["cpu_us_per_notification"]
print("| %g ms | %.1f µs | %.1f µs | %s |" % (s["interval_ms"], a, b, "%.1f×" % (b / a) if a > 0 and b > 0 else "—"))' "${pair[0]}" "${pair[1]}")")
done
echo
echo "CPU (user + system) of each client process per delivered notification, from its subscription until it stopped:"
echo
echo "| interval | blex BGAPI (Swift) | pygatt 5.0.0 | pygatt / blex |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${ratios[@]}"
