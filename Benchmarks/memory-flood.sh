#!/usr/bin/env bash
# Memory of the real blex binary (release) under a scan flood: bled112-emulator (a separate process on a pty)
# plays a world of N devices (default 10,000), each advertising every INTERVAL ms (default 5,000, so about
# N / 5 advertisements per second); `blex --port PATH` runs in tmux until every device is heard, then for
# HOLD seconds more (default 60). Reads the peak RSS (VmHWM) and the RSS (VmRSS) from /proc/PID/status
# every 5 s and prints markdown rows for docs/performance.md.
#
# Usage: bash Benchmarks/memory-flood.sh [N] [INTERVAL_MS] [HOLD_SECONDS]
#   BLEX_FLAGS="--device-capacity 5000" bash Benchmarks/memory-flood.sh   extra flags for blex
#   BLEX_ENV="MALLOC_ARENA_MAX=8" …                                        extra environment for blex
#   SKIP_BUILD=1 …                                                         use the release binaries as built
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-10000}"
interval="${2:-5000}"
hold="${3:-60}"
flags="${BLEX_FLAGS:-}"
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product blex >/dev/null
    swift build -c release --product bled112-emulator >/dev/null
fi
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d -t blex-memory.XXXXXX)"
sock="blex-memory-$$"
# blex is killed by pid too: a blex that cannot keep up may not get to its SIGTERM handler.
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill -9 "${pid:-0}" 2>/dev/null || true
      kill "${emu:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

# N devices with distinct addresses, names and RSSI, all advertising from the start.
python3 - "$work/flood.json" "$n" "$interval" <<'PY'
import json, sys
path, n, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
devices = [{"id": "d%d" % i, "address": "C0:00:%02X:%02X:%02X:%02X" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255),
            "advertisingIntervalMs": interval, "connectable": i % 3 != 0,
            "advertising": {"flags": 6, "name": "Flood %05d" % i, "manufacturer": {"company": 89, "data": "0102"}},
            "rssi": {"mean": -40 - i % 55, "walk": 3}} for i in range(n)]
json.dump({"name": "memory-flood", "seed": 7, "peripherals": devices}, open(path, "w"))
PY
"$bin/bled112-emulator" --scenario "$work/flood.json" --link "$work/tty" >"$work/emu.out" 2>&1 &
emu=$!
until [ -e "$work/tty" ]; do sleep 0.05; kill -0 "$emu" 2>/dev/null || { cat "$work/emu.out"; exit 1; }; done
# shellcheck disable=SC2086
tmux -L "$sock" new -d -s t -x 120 -y 40 "env TERM=xterm-256color LANG=C.UTF-8 ${BLEX_ENV:-} $bin/blex --port $work/tty $flags"
pid=$(tmux -L "$sock" list-panes -t t -F '#{pane_pid}')
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
start=$(date +%s)
# The scan pane's title counts the devices known ("Devices 10000", then "· 2113 evicted" when the cap bites).
until tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -Eq "Devices $n( |/)|Devices [0-9]+ · [0-9]+ evicted"; do
    sleep 1
    if [ $(( $(date +%s) - start )) -gt 600 ]; then echo "not every device heard in 600 s" >&2; tmux -L "$sock" capture-pane -p -t t | head -3 >&2; exit 1; fi
done
heard=$(( $(date +%s) - start ))
samples=()
for (( t = 0; t < hold; t += 5 )); do
    samples+=("$(status "$pid" VmRSS)")
    sleep 5
done
samples+=("$(status "$pid" VmRSS)")
peak=$(status "$pid" VmHWM)
title=$(tmux -L "$sock" capture-pane -p -t t | grep -o "Devices [^─]*" | head -1 | sed 's/ *$//')
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sorted=($(printf '%s\n' "${samples[@]}" | sort -n))
first=${samples[0]}; last=${samples[${#samples[@]}-1]}
echo "| $n devices every $interval ms (~$(( n * 1000 / interval )) adv/s)${flags:+, \`$flags\`}${BLEX_ENV:+, \`$BLEX_ENV\`} | all heard after ${heard} s; title \"$title\" |"
awk -v p="$peak" -v lo="${sorted[0]}" -v hi="${sorted[${#sorted[@]}-1]}" -v a="$first" -v b="$last" -v h="$hold" 'BEGIN {
  printf "| peak RSS (VmHWM) | %.1f MiB |\n", p / 1024
  printf "| RSS over the %d s after every device was heard | %.1f → %.1f MiB (min %.1f, max %.1f; spread %.1f %% of the min) |\n",
         h, a / 1024, b / 1024, lo / 1024, hi / 1024, (hi - lo) / lo * 100 }'
if [ "${#samples[@]}" -gt 13 ]; then
    settled=("${samples[@]:12}") # from the first minute on
    sorted=($(printf '%s\n' "${settled[@]}" | sort -n))
    awk -v lo="${sorted[0]}" -v hi="${sorted[${#sorted[@]}-1]}" -v n="${#settled[@]}" 'BEGIN {
      mid = (lo + hi) / 2
      printf "| RSS from the first minute on (%d samples) | %.1f…%.1f MiB: %.1f MiB ± %.1f %% |\n", n, lo / 1024, hi / 1024, mid / 1024, (hi - lo) / 2 / mid * 100 }'
fi
echo "| RSS every 5 s from the moment all were heard, MiB | $(printf '%s\n' "${samples[@]}" | awk '{ printf "%.0f ", $1 / 1024 }')|"
echo "| blex CPU, whole run | $(awk -v t="$(ticks "$pid")" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }') s user+system |"
tmux -L "$sock" send-keys -t t q
