"""An example of a pygatt user's own test suite, run against the virtual BLED112 (see conftest.py).

CI runs this file (Tests/InteropTests/VirtualDongleExampleTests.swift), so docs/virtual-dongle.md cannot rot.
"""
import struct
import time
import uuid

import pytest
from pygatt.util import uuid16_to_uuid

THERMO = "C0:FF:EE:00:00:01"
TEMPERATURE = uuid16_to_uuid(0x2A1C)
INTERVAL = uuid16_to_uuid(0x2A21)
BATTERY = uuid16_to_uuid(0x2A19)

pytestmark = pytest.mark.scenario("my_thermometer.json")


def ieee11073_float(raw):
    mantissa = int.from_bytes(raw[0:3], "little", signed=True)
    exponent = struct.unpack("b", raw[3:4])[0]
    return mantissa * 10 ** exponent


def test_the_thermometer_advertises_its_name_and_service(adapter):
    devices = {d["address"]: d for d in adapter.scan(timeout=1)}
    assert THERMO in devices
    assert devices[THERMO]["name"] == "My Thermometer"


def test_battery_and_interval_read_and_write(adapter):
    device = adapter.connect(THERMO)
    assert device.char_read(BATTERY) == bytearray(b"\x5a")
    device.char_write(INTERVAL, bytearray(b"\x05\x00"), wait_for_response=True)
    assert device.char_read(INTERVAL) == bytearray(b"\x05\x00")
    device.disconnect()


def test_temperature_indications_stay_in_range(adapter):
    device = adapter.connect(THERMO)
    readings = []
    device.subscribe(TEMPERATURE, callback=lambda handle, value: readings.append(ieee11073_float(bytes(value)[1:5])),
                     indication=True)
    deadline = time.time() + 5
    while time.time() < deadline and len(readings) < 3:
        time.sleep(0.05)
    assert len(readings) >= 3
    assert all(19.5 <= r <= 23.5 for r in readings), readings
    device.disconnect()
