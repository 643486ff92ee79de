#!/usr/bin/env bash
# Regenerates screenshots/*.png: builds blex, runs it on the built-in virtual dongle (demo world) in a detached
# tmux session at 120×40, drives it to six states and renders each `tmux capture-pane -e` to a PNG with
# scripts/ansi_to_png.py (Pillow, in scripts/.venv; DejaVu Sans Mono from Debian's fonts-dejavu-core, and
# fonts-droid-fallback for CJK).
#
#   bash scripts/screenshots.sh
#
# Environment: BLEX_BINARY (use this blex, skip the build), BLEX_SCRATCH_PATH (swift build --scratch-path).
# Installs tmux, fonts-dejavu-core, fonts-droid-fallback and python3-venv with apt-get when they are missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/screenshots"
venv="$root/scripts/.venv"
pins="pillow==11.3.0"
font_dir=/usr/share/fonts/truetype/dejavu
cols=120
rows=40

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_updated=
apt_install() {
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
    as_root apt-get install -y -qq "$@" >/dev/null
}

# --- tools -------------------------------------------------------------------------------------------------
command -v tmux >/dev/null || apt_install tmux
[ -f "$font_dir/DejaVuSansMono.ttf" ] && [ -f "$font_dir/DejaVuSansMono-Bold.ttf" ] || apt_install fonts-dejavu-core
# CJK and other wide characters DejaVu lacks (device names come from the radio): Droid Sans Fallback, 2 MB.
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || apt_install fonts-droid-fallback
if ! [ -x "$venv/bin/python" ] || [ "$(cat "$venv/.blex-pins" 2>/dev/null)" != "$pins" ]; then
    if ! command -v python3 >/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then apt_install python3 python3-venv; fi
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        apt_install python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins
    echo "$pins" >"$venv/.blex-pins"
fi

# --- blex --------------------------------------------------------------------------------------------------
if [ -n "${BLEX_BINARY:-}" ]; then
    blex="$BLEX_BINARY"
else
    scratch=(); [ -n "${BLEX_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$BLEX_SCRATCH_PATH")
    swift build "${scratch[@]}" --product blex
    blex="$(swift build "${scratch[@]}" --show-bin-path)/blex"
fi
[ -x "$blex" ] || { echo "no blex at $blex" >&2; exit 1; }

# --- the session -------------------------------------------------------------------------------------------
work="$(mktemp -d)"
socket="blex-shots-$$"
t() { tmux -L "$socket" -f "$work/tmux.conf" "$@"; }
cleanup() {
    local socket_path
    socket_path="$(t display-message -p '#{socket_path}' 2>/dev/null || true)"
    t kill-server 2>/dev/null || true
    case "$socket_path" in */"$socket") rm -f "$socket_path" ;; esac
    rm -rf "$work"
}
trap cleanup EXIT
echo "set -g remain-on-exit on" >"$work/tmux.conf"
env -u TMUX TERM=xterm-256color LANG=C.UTF-8 tmux -L "$socket" -f "$work/tmux.conf" \
    new-session -d -s shots -x "$cols" -y "$rows" env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME="$work" "$blex" --scenario demo

screen() { t capture-pane -p -t shots; }
# wait_for DESCRIPTION GREP-PATTERN [SECONDS]: polls the screen until a line matches (fixed string).
wait_for() {
    local what="$1" pattern="$2" seconds="${3:-15}" i
    for ((i = 0; i < seconds * 10; i++)); do
        if screen | grep -qF -- "$pattern"; then return 0; fi
        sleep 0.1
    done
    echo "timed out waiting for $what; screen:" >&2
    screen >&2
    exit 1
}
keys() { t send-keys -t shots "$@"; }
text() { t send-keys -t shots -l -- "$1"; }
# select_row N NAME: top of the GATT tree, N rows down, until the value line under the tree names NAME.
select_row() {
    text "g$(printf 'j%.0s' $(seq 1 "$1"))"
    wait_for "$2 selected" "││$2 "
}
shoot() {
    sleep 0.4 # let the last render land
    t capture-pane -e -p -N -t shots >"$work/$1.ans"
    mkdir -p "$out"
    "$venv/bin/python" "$root/scripts/ansi_to_png.py" --cols "$cols" --rows "$rows" --font-dir "$font_dir" \
        "$work/$1.ans" "$out/$1.png"
    echo "screenshots/$1.png"
}

# 1. scan: ten seconds of scanning, so the RSSI sparklines have history.
wait_for "Pulse HRM" "Pulse HRM"
sleep 10
shoot scan

# 2. gatt: connect to Pulse HRM (filter to it, select it, Enter), clear the filter so the list is whole
#    again, subscribe to the heart rate, read the body sensor location and leave it selected.
text "/"; wait_for "the filter prompt" "Name, address, maker or"
text "Pulse"; keys Enter; wait_for "the filtered list" "/Pulse"
text "g"; wait_for "Pulse HRM's advertisement" "Advertisement · Pulse HRM"
keys Enter; wait_for "the GATT tree" "Heart Rate Control Point"
text "/"; wait_for "the filter prompt" "Name, address, maker or"
keys Escape; sleep 0.3
keys Tab
select_row 3 "Heart Rate Measurement"; text "n"; wait_for "the subscription" "Heart Rate Measurement [N]"
wait_for "a heart-rate notification" " bpm "
select_row 7 "Battery Level"; text "r"; wait_for "the battery level" "Battery Level ·"
select_row 4 "Body Sensor Location"; text "r"; wait_for "the body sensor location" "Chest"
shoot gatt

# 3. editor: the write editor on the control point, a value typed.
select_row 5 "Heart Rate Control Point"
text "w"; wait_for "the editor" "Write Heart Rate Control Point"
text "01"; wait_for "the parsed value" "u8: 1"
shoot editor

# 4. notifications: write it, then let heart-rate notifications pile up; focus the log.
keys Enter; wait_for "the write" " W Pulse HRM"
sleep 6
keys Tab
shoot notifications

# 5. chart: back to the tree, the heart rate's chart over the last minute (notifications, RSSI below).
keys Tab; sleep 0.2; keys Tab; sleep 0.2
select_row 3 "Heart Rate Measurement"
text "v"; wait_for "the chart" "Chart · Pulse HRM · Heart Rate Measurement"
text "z"; wait_for "the one-minute window" "· last 1m"
sleep 20 # half a minute of heart rate and RSSI
shoot chart
keys Escape; sleep 0.3
keys Tab; sleep 0.2 # back to the log pane

# 6. traffic: (in the log pane) the BGAPI traffic pane, scan responses hidden, the cursor on an attribute-value event.
text "t"; wait_for "the traffic pane" "BGAPI traffic"
text "S"; wait_for "the filter" "no scan rsp"
sleep 2
text "kkk"; wait_for "the held view" "scrolled"
shoot traffic

text "q"; wait_for "the quit question" "Quit?"
text "y"
