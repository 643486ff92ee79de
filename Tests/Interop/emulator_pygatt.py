#!/usr/bin/env python3
"""Drives bled112-emulator (demo world) with pygatt 5.0.0's BGAPIBackend through a real pty.

Usage: emulator_pygatt.py PTY_PATH
Every pygatt call the issue lists is made and its result checked; prints one JSON summary line and exits
0 on success, or prints what failed and exits 1.
"""
import json
import logging
import sys
import time
import uuid as uuidlib

import pygatt
from pygatt.backends import BGAPIBackend
from pygatt.util import uuid16_to_uuid

logging.disable(logging.CRITICAL)

HRM, THERMO, UART, LONG = "C4:7C:8D:6A:10:01", "D0:5F:B8:22:33:02", "E8:9F:6D:10:20:03", "F0:12:34:56:78:04"
NUS_RX = uuidlib.UUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")
NUS_TX = uuidlib.UUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")
LONG_CHAR = uuidlib.UUID("A0B40002-926D-4D61-98DF-8C5C62EE53B3")
summary = {}


def check(condition, what):
    if not condition:
        print("FAILED: " + what, flush=True)
        sys.exit(1)


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline and not predicate():
        time.sleep(0.05)
    return predicate()


def main():
    adapter = BGAPIBackend(serial_port=sys.argv[1])
    t = time.time()
    adapter.start()  # reset=True: system_reset, close, 1 s, reopen, set_mode, bondable, end_procedure
    summary["start_s"] = round(time.time() - t, 2)
    check(summary["start_s"] < 3, "start() took %.2f s" % summary["start_s"])

    adapter.get_mac()
    check(adapter.address == (0x01, 0xE0, 0xB1, 0x80, 0x07, 0x00), "get_mac gave %r" % (adapter.address,))

    devices = adapter.scan(timeout=2)
    names = {d["name"] for d in devices}
    by_address = {d["address"]: d for d in devices}
    for expected in ["Pulse HRM", "Thermo TH-1", "UART Echo", "Long Value", "Secure Lock", "Tag"]:
        check(expected in names, "scan did not find %r (found %r)" % (expected, sorted(names)))
    check("DE:AD:BE:EF:00:09" in by_address, "scan did not report the hostile-name device")
    check("D6:1E:0B:EA:C0:06" in by_address, "scan did not report the iBeacon")
    check(all(-103 <= d["rssi"] <= -38 for d in devices), "RSSI out of range: %r" % [d["rssi"] for d in devices])
    summary["scan_devices"] = len(devices)

    # Heart rate monitor: discovery, read, notifications, RSSI.
    hrm = adapter.connect(HRM)
    check(hrm is not None, "connect(HRM) returned None")
    chars = hrm.discover_characteristics()
    for short in (0x2A37, 0x2A38, 0x2A19):
        check(uuid16_to_uuid(short) in chars, "discovery lacks 0x%04X" % short)
    check(uuid16_to_uuid(0x2902) in chars[uuid16_to_uuid(0x2A37)].descriptors, "2A37 has no CCCD")
    check(hrm.char_read(uuid16_to_uuid(0x2A38)) == bytearray(b"\x01"), "body sensor location read")
    beats = []
    hrm.subscribe(uuid16_to_uuid(0x2A37), callback=lambda handle, value: beats.append(bytes(value)))
    check(wait_for(lambda: len(beats) >= 2, 4), "heart rate notifications: %d" % len(beats))
    check(all(len(b) == 2 and b[0] == 0 and 30 <= b[1] <= 220 for b in beats), "heart rate values %r" % beats)
    summary["hrm_notifications"] = len(beats)
    rssi = hrm.get_rssi()
    check(-103 <= rssi <= -38 and rssi != 25, "get_rssi gave %r" % rssi)
    hrm.disconnect()

    # A new link to a device that is not bonded starts with notifications off (Core Vol 3 Part G 3.3.3.3).
    hrm = adapter.connect(HRM)
    chars = hrm.discover_characteristics()
    cccd = chars[uuid16_to_uuid(0x2A37)].descriptors[uuid16_to_uuid(0x2902)]
    check(hrm.char_read_handle(cccd) == bytearray(b"\x00\x00"), "CCCD on a new link")
    hrm.disconnect()

    # Thermometer: device information, indications, bonding.
    thermo = adapter.connect(THERMO)
    thermo.discover_characteristics()
    check(thermo.char_read(uuid16_to_uuid(0x2A29)) == bytearray(b"Acme Sensors"), "manufacturer name")
    check(thermo.char_read(uuid16_to_uuid(0x2A26)) == bytearray(b"1.0.3"), "firmware revision")
    temps = []
    thermo.subscribe(uuid16_to_uuid(0x2A1C), callback=lambda h, v: temps.append(bytes(v)), indication=True)
    check(wait_for(lambda: len(temps) >= 1, 4.5), "temperature indications: %d" % len(temps))
    check(all(len(t) == 5 and t[4] == 0xFE for t in temps), "temperature measurement format %r" % temps)
    summary["thermo_indications"] = len(temps)
    thermo.bond(permanent=True)
    adapter.clear_bond()  # sm_get_bonds, then sm_delete_bonding for each
    check(adapter._num_bonds == 1 and adapter._stored_bonds, "clear_bond saw %r bonds" % adapter._num_bonds)
    thermo.disconnect()

    # Long value: read long, write long, short write with response.
    dev = adapter.connect(LONG)
    dev.discover_characteristics()
    text = b"The quick brown fox jumps over the lazy dog, twice over."
    check(dev.char_read_long(LONG_CHAR) == bytearray(text), "char_read_long")
    check(dev.char_read(LONG_CHAR) == bytearray(text[:22]), "char_read gives the first 22 bytes")
    forty = bytes(range(0x20, 0x48))
    dev.char_write_long(LONG_CHAR, forty)
    check(dev.char_read_long(LONG_CHAR) == bytearray(forty), "char_write_long then read back")
    dev.char_write(LONG_CHAR, b"short", wait_for_response=True)
    check(dev.char_read_long(LONG_CHAR) == bytearray(b"short"), "char_write then read back")
    dev.disconnect()

    # UART echo: writes with and without response come back as notifications.
    uart = adapter.connect(UART)
    uart.discover_characteristics()
    echoed = []
    uart.subscribe(NUS_TX, callback=lambda h, v: echoed.append(bytes(v)))
    uart.char_write(NUS_RX, b"hello", wait_for_response=False)
    uart.char_write(NUS_RX, b"world", wait_for_response=True)
    check(wait_for(lambda: len(echoed) >= 2, 3), "echoes: %r" % echoed)
    check(echoed[:2] == [b"hello", b"world"], "echo order/content %r" % echoed)
    uart.disconnect()

    adapter.stop()
    summary["ok"] = True
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
