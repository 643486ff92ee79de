#!/usr/bin/env python3
"""Drives bled112-emulator (demo world) with bgapi 0.7's BlueGigaClient, a second client we did not write.

Usage: emulator_bgapi.py PTY_PATH. Prints a JSON summary and exits 0, or prints what failed and exits 1.
Covers: module info, address, scan, connect, service discovery (read_by_group_type), characteristic
discovery (read_by_type 0x2803, find_information), read, write with and without response, read long,
encryption, disconnect.
"""
import json
import logging
import struct
import sys
import time

from bgapi.module import BlueGigaClient, GATTService, GATTCharacteristic

logging.disable(logging.CRITICAL)
summary = {}


def check(condition, what):
    if not condition:
        print("FAILED: " + what, flush=True)
        sys.exit(1)


def main():
    ble = BlueGigaClient(port=sys.argv[1], baud=115200, timeout=0.1)
    try:
        ble.reset_ble_state()
        info = ble.get_module_info()
        check(info is not None, "system_get_info unanswered")
        address = ble.get_ble_address()
        check(bytes(address)[::-1].hex(":").upper() == "00:07:80:B1:E0:01", "address %r" % (address,))
        responses = ble.scan_all(timeout=1.5) or []
        senders = {bytes(r.sender)[::-1].hex(":").upper(): r for r in responses}
        check("E8:9F:6D:10:20:03" in senders and "F0:12:34:56:78:04" in senders, "scan found %r" % sorted(senders))
        summary["scan_reports"] = len(responses)

        conn = ble.connect(senders["F0:12:34:56:78:04"], timeout=3)
        conn.read_by_group_type(GATTService.PRIMARY_SERVICE_UUID)
        services = conn.get_services()
        check(len(services) == 3, "expected GAP, GATT and the custom service, got %d" % len(services))
        for service in services:
            conn.find_information(service)
            conn.read_by_type(service, GATTCharacteristic.CHARACTERISTIC_UUID)
        handles = conn.get_handles_by_uuid(bytes.fromhex("A0B40002926D4D6198DF8C5C62EE53B3")[::-1])
        check(len(handles) == 1, "long characteristic handles %r" % handles)
        handle = handles[0]
        chunks = []
        conn.assign_attrclient_value_callback(handle, chunks.append)
        conn.read_long_by_handle(handle)
        value = b"".join(bytes(c) for c in chunks)
        check(value == b"The quick brown fox jumps over the lazy dog, twice over.", "read_long gave %r" % value)
        check(len(chunks) == 3, "read_long chunks %r" % [len(c) for c in chunks])

        def current():
            # bgapi 0.7 returns from read_by_handle on the response; the value event and its callback may
            # come a moment later on bgapi's reader thread, so wait for it (up to 2 s).
            del chunks[:]
            conn.read_by_handle(handle)
            deadline = time.time() + 2
            while not chunks and time.time() < deadline:
                time.sleep(0.01)
            return bytes(chunks[-1]) if chunks else None

        conn.write_by_handle(handle, b"written by bgapi")
        check(current() == b"written by bgapi", "write then read")
        conn.wr_noresp_by_handle(handle, b"no response")
        time.sleep(0.1)
        check(current() == b"no response", "write_command then read")
        conn.request_encryption(bond=False)
        ble.disconnect(conn)
        summary["ok"] = True
    finally:
        ble.shutdown()
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
