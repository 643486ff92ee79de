#!/usr/bin/env python3
"""pygatt 5.0.0 as the client of the notification benchmark: connects to the storm device on the given
pty, subscribes to 0xFFE1, records (CLOCK_MONOTONIC ns, value hex) per callback for SECONDS, then
unsubscribes and prints one JSON object with the records and its own CPU (user + system) over those SECONDS.

Usage: pygatt_notify_client.py PTY SECONDS
"""
import json
import resource
import sys
import threading
import time

import pygatt

port, seconds = sys.argv[1], float(sys.argv[2])
received = []
lock = threading.Lock()


def on_value(handle, value):
    t = time.monotonic_ns()
    with lock:
        received.append((t, bytes(value).hex()))


adapter = pygatt.BGAPIBackend(serial_port=port)
adapter.start(reset=False)
device = adapter.connect("AA:00:00:00:00:01", timeout=5)
uuid = "0000ffe1-0000-1000-8000-00805f9b34fb"
device.subscribe(uuid, callback=on_value)


def cpu_us():
    """User + system CPU of this process so far, in microseconds (as the Swift client measures its own)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return int((r.ru_utime + r.ru_stime) * 1e6)


cpu0 = cpu_us()
time.sleep(seconds)
stop = time.monotonic_ns()
cpu = cpu_us() - cpu0
time.sleep(0.3)  # keep listening, so what was in flight at `stop` is delivered before the callback goes
try:
    device.unsubscribe(uuid)
except Exception as e:  # pygatt may time out here under load (its reference §1.6); the data is what counts
    sys.stderr.write("unsubscribe: %r\n" % (e,))
time.sleep(0.3)
with lock:
    records = list(received)
sys.stdout.write(json.dumps({"stop": stop, "cpu_us": cpu, "received": records}) + "\n")
sys.stdout.flush()
try:
    adapter.stop()
except Exception:
    pass
