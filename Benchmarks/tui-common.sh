# Shared by Benchmarks/tui-notify.sh and Benchmarks/soak.sh (source it; it defines functions only).
# The real blex binary (release) in tmux on a bled112-emulator process: a world of notifying peripherals
# (and optionally an advertising flood), connected and subscribed with the keys a user would press,
# CPU and RSS read from /proc, and every notification checked from `blex --record`'s file.

# world FILE NOTIFY_MS FLOOD_DEVICES: 3 connectable peripherals "Notify 1..3", each with FFF1 (handle 0x000C)
# notifying every NOTIFY_MS with a 4-byte little-endian counter that steps by one per notification, plus
# FLOOD_DEVICES devices advertising every 50 ms (100 of them: ~2,000 advertisements/s).
world() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, ms, flood = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
def notifier(i):
    return {"id": "n%d" % i, "address": "C1:00:00:00:00:%02X" % i, "advertisingIntervalMs": 100,
            "advertising": {"flags": 6, "name": "Notify %d" % i},
            "services": [{"uuid": "FFF0", "characteristics": [{"uuid": "FFF1", "properties": ["read", "notify"],
                "generator": {"kind": "counter", "periodMs": ms, "step": 1, "width": 4}, "notifyIntervalMs": ms}]}]}
devices = [{"id": "d%d" % i, "address": "C0:00:00:00:%02X:%02X" % (i // 256, i % 256), "advertisingIntervalMs": 50,
            "advertising": {"flags": 6, "name": "Flood %d" % i, "manufacturer": {"company": 89, "data": "0102"}},
            "rssi": {"mean": -40 - i % 50, "walk": 3}} for i in range(flood)]
json.dump({"name": "notify", "seed": 5, "peripherals": [notifier(i) for i in (1, 2, 3)] + devices}, open(path, "w"))
PY
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
screen_text() { tmux -L "$sock" capture-pane -p -t t 2>/dev/null; }

# wait_for TEXT SECONDS: until the screen shows TEXT (fails after SECONDS).
wait_for() {
    local deadline=$(( $(date +%s) + $2 ))
    until screen_text | grep -q -- "$1"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for '$1'; the screen:" >&2; screen_text >&2; return 1; }
        sleep 0.1
    done
}

keys() { tmux -L "$sock" send-keys -t t "$@"; sleep 0.3; }

# start_blex PORT RECORDING DEVICES: blex in tmux (160x50), recording every byte, until it lists DEVICES devices.
start_blex() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    tmux -L "$sock" new -d -s t -x 160 -y 50 "env TERM=xterm-256color LANG=C.UTF-8 $bin/blex --port $1 --record $2"
    wait_for "Devices $3 " 30
    pid=$(tmux -L "$sock" list-panes -t t -F '#{pane_pid}')
}

# sort_by_name: `s` sorts the list by name, so "Notify 1..3" are its last three rows (after any "Flood" ones).
sort_by_name() { keys s; wait_for "Devices [0-9]* · name" 10; }

# connect_and_subscribe N: select "Notify N" (in name order: G, the last row, then k up), connect (Enter), go
# to the GATT tree (Tab), its last row (G, the FFF1 characteristic) and turn notifications on (n); then back to
# the device list (Esc).
connect_and_subscribe() {
    local try
    for try in 1 2 3 4 5; do
        keys G; for _ in $(seq $(( 3 - $1 ))); do keys k; done
        wait_for "Advertisement · Notify $1" 3 2>/dev/null && break
    done
    # Enter connects it (again if the selection had not settled).
    for try in 1 2 3 4 5; do
        keys Enter
        wait_for "GATT · Notify $1" 5 2>/dev/null && break
    done
    wait_for "GATT · Notify $1" 20
    wait_for "R N 0x000C" 30
    keys Tab; keys G; keys n
    wait_for "FFF1 \[N\]" 20
    keys Escape
}

# quit_blex: q, and confirm (links are open).
quit_blex() {
    tmux -L "$sock" send-keys -t t q; sleep 0.5
    tmux -L "$sock" send-keys -t t y; sleep 1
    tmux -L "$sock" kill-server 2>/dev/null || true
}

# check_recording FILE: every notification of handle 0x000C per connection, from the recording; prints
# "links N received N lost N duplicated-or-disordered N rate N/s" and exits non-zero unless none were
# lost, duplicated or out of order.
check_recording() {
    "$bin/blex" replay "$1" --json | python3 -c '
import json, sys
links = {}
for line in sys.stdin:
    if "attclient_attribute_value" not in line: continue
    r = json.loads(line)
    f = r["fields"]
    if f["type"] != 1 or f["atthandle"] != 12: continue
    links.setdefault(f["connection"], []).append((r["t"], int.from_bytes(bytes.fromhex(f["value"]), "little")))
received = lost = bad = 0
rates = []
for c, values in sorted(links.items()):
    received += len(values)
    for (_, a), (_, b) in zip(values, values[1:]):
        step = (b - a) % 2**32
        if step == 0 or step > 2**31: bad += 1
        elif step > 1: lost += step - 1
    if len(values) > 1 and values[-1][0] > values[0][0]:
        rates.append((len(values) - 1) / (values[-1][0] - values[0][0]))
print("links %d received %d lost %d duplicated-or-disordered %d rate %.0f/s per link (min)" % (
    len(links), received, lost, bad, min(rates) if rates else 0))
sys.exit(0 if len(links) == 3 and lost == 0 and bad == 0 and received > 0 else 1)
'
}
