/// A recording as JSON Lines (`blex replay FILE --json`): one object per record, decoded, with the time in
/// seconds since the recording began and the direction on the wire. Pure, so its output is tested as text.
public enum RecordingJSON {
    /// The header line: format and blex versions, port, side, and what the recording learnt of the dongle.
    public static func line(for header: RecordingHeader) -> String {
        var fields: [(String, String)] = [
            ("kind", quote("header")), ("format", String(header.formatVersion)), ("blex", quote(header.blexVersion)),
            ("port", quote(header.port)), ("side", quote(header.side.rawValue)),
        ]
        if let ms = header.startedAt { fields.append(("startedAtMs", String(ms))) }
        if let a = header.dongleAddress { fields.append(("dongleAddress", quote(a.description))) }
        if let f = header.dongleFirmware { fields.append(("firmware", firmware(f))) }
        return object(fields)
    }

    /// One record as a line.
    public static func line(for entry: RecordingEntry) -> String {
        var fields: [(String, String)] = [("t", seconds(entry.time))]
        switch entry.content {
        case let .packet(direction, packet):
            fields.append(("dir", quote(name(direction))))
            fields += decoded(packet, direction)
            fields.append(("hex", quote(hex(packet.bytes))))
        case let .discarded(direction, dropped):
            fields += [("dir", quote(name(direction))), ("kind", quote("discarded")), ("reason", quote(dropped.reason.rawValue)),
                       ("hex", quote(hex(dropped.bytes)))]
        case let .dongleInfo(address, info):
            fields.append(("kind", quote("dongle")))
            if let address { fields.append(("address", quote(address.description))) }
            if let info { fields.append(("firmware", firmware(info))) }
        case let .port(.opened(name)):
            fields += [("kind", quote("port")), ("event", quote("opened")), ("name", quote(name))]
        case let .port(.closed(why)):
            fields += [("kind", quote("port")), ("event", quote("closed")), ("reason", quote(why))]
        case .capReached:
            fields.append(("kind", quote("capReached")))
        case let .unknown(kind, body):
            fields += [("kind", quote("unknown")), ("record", String(kind)), ("hex", quote(hex(body)))]
        }
        return object(fields)
    }

    /// The line that ends a damaged file's listing.
    public static func line(for damage: RecordingError) -> String {
        object([("kind", quote("damage")), ("error", quote(damage.description))])
    }

    /// `host->dongle` or `dongle->host`.
    public static func name(_ direction: BGAPIDirection) -> String {
        direction == .hostToDevice ? "host->dongle" : "dongle->host"
    }

    private static func decoded(_ packet: BGAPIPacket, _ direction: BGAPIDirection) -> [(String, String)] {
        let payload: (any BGAPIPayload)?
        let kind: String
        do {
            switch try BGAPIMessage(decoding: packet, direction: direction) {
            case let .command(c): payload = c.payload; kind = "command"
            case let .response(r): payload = r.payload; kind = "response"
            case let .event(e): payload = e.payload; kind = "event"
            }
        } catch {
            return [("kind", quote("malformed")), ("error", quote("\(error)"))]
        }
        guard let payload else {
            return [("kind", quote(kind)), ("name", quote("unknown_\(packet.header.messageClass.rawValue)_\(packet.header.messageID)"))]
        }
        let layout = type(of: payload).descriptor.fields
        let values = payload.fields.enumerated().map { i, field -> (String, String) in
            let isAddress = i < layout.count && layout[i].wireType == .address
            switch field.value {
            case let .unsigned(v): return (field.name, String(v))
            case let .signed(v): return (field.name, String(v))
            case let .bytes(b): return (field.name, quote(isAddress ? field.display : hex(b)))
            }
        }
        return [("kind", quote(kind)), ("name", quote(type(of: payload).descriptor.name)), ("fields", object(values))]
    }

    private static func firmware(_ f: SystemGetInfoResponse) -> String {
        object([("major", String(f.major)), ("minor", String(f.minor)), ("patch", String(f.patch)), ("build", String(f.build)),
                ("llVersion", String(f.llVersion)), ("protocolVersion", String(f.protocolVersion)), ("hw", String(f.hw))])
    }

    /// Seconds with microsecond precision, e.g. `1.000250`.
    public static func seconds(_ d: Duration) -> String {
        let micros = max(0, d.wholeNanoseconds / 1000)
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map(hexByte).joined() }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped, so nothing from the
    /// radio reaches a terminal raw.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80 ... 0x9F).contains(scalar.value):
                let h = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
