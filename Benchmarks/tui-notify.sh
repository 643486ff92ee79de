#!/usr/bin/env bash
# The real blex binary (release) in tmux, 3 links each notifying every 1 ms (3,000 notifications/s) from a
# bled112-emulator process, the log pane visible: blex connects and subscribes with the user's keys, its CPU
# (user + system, /proc) is read over 10 s, and every notification is checked from its --record file
# (per link: consecutive counter values, none lost, none twice, in order).
# Prints markdown rows for docs/performance.md; exits non-zero on any loss. Usage: bash Benchmarks/tui-notify.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-10}"
swift build -c release --product blex >/dev/null
swift build -c release --product bled112-emulator >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d -t blex-notify.XXXXXX)"
sock="blex-notify-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill "${emu:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
source "$root/Benchmarks/tui-common.sh"

world "$work/world.json" 1 0
"$bin/bled112-emulator" --scenario "$work/world.json" --link "$work/tty" >"$work/emu.out" 2>&1 &
emu=$!
until [ -e "$work/tty" ]; do sleep 0.05; done
start_blex "$work/tty" "$work/session.blexrec" 3
sort_by_name
for n in 3 2 1; do connect_and_subscribe "$n"; done
wait_for "3 connected" 10
sleep 2
hz=$(getconf CLK_TCK)
a=$(ticks "$pid"); e1=$(ticks "$emu"); sleep "$seconds"; b=$(ticks "$pid"); e2=$(ticks "$emu")
rss=$(rss_kb "$pid")
quit_blex
kill "$emu" 2>/dev/null || true
result="$(check_recording "$work/session.blexrec")" && ok=yes || ok=no
awk -v a="$a" -v b="$b" -v hz="$hz" -v e1="$e1" -v e2="$e2" -v s="$seconds" -v r="$result" -v ok="$ok" -v rss="$rss" 'BEGIN {
  printf "| blex CPU, 3 links notifying every 1 ms, log pane visible (%d s) | %.1f %% of one core (the emulator process: %.1f %%); RSS %.0f MB |\n",
         s, (b - a) / hz / s * 100, (e2 - e1) / hz / s * 100, rss / 1024
  printf "| notifications, from the recording | %s; all in order, none lost: %s |\n", r, ok }'
[ "$ok" = yes ]
