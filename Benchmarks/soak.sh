#!/usr/bin/env bash
# Soak: the real blex binary (release) in tmux for SECONDS (default 600) while a bled112-emulator process
# streams ~2,000 advertisements/s (100 devices every 50 ms) and notifications on 3 links (every 5 ms each,
# 4-byte counters), the log pane visible. After a 20 s warm-up (the traffic ring, the log and the RSSI
# histories fill to their caps), RSS and CPU are read at the start and at the end (CPU over 10 s windows),
# RSS every 10 s; every notification must be received exactly once and in order (per link, from the --record
# file), and the RSS at the end within 10 % of the start.
# Prints markdown rows; exits non-zero on loss, disorder or RSS growth. Usage: bash Benchmarks/soak.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-600}"
warmup="${BLEX_SOAK_WARMUP:-20}"
swift build -c release --product blex >/dev/null
swift build -c release --product bled112-emulator >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d -t blex-soak.XXXXXX)"
sock="blex-soak-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill "${emu:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
source "$root/Benchmarks/tui-common.sh"
hz=$(getconf CLK_TCK)
cpu_window() { # PID: % of one core over 10 s
    local a b; a=$(ticks "$1"); sleep 10; b=$(ticks "$1"); awk -v a="$a" -v b="$b" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) / hz / 10 * 100 }'
}

world "$work/world.json" 5 100
"$bin/bled112-emulator" --scenario "$work/world.json" --link "$work/tty" >"$work/emu.out" 2>&1 &
emu=$!
until [ -e "$work/tty" ]; do sleep 0.05; done
start_blex "$work/tty" "$work/soak.blexrec" 103
sort_by_name
for n in 3 2 1; do connect_and_subscribe "$n"; done
wait_for "3 connected" 10
sleep "$warmup"
began=$(date -u +%Y-%m-%dT%H:%MZ)
rss0=$(rss_kb "$pid"); cpu0=$(cpu_window "$pid")
peak=$rss0
end=$(( $(date +%s) + seconds - 20 ))
while [ "$(date +%s)" -lt "$end" ]; do
    sleep 10
    kill -0 "$pid" 2>/dev/null || { echo "blex died during the soak" >&2; exit 1; }
    r=$(rss_kb "$pid"); [ "$r" -gt "$peak" ] && peak=$r
done
cpu1=$(cpu_window "$pid"); rss1=$(rss_kb "$pid")
[ "$rss1" -gt "$peak" ] && peak=$rss1
quit_blex
kill "$emu" 2>/dev/null || true
result="$(check_recording "$work/soak.blexrec")" && ok=yes || ok=no
flat=$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { d = (b - a) / a * 100; printf "%+.1f", d; exit (d > 10 || d < -10) }') && rssok=yes || rssok=no
echo "| soak of $seconds s from $began (after ${warmup} s warm-up) | ~2,000 adv/s + 3 links × 200 notifications/s, log pane visible |"
echo "| RSS start → end (peak) | $(( rss0 / 1024 )) MB → $(( rss1 / 1024 )) MB ($flat %; peak $(( peak / 1024 )) MB); within ±10 %: $rssok |"
echo "| blex CPU, first 10 s → last 10 s | $cpu0 % → $cpu1 % of one core |"
echo "| notifications, from the recording | $result; each exactly once, in order: $ok |"
[ "$ok" = yes ] && [ "$rssok" = yes ]
