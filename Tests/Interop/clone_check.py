#!/usr/bin/env python3
"""What pygatt 5.0.0 and bgapi 0.7 see of one device on a (virtual) dongle: its handles, UUIDs, properties,
descriptors and values. Run against an original and its clone (`blex clone`), the two outputs must match.

Usage: clone_check.py PTY_PATH ADDRESS public|random [VOLATILE_UUID16 ...]
Values of the VOLATILE characteristics (generators: they change with time) are left out. Prints one JSON line.
"""
import json
import logging
import sys

from bgapi.module import BlueGigaClient, GATTService, GATTCharacteristic
from pygatt import BLEAddressType
from pygatt.backends import BGAPIBackend

logging.disable(logging.CRITICAL)


def pygatt_view(link, address, random, volatile):
    adapter = BGAPIBackend(serial_port=link)
    adapter.start()
    try:
        dev = adapter.connect(address, address_type=BLEAddressType.random if random else BLEAddressType.public)
        chars = dev.discover_characteristics()
        view = {}
        for uuid, c in sorted(chars.items(), key=lambda kv: kv[1].handle):
            entry = {"handle": c.handle, "descriptors": {str(u): h for u, h in sorted(c.descriptors.items(), key=lambda kv: kv[1])}}
            if str(uuid)[4:8].upper() not in volatile:
                try:
                    entry["value"] = bytes(dev.char_read_handle(c.handle, timeout=2)).hex()
                except Exception as e:  # an ATT error, reported by pygatt as an exception
                    entry["value"] = "error: " + type(e).__name__
            view[str(uuid)] = entry
        dev.disconnect()
        return view
    finally:
        adapter.stop()


def bgapi_view(link, address, volatile):
    ble = BlueGigaClient(port=link, baud=115200, timeout=0.1)
    try:
        ble.reset_ble_state()
        responses = ble.scan_all(timeout=1.5) or []
        target = [r for r in responses if bytes(r.sender)[::-1].hex(":").upper() == address]
        if not target:
            raise SystemExit("bgapi did not hear %s" % address)
        conn = ble.connect(target[0], timeout=3)
        conn.read_by_group_type(GATTService.PRIMARY_SERVICE_UUID)
        services = conn.get_services()
        for service in services:
            conn.find_information(service)
            conn.read_by_type(service, GATTCharacteristic.CHARACTERISTIC_UUID)
        chars = []
        for c in conn.get_characteristics():
            entry = {"declaration": c.handle, "value_handle": c.value_handle, "properties": c.properties,
                     "uuid": bytes(c.uuid).hex(),
                     "descriptors": sorted([bytes(u).hex(), d.handle] for u, d in c.descriptors.items())}
            short = bytes(c.uuid)[::-1].hex().upper()[-4:] if len(bytes(c.uuid)) == 2 else None
            if c.is_readable() and short not in volatile:
                chunks = []
                conn.assign_attrclient_value_callback(c.value_handle, chunks.append)
                conn.read_by_handle(c.value_handle)
                entry["value"] = bytes(chunks[-1]).hex() if chunks else None
            chars.append(entry)
        ble.disconnect(conn)
        return {"services": [[s.start_handle, s.end_handle, bytes(s.uuid).hex()] for s in services], "characteristics": chars}
    finally:
        ble.shutdown()


def main():
    link, address, kind = sys.argv[1], sys.argv[2].upper(), sys.argv[3]
    volatile = {u.upper() for u in sys.argv[4:]}
    result = {"pygatt": pygatt_view(link, address, kind == "random", volatile), "bgapi": bgapi_view(link, address, volatile)}
    print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
