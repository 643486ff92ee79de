#!/usr/bin/env bash
# The real blex binary (release) in tmux:
#  1. launch to first frame: `blex` on its built-in virtual dongle until the device pane is on screen;
#  2. CPU of the blex process while bled112-emulator (a separate process) floods it with ~2,000
#     advertisements/s from 100 devices, measured over 10 s from /proc (user + system time).
# Prints markdown rows for docs/performance.md. Usage: bash Benchmarks/tui-live.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
swift build -c release --product blex >/dev/null
swift build -c release --product bled112-emulator >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d -t blex-live.XXXXXX)"
sock="blex-live-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill "${emu:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }

# 1. Launch to first frame, five times.
times=()
for i in 1 2 3 4 5; do
    tmux -L "$sock" kill-server 2>/dev/null || true
    start=$(now_ms)
    tmux -L "$sock" new -d -s t -x 120 -y 40 "env TERM=xterm-256color LANG=C.UTF-8 $bin/blex"
    until tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -q "Devices"; do sleep 0.005; done
    times+=($(( $(now_ms) - start )))
    tmux -L "$sock" send-keys -t t q
    sleep 0.3
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "| launch to first frame (virtual dongle, 5 runs) | median ${sorted[2]} ms, min ${sorted[0]} ms, max ${sorted[4]} ms |"

# 2. A world of 100 devices advertising every 50 ms.
python3 - "$work/flood.json" <<'PY'
import json, sys
devices = [{"id": "d%d" % i, "address": "C0:00:00:00:%02X:%02X" % (i // 256, i % 256), "advertisingIntervalMs": 50,
            "advertising": {"flags": 6, "name": "Flood %d" % i, "manufacturer": {"company": 89, "data": "0102"}},
            "rssi": {"mean": -40 - i % 50, "walk": 3}} for i in range(100)]
json.dump({"name": "flood", "seed": 3, "peripherals": devices}, open(sys.argv[1], "w"))
PY
"$bin/bled112-emulator" --scenario "$work/flood.json" --link "$work/tty" >"$work/emu.out" 2>/dev/null &
emu=$!
until [ -e "$work/tty" ]; do sleep 0.05; done
tmux -L "$sock" kill-server 2>/dev/null || true
tmux -L "$sock" new -d -s t -x 120 -y 40 "env TERM=xterm-256color LANG=C.UTF-8 $bin/blex --port $work/tty"
until tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -q "Devices 100"; do sleep 0.05; done
pid=$(tmux -L "$sock" list-panes -t t -F '#{pane_pid}')
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
a=$(ticks "$pid"); e1=$(ticks "$emu"); sleep 10; b=$(ticks "$pid"); e2=$(ticks "$emu")
awk -v a="$a" -v b="$b" -v hz="$hz" -v e1="$e1" -v e2="$e2" 'BEGIN {
  printf "| blex CPU under ~2,000 advertisements/s (100 devices, 10 s) | %.1f %% of one core (the emulator process: %.1f %%) |\n",
         (b - a) / hz / 10 * 100, (e2 - e1) / hz / 10 * 100 }'
tmux -L "$sock" send-keys -t t q
