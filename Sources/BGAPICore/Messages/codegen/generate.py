#!/usr/bin/env python3
"""Generates the BGAPI v1 message types from messages.api.

Writes Sources/BGAPICore/Messages/Generated/<Class>.swift (one file per BGAPI class) and
Sources/BGAPICore/Messages/Generated/BGAPIMessage+Generated.swift (the sum types and the catalog).
Run from anywhere: python3 Sources/BGAPICore/Messages/codegen/generate.py
With --check it writes nothing and exits 1 if a generated file differs from what it would write (CI runs this).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "Generated")
CHECK = "--check" in sys.argv[1:]
STALE = []


def emit(path, text):
    """Writes `text` to `path`, or in --check mode records the path when its content differs."""
    if CHECK:
        try:
            with open(path) as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            STALE.append(os.path.relpath(path))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

CLASS_NAMES = ["system", "flash", "attributes", "connection", "attclient", "sm", "gap", "hardware", "test", "dfu"]
CLASS_PREFIX = {"system": "System", "flash": "Flash", "attributes": "Attributes", "connection": "Connection",
                "attclient": "AttClient", "sm": "SM", "gap": "GAP", "hardware": "Hardware", "test": "Test",
                "dfu": "DFU"}
CLASS_FILE = {"system": "System", "flash": "Flash", "attributes": "Attributes", "connection": "Connection",
              "attclient": "AttClient", "sm": "SecurityManager", "gap": "GAP", "hardware": "Hardware",
              "test": "Test", "dfu": "DFU"}
WORDS = {"rssi": "RSSI", "ps": "PS", "aes": "AES", "adc": "ADC", "spi": "SPI", "i2c": "I2C", "io": "IO",
         "irq": "IRQ", "usb": "USB", "oob": "OOB", "txpower": "TXPower", "rxgain": "RXGain", "crc": "CRC",
         "tx": "TX", "rx": "RX", "phy": "PHY", "smp": "SMP", "dfu": "DFU", "ind": "Ind"}
# Field names that glue words together in the reference; Swift names split them.
FIELD_RENAME = {"atthandle": "attHandle", "chrhandle": "chrHandle", "attrhandle": "attrHandle",
                "chrdecl": "chrDecl", "maxconn": "maxConn", "maxsize": "maxSize", "txok": "txOK",
                "txretry": "txRetry", "rxok": "rxOK", "rxfail": "rxFail", "mbuf": "mbuf", "keysize": "keySize",
                "vers_nr": "versNr", "comp_id": "compID", "sub_vers_nr": "subVersNr", "ll_version": "llVersion",
                "hw": "hw", "boot_in_dfu": "bootInDFU", "dfu": "dfu", "delay_ms": "delayMilliseconds",
                "att_error": "attError", "addr_type": "addressType", "conn_interval": "connInterval",
                "conn_interval_min": "connIntervalMin", "conn_interval_max": "connIntervalMax",
                "io_capabilities": "ioCapabilities", "min_key_size": "minKeySize", "mitm": "mitm",
                "adv_interval_min": "advIntervalMin", "adv_interval_max": "advIntervalMax",
                "adv_channels": "advChannels", "adv_data": "advData", "set_scanrsp": "setScanResponse",
                "adv_policy": "advPolicy", "baud_e": "baudE", "baud_m": "baudM", "timeout": "timeout"}

# Semantic Swift types. Keys: "message.field" first, then "field".
TYPE_BY_MESSAGE_FIELD = {
    "system_reset.boot_in_dfu": "Bool", "system_delay_reset.dfu": "Bool", "dfu_reset.dfu": "Bool",
    "system_whitelist_append.address_type": "AddressType", "system_whitelist_remove.address_type": "AddressType",
    "attributes_write.offset": "UInt8",
    "attributes_value.reason": "AttributeChangeReason",
    "attributes_status.flags": "AttributeStatusFlags",
    "connection_status.flags": "ConnectionStatusFlags",
    "connection_status.bonding": "BondHandle",
    "connection_slave_latency_disable.disable": "Bool",
    "attclient_find_by_type_value.uuid": "UInt16",
    "attclient_attribute_found.value": "AttributeHandle",
    "attclient_attribute_value.type": "AttributeValueType",
    "attclient_execute_write.commit": "Bool",
    "sm_encrypt_start.bonding": "Bool",
    "sm_set_bondable_mode.bondable": "Bool",
    "sm_delete_bonding.handle": "BondHandle",
    "sm_set_parameters.mitm": "Bool",
    "sm_set_parameters.io_capabilities": "SMIOCapabilities",
    "sm_bond_status.bond": "BondHandle",
    "sm_bond_status.mitm": "Bool",
    "sm_bond_status.keys": "SMBondingKeys",
    "gap_set_mode.discover": "GAPDiscoverableMode", "gap_set_mode.connect": "GAPConnectableMode",
    "gap_mode_changed.discover": "GAPDiscoverableMode", "gap_mode_changed.connect": "GAPConnectableMode",
    "gap_discover.mode": "GAPDiscoverMode",
    "gap_set_filtering.scan_policy": "GAPScanPolicy", "gap_set_filtering.adv_policy": "GAPAdvertisingPolicy",
    "gap_set_filtering.scan_duplicate_filtering": "Bool",
    "gap_set_scan_parameters.active": "Bool",
    "gap_set_adv_data.set_scanrsp": "Bool",
    "gap_scan_response.packet_type": "ScanResponsePacketType",
    "gap_scan_response.bond": "BondHandle",
    "hardware_set_soft_timer.single_shot": "Bool",
    "hardware_analog_comparator_enable.enable": "Bool",
    "hardware_analog_comparator_config_irq.enabled": "Bool",
    "hardware_usb_enable.enable": "Bool",
    "hardware_sleep_enable.enable": "Bool",
}
SM_CONNECTION_HANDLE = {"sm_encrypt_start", "sm_passkey_entry", "sm_smp_data", "sm_bonding_fail",
                        "sm_passkey_display", "sm_passkey_request"}
ATT_HANDLE_FIELDS = {"atthandle", "chrhandle", "attrhandle", "chrdecl", "start", "end"}
UUID_FIELDS = {"attclient_read_by_group_type.uuid", "attclient_read_by_type.uuid", "attclient_group_found.uuid",
               "attclient_attribute_found.uuid", "attclient_find_information_found.uuid"}
BASE = {"u8": "UInt8", "i8": "Int8", "u16": "UInt16", "i16": "Int16", "u32": "UInt32", "addr": "BluetoothAddress",
        "u8[]": "[UInt8]"}
UNITS = {
    "conn_interval_min": "in 1.25 ms units (6...3200)", "conn_interval_max": "in 1.25 ms units (6...3200)",
    "interval_min": "in 1.25 ms units (6...3200)", "interval_max": "in 1.25 ms units (6...3200)",
    "conn_interval": "in 1.25 ms units", "latency": "slave latency in connection events (0...500)",
    "scan_interval": "in 0.625 ms units (4...16384)", "scan_window": "in 0.625 ms units, at most the interval",
    "adv_interval_min": "in 0.625 ms units (32...16384)", "adv_interval_max": "in 0.625 ms units (32...16384)",
    "rssi": "in dBm", "delay_ms": "in milliseconds", "passkey": "0...999999",
}


def swift_type(msg, field, wire):
    key = f"{msg}.{field}"
    if key in TYPE_BY_MESSAGE_FIELD:
        return TYPE_BY_MESSAGE_FIELD[key]
    if key in UUID_FIELDS:
        return "BluetoothUUID"
    if wire == "u8" and (field in ("connection", "connection_handle") or
                         (field == "handle" and msg in SM_CONNECTION_HANDLE)):
        return "ConnectionHandle"
    if wire == "u16" and (field in ATT_HANDLE_FIELDS or
                          (field == "handle" and msg.startswith(("attributes_", "attclient_")))):
        return "AttributeHandle"
    if wire == "u16" and field in ("result", "reason"):
        return "BGAPIErrorCode"
    if wire == "u8" and field in ("address_type", "addr_type"):
        return "AddressType"
    return BASE[wire]


def camel(field):
    if field in FIELD_RENAME:
        return FIELD_RENAME[field]
    parts = field.split("_")
    return parts[0] + "".join(WORDS.get(p, p.capitalize()) for p in parts[1:])


def type_stem(name):
    cls = name.split("_")[0]
    rest = name[len(cls) + 1:]
    return CLASS_PREFIX[cls] + "".join(WORDS.get(p, p.capitalize()) for p in rest.split("_"))


def case_name(stem):
    # Lower the leading capital run: GAPConnectDirect -> gapConnectDirect, SMEncryptStart -> smEncryptStart
    m = re.match(r"^([A-Z]+)([A-Z][a-z].*)?$", stem)
    if m and m.group(2):
        return m.group(1).lower() + m.group(2)
    if stem.isupper():
        return stem.lower()
    return stem[0].lower() + stem[1:]


def parse_fields(text):
    text = text.strip()
    if not text or text == "NORSP":
        return []
    out = []
    for item in text.split():
        n, t = item.split(":")
        out.append((n, t))
    return out


def summary_of(note, name, kind):
    note = note.strip()
    note = re.sub(r"\s*\[[A-Z]+[^\]]*\]", "", note)
    note = note.replace("*", "").replace("`", "")
    first = re.split(r"(?<=[.;])\s", note)[0] if note else ""
    first = first.rstrip(".;")
    if len(first) > 140:
        first = first[:137].rsplit(" ", 1)[0] + "…"
    return first


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


messages = []  # dicts
for line in open(os.path.join(HERE, "messages.api")):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    body, _, note = line.partition("||")
    m = re.match(r"^([CE]) ([0-9A-F]{2}) ([0-9A-F]{2}) (\w+) \|(.*)$", body.strip())
    assert m, line
    kind, cls, mid, name, rest = m.groups()
    cls = int(cls, 16)
    mid = int(mid, 16)
    if kind == "C":
        params, _, rsp = rest.partition("|")
        messages.append(dict(kind="command", cls=cls, id=mid, name=name, fields=parse_fields(params),
                             note=note, norsp=rsp.strip() == "NORSP"))
        if rsp.strip() != "NORSP":
            messages.append(dict(kind="response", cls=cls, id=mid, name=name, fields=parse_fields(rsp), note=note))
    else:
        messages.append(dict(kind="event", cls=cls, id=mid, name=name, fields=parse_fields(rest), note=note))

SUFFIX = {"command": "Command", "response": "Response", "event": "Event"}
PROTO = {"command": "BGAPICommandPayload", "response": "BGAPIResponsePayload", "event": "BGAPIEventPayload"}

for m in messages:
    m["stem"] = type_stem(m["name"])
    m["type"] = m["stem"] + SUFFIX[m["kind"]]
    m["case"] = case_name(m["stem"])
    m["sfields"] = [(n, t, camel(n), swift_type(m["name"], n, t)) for n, t in m["fields"]]
    m["summary"] = summary_of(m["note"], m["name"], m["kind"])


def struct_source(m):
    cname = CLASS_NAMES[m["cls"]]
    layout = ", ".join(f"{n} {t}" for n, t in m["fields"]) or "empty payload"
    L = []
    verb = {"command": "command", "response": "response", "event": "event"}[m["kind"]]
    if m["kind"] == "response":
        L.append(f"/// `{m['name']}` response (class {m['cls']} `{cname}`, ID 0x{m['id']:02X}): "
                 f"the dongle's answer to ``{m['stem']}Command``.")
    else:
        L.append(f"/// `{m['name']}` {verb} (class {m['cls']} `{cname}`, ID 0x{m['id']:02X}): "
                 + (m["summary"] + "." if m["summary"] else f"the {cname} class's {m['name'][len(cname)+1:].replace('_', ' ')} {verb}."))
    resp = ""
    if m["kind"] == "command":
        resp = " No response follows." if m["norsp"] else f" Answered by ``{m['stem']}Response``."
    L.append(f"/// Wire: {layout}.{resp}")
    L.append(f"public struct {m['type']}: {PROTO[m['kind']]} {{")
    if m["kind"] == "command":
        L.append(f"    /// What the dongle answers.")
        L.append(f"    public typealias Response = {'NoResponse' if m['norsp'] else m['stem'] + 'Response'}")
    wt = {'u8': 'uint8', 'i8': 'int8', 'u16': 'uint16', 'i16': 'int16', 'u32': 'uint32', 'addr': 'address', 'u8[]': 'uint8Array'}
    flist = ", ".join(f".init(name: {swift_string(n)}, wireType: .{wt[t]}{', isFlag: true' if st == 'Bool' else ''})"
                      for n, t, _, st in m["sfields"])
    L.append(f"    /// Identity and layout of `{m['name']}`.")
    L.append(f"    public static let descriptor = BGAPIMessageDescriptor(")
    L.append(f"        name: {swift_string(m['name'])}, kind: .{m['kind']}, messageClass: .{cname}, messageID: 0x{m['id']:02X},")
    L.append(f"        fields: [{flist}],")
    L.append(f"        summary: {swift_string(m['summary'])})")
    L.append("")
    for n, t, sn, st in m["sfields"]:
        unit = UNITS.get(n)
        L.append(f"    /// `{n}` ({t}){', ' + unit if unit else ''}.")
        L.append(f"    public var {sn}: {st}")
    if m["sfields"]:
        L.append("")
    params = ", ".join(f"{sn}: {st}" for _, _, sn, st in m["sfields"])
    L.append(f"    /// Creates the message from its fields.")
    L.append(f"    public init({params}) {{")
    for _, _, sn, _ in m["sfields"]:
        L.append(f"        self.{sn} = {sn}")
    L.append("    }")
    L.append("")
    L.append(f"    /// Decodes the fields in wire order.")
    L.append(f"    public init(from reader: inout ByteReader) throws(BGAPIDecodingError) {{")
    for n, _, sn, st in m["sfields"]:
        L.append(f"        {sn} = try {st}.read(from: &reader, field: {swift_string(n)})")
    L.append("    }")
    L.append("")
    L.append(f"    /// Builds the message from loose values keyed by reference field name.")
    L.append(f"    public init(fields: [String: BGAPIFieldValue]) throws(BGAPIFieldError) {{")
    for n, _, sn, st in m["sfields"]:
        L.append(f"        guard let {sn}Value = fields[{swift_string(n)}] else {{ throw .missing(message: Self.descriptor.name, field: {swift_string(n)}) }}")
        L.append(f"        guard let {sn} = {st}(fieldValue: {sn}Value) else {{ throw .invalid(message: Self.descriptor.name, field: {swift_string(n)}, value: {sn}Value) }}")
        L.append(f"        self.{sn} = {sn}")
    if not m["sfields"]:
        L.append("        _ = fields")
    L.append("    }")
    L.append("")
    L.append(f"    /// Appends the fields in wire order.")
    L.append(f"    public func encode(into writer: inout ByteWriter) throws(BGAPIEncodingError) {{")
    for n, _, sn, st in m["sfields"]:
        plain = st in ("UInt8", "Int8", "UInt16", "Int16", "UInt32", "Bool", "BluetoothAddress")
        L.append(f"        {'' if plain else 'try '}{sn}.write(to: &writer, field: {swift_string(n)})")
    L.append("    }")
    L.append("")
    if m["kind"] == "response" and any(n == "result" and st == "BGAPIErrorCode" for n, _, _, st in m["sfields"]):
        L.append(f"    /// The command's outcome: zero when the dongle accepted it.")
        L.append(f"    public var resultCode: BGAPIErrorCode? {{ result }}")
        L.append("")
    L.append(f"    /// The fields in wire order.")
    L.append(f"    public var fields: [BGAPIField] {{")
    items = ", ".join(f".init(name: {swift_string(n)}, value: {sn}.fieldValue, display: {sn}.fieldDisplay)" for n, _, sn, _ in m["sfields"])
    L.append(f"        [{items}]")
    L.append("    }")
    L.append("}")
    return "\n".join(L)


HEADER = "// Generated by Sources/BGAPICore/Messages/codegen/generate.py from messages.api. Do not edit.\n\n"

for ci, cname in enumerate(CLASS_NAMES):
    ms = [m for m in messages if m["cls"] == ci]
    src = HEADER + f"// Class {ci}: `{cname}` — {len([m for m in ms if m['kind']=='command'])} commands, " \
        f"{len([m for m in ms if m['kind']=='response'])} responses, {len([m for m in ms if m['kind']=='event'])} events.\n\n"
    src += "\n\n".join(struct_source(m) for m in ms) + "\n"
    emit(os.path.join(OUT, CLASS_FILE[cname] + ".swift"), src)


def sum_type(kind, enum_name, doc):
    ms = [m for m in messages if m["kind"] == kind]
    L = [f"/// {doc}", f"public enum {enum_name}: Hashable, Sendable, CustomStringConvertible {{"]
    for m in ms:
        L.append(f"    /// `{m['name']}` (class {m['cls']}, ID 0x{m['id']:02X}).")
        L.append(f"    case {m['case']}({m['type']})")
    L.append("    /// A class/ID this library does not know (or a non-BLE technology type), kept as raw bytes.")
    L.append("    case unknown(BGAPIPacket)")
    L.append("")
    L.append("    /// Decodes a packet's payload by its class and ID; unknown ones become `.unknown`.")
    L.append("    public init(decoding packet: BGAPIPacket) throws(BGAPIDecodingError) {")
    L.append("        try self.init(decoding: packet.header, payload: packet.payload[...])")
    L.append("    }")
    L.append("")
    L.append("    /// Decodes a payload read in place (e.g. a frame borrowed from the frame decoder's buffer).")
    L.append("    public init(decoding header: BGAPIHeader, payload: ArraySlice<UInt8>) throws(BGAPIDecodingError) {")
    L.append("        guard header.technologyType == 0 else { self = .unknown(BGAPIPacket(header: header, payload: Array(payload))); return }")
    L.append("        switch UInt16(header.messageClass.rawValue) << 8 | UInt16(header.messageID) {")
    for m in ms:
        L.append(f"        case 0x{m['cls']:02X}{m['id']:02X}: self = .{m['case']}(try {m['type']}(payload: payload))")
    L.append("        default: self = .unknown(BGAPIPacket(header: header, payload: Array(payload)))")
    L.append("        }")
    L.append("    }")
    L.append("")
    L.append("    /// The typed payload, or `nil` for `.unknown`.")
    proto = PROTO[kind]
    L.append(f"    public var payload: (any {proto})? {{")
    L.append("        switch self {")
    for m in ms:
        L.append(f"        case let .{m['case']}(message): message")
    L.append("        case .unknown: nil")
    L.append("        }")
    L.append("    }")
    L.append("")
    if kind == "response":
        L.append("    /// The `result` field, for responses that carry one (`nil` for unknown packets and result-less responses).")
        L.append("    public var resultCode: BGAPIErrorCode? { payload?.resultCode }")
        L.append("")
    if kind == "command":
        L.append("    /// Whether the dongle answers this command (`system_reset`, `system_delay_reset` and `dfu_reset` get none).")
        L.append("    public var expectsResponse: Bool {")
        L.append("        switch self {")
        nr = [m for m in ms if m.get("norsp")]
        L.append("        case " + ", ".join(f".{m['case']}" for m in nr) + ": false")
        L.append("        default: true")
        L.append("        }")
        L.append("    }")
        L.append("")
    L.append("    /// The message as a framed packet (unknown packets are returned as they came).")
    L.append("    public func packet() throws(BGAPIEncodingError) -> BGAPIPacket {")
    L.append("        if case let .unknown(packet) = self { return packet }")
    L.append("        return try payload!.packet()  // non-nil: every other case carries a payload")
    L.append("    }")
    L.append("")
    L.append("    /// The message as wire bytes, header included.")
    L.append("    public func encodedBytes() throws(BGAPIEncodingError) -> [UInt8] {")
    L.append("        if case let .unknown(packet) = self { return packet.bytes }")
    L.append("        return try payload!.encodedBytes()  // non-nil: every other case carries a payload")
    L.append("    }")
    L.append("")
    L.append("    /// The message's own description, or a hex dump for unknown packets.")
    L.append("    public var description: String {")
    L.append("        if case let .unknown(packet) = self { return \"unknown(\\(packet))\" }")
    L.append("        return payload.map { String(describing: $0) } ?? \"\"")
    L.append("    }")
    L.append("}")
    return "\n".join(L)


gen = HEADER
gen += sum_type("command", "BGAPICommand", "Every v1 command, typed; what a host sends and a dongle decodes.") + "\n\n"
gen += sum_type("response", "BGAPIResponse", "Every v1 response, typed; what a dongle answers to a command.") + "\n\n"
gen += sum_type("event", "BGAPIEvent", "Every v1 event, typed; what a dongle sends on its own.") + "\n\n"
gen += "/// The layout of every v1 message, for framing checks, tooling and exhaustive tests.\n"
gen += "public enum BGAPIMessageCatalog {\n"
gen += "    /// Every command, response and event the reference lists, in table order.\n"
gen += "    public static let all: [BGAPIMessageDescriptor] = [\n"
for m in messages:
    gen += f"        {m['type']}.descriptor,\n"
gen += "    ]\n\n"
gen += "    /// Every payload type, for exhaustive tests.\n"
gen += "    public static let allPayloadTypes: [any BGAPIPayload.Type] = [\n"
for m in messages:
    gen += f"        {m['type']}.self,\n"
gen += "    ]\n}\n"
emit(os.path.join(OUT, "BGAPIMessage+Generated.swift"), gen)

counts = {k: len([m for m in messages if m["kind"] == k]) for k in ("command", "response", "event")}
if CHECK:
    if STALE:
        print("stale generated files (run python3 Sources/BGAPICore/Messages/codegen/generate.py):", *STALE, sep="\n  ")
        sys.exit(1)
    print(f"generated files are current {counts}")
else:
    print(f"generated {counts}")
