#!/usr/bin/env python3
"""Outside oracle for blex's BGAPI codec: pygatt 5.0.0 and bgapi 0.7 encode and decode, we compare.

  oracle.py commands   -> JSON list of command vectors the libraries BUILT:
                          {"client", "name", "fields": {ref_name: value}, "bytes": hex}
  oracle.py decode     <- JSON list [{"id", "bytes": hex}] of device->host packets (ours)
                       -> JSON list [{"id", "pygatt": {"name", "fields"} | {"error"}, "bgapi": ...}]

Field values: ints as JSON ints (signed where the type is signed), u8[] and addr as lowercase hex of
the wire bytes (addr LSB first, as on the wire). Names are the protocol reference's (Appendix A),
read from Sources/BGAPICore/Messages/codegen/messages.api so there is one list of messages.

The libraries' own values are reported as they produce them; their bugs are NOT corrected here
(the Swift test names each known disagreement). Known quirks, found by this oracle:
  pygatt  - implements the v1.1 API: flash_write_words (1,7) and test_debug (8,5) have v1.1 layouts.
  pygatt  - response table is off by one in class 8: (8,2) decodes as test_phy_reset, (8,3) as
            test_get_channel_map, (8,4) as test_debug; test_phy_end is never produced.
  pygatt  - no response entry for attclient_read_multiple (4,11).
  pygatt  - ignores every u8[] length prefix and takes the rest of the payload.
  pygatt  - gap_scan_response decodes 'address_type' from the bond byte and 'bond' from the
            data-length byte (fields shifted by one).
  bgapi   - implements v1.1 (+attributes_send); v1.3+ messages are unknown to it.
"""
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
API = os.path.join(HERE, "..", "..", "Sources", "BGAPICore", "Messages", "codegen", "messages.api")


def load_api():
    commands, responses, events = {}, {}, {}
    for line in open(API):
        line = line.split("||")[0].strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([CE]) ([0-9A-F]{2}) ([0-9A-F]{2}) (\w+) \|(.*)$", line)
        kind, cls, mid, name, rest = m.groups()
        key = (int(cls, 16), int(mid, 16))

        def fields(text):
            text = text.strip()
            return [] if not text or text == "NORSP" else [tuple(f.split(":")) for f in text.split()]

        if kind == "C":
            params, _, rsp = rest.partition("|")
            commands[name] = (key, fields(params))
            if rsp.strip() != "NORSP":
                responses[key] = (name, fields(rsp))
        else:
            events[key] = (name, fields(rest))
    return commands, responses, events


COMMANDS, RESPONSES, EVENTS = load_api()


def hexs(b):
    return bytes(b).hex()


def sample(name, field, ftype, seed):
    """A non-trivial value for a field, deterministic per message and field."""
    h = (sum(ord(c) for c in name + field) * 2654435761 + seed * 40503) & 0xFFFFFFFF
    if ftype == "u8":
        return 1 if field in ("active", "bondable", "commit", "bonding", "mitm", "single_shot", "boot_in_dfu",
                              "set_scanrsp", "scan_duplicate_filtering", "enable", "enabled", "disable",
                              "dfu", "stop") else (h % 250) + 3
    if ftype == "i8":
        return -((h % 100) + 1)
    if ftype == "u16":
        return (h % 0xFFF0) + 0x0101
    if ftype == "i16":
        return -((h % 30000) + 1)
    if ftype == "u32":
        return h | 0x80000001
    if ftype == "addr":
        return bytes([0x11, 0x22, 0x33, 0x44, 0x55, (h & 0xFF) | 1])
    if ftype == "u8[]":
        return bytes(((h >> (8 * (i % 4))) ^ i) & 0xFF for i in range(2 + h % 9))
    raise ValueError(ftype)


def wire_value(ftype, value):
    return hexs(value) if ftype in ("addr", "u8[]") else value


# v1.1 layouts at IDs that SDK 1.3+ redefined; both libraries implement v1.1.
V11 = {"flash_write_words": [("address", "u16"), ("words", "u8[]")],
       "test_debug_v11": [("input", "u8[]")]}
PYGATT_ARG_RENAMES = {("connection_channel_map_set", "map"): "channel_map"}


def pygatt_commands():
    from pygatt.backends.bgapi.packets import BGAPICommandPacketBuilder as B
    out = []
    for method in sorted(n for n in dir(B) if not n.startswith("_")):
        ref = "test_debug_v11" if method == "test_debug" else method
        layout = V11.get(ref) or COMMANDS[ref][1]
        args, fields = [], {}
        for fname, ftype in layout:
            v = sample(ref, fname, ftype, 1)
            args.append(list(v) if ftype == "u8[]" else v)
            # pygatt's gap_connect_direct takes the address in display order and reverses it onto the wire.
            wire = v[::-1] if (method == "gap_connect_direct" and ftype == "addr") else v
            fields[fname] = wire_value(ftype, wire)
        if method == "gap_connect_direct":
            args[0] = args[0][::-1]  # display order in, so the wire carries sample()'s bytes reversed back
            fields["address"] = hexs(sample(ref, "address", "addr", 1))
        out.append({"client": "pygatt", "name": ref, "fields": fields, "bytes": hexs(getattr(B, method)(*args))})
    return out


class _Capture:
    def __init__(self):
        self.data = b""

    def write(self, b):
        self.data += b


def bgapi_commands():
    from bgapi.api import BlueGigaAPI
    api = object.__new__(BlueGigaAPI)
    out = []
    for method in sorted(n for n in dir(BlueGigaAPI) if n.startswith("ble_cmd_")):
        name = method[len("ble_cmd_"):]
        ref = "test_debug_v11" if name == "test_debug" else name
        if ref not in COMMANDS and ref not in V11:
            continue
        layout = V11.get(ref) or COMMANDS[ref][1]
        args, fields = [], {}
        for fname, ftype in layout:
            v = sample(ref, fname, ftype, 2)
            args.append(v)
            fields[fname] = wire_value(ftype, v)
        cap = _Capture()
        api._serial = cap
        try:
            getattr(api, method)(*args)
        except Exception as e:  # a builder that cannot take the reference's fields is itself a finding
            out.append({"client": "bgapi", "name": ref, "error": repr(e)})
            continue
        out.append({"client": "bgapi", "name": ref, "fields": fields, "bytes": hexs(cap.data)})
    return out


def _plain(v):
    if isinstance(v, (bytes, bytearray)):
        return hexs(v)
    if isinstance(v, (list, tuple)) and all(isinstance(x, int) for x in v):
        return hexs(bytes(v))
    return v


PYGATT_KEY_RENAMES = {"connection_handle": "connection"}


def pygatt_decode(packet):
    from pygatt.backends.bgapi.bglib import BGLib
    lib = BGLib()
    done = None
    for i in range(len(packet)):
        done = lib.parse_byte(packet[i:i + 1]) or done
    if done is None:
        return {"error": "parse_byte never completed the packet"}
    try:
        ptype, fields = lib.decode_packet(done)
    except Exception as e:
        return {"error": repr(e)}
    name = ptype.name
    out = {}
    for k, v in fields.items():
        key = PYGATT_KEY_RENAMES.get(k, k)
        if name in ("gap_connect_direct", "gap_connect_selective") and k == "connection_handle":
            key = "connection_handle"
        # pygatt gives bd_addr as a tuple of ints in wire order (LSB first).
        out[key] = _plain(v)
    return {"name": name, "fields": out}


class _Recorder:
    def __init__(self):
        self.calls = []

    def __getattr__(self, attr):
        def record(**kwargs):
            self.calls.append((attr, kwargs))
        return record


def bgapi_decode(packet):
    from bgapi.api import BlueGigaAPI
    api = object.__new__(BlueGigaAPI)
    rec = _Recorder()
    try:
        api.parse_bgapi_packet(bytes(packet), callbacks=rec)
    except Exception as e:
        return {"error": repr(e)}
    if not rec.calls:
        return {"error": "no callback (message unknown to bgapi 0.7)"}
    attr, kwargs = rec.calls[0]
    name = re.sub(r"^ble_(rsp|evt)_", "", attr)
    return {"name": name, "fields": {k: _plain(v) for k, v in kwargs.items()}}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "commands":
        json.dump(pygatt_commands() + bgapi_commands(), sys.stdout)
    elif mode == "decode":
        requests = json.load(sys.stdin)
        answers = []
        for r in requests:
            packet = bytes.fromhex(r["bytes"])
            answers.append({"id": r["id"], "pygatt": pygatt_decode(packet), "bgapi": bgapi_decode(packet)})
        json.dump(answers, sys.stdout)
    else:
        sys.exit("usage: oracle.py commands | decode < requests.json")


if __name__ == "__main__":
    import logging
    logging.disable(logging.CRITICAL)
    main()
