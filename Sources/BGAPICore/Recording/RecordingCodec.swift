/// Encodes recordings: the prelude and one record at a time (pure; the writer decides where bytes go).
public enum RecordingEncoder {
    /// Magic and format version: the first bytes of every recording.
    public static var prelude: [UInt8] {
        RecordingFormat.magic + [UInt8(RecordingFormat.version & 0xFF), UInt8(RecordingFormat.version >> 8)]
    }

    /// The header record (time zero).
    public static func header(_ header: RecordingHeader) -> [UInt8] {
        var body: [UInt8] = []
        appendField(&body, .blexVersion, Array(header.blexVersion.utf8))
        appendField(&body, .port, Array(header.port.utf8))
        appendField(&body, .side, Array(header.side.rawValue.utf8))
        if let ms = header.startedAt { appendField(&body, .startedAt, (0 ..< 8).map { UInt8(truncatingIfNeeded: ms >> (8 * UInt64($0))) }) }
        return record(kind: RecordingFormat.Kind.header.rawValue, time: .zero, body: body)
    }

    /// One entry as a record.
    public static func encode(_ entry: RecordingEntry) -> [UInt8] {
        let kind: RecordingFormat.Kind
        var body: [UInt8] = []
        switch entry.content {
        case let .packet(direction, packet):
            kind = direction == .hostToDevice ? .hostToDevicePacket : .deviceToHostPacket
            body = packet.bytes
        case let .discarded(direction, dropped):
            kind = direction == .hostToDevice ? .hostToDeviceDiscarded : .deviceToHostDiscarded
            body = [reasonCode(dropped.reason)] + dropped.bytes
        case let .dongleInfo(address, firmware):
            kind = .dongleInfo
            if let address { appendField(&body, .dongleAddress, address.wireBytes) }
            if let firmware, let payload = try? firmware.encodedPayload() { appendField(&body, .dongleFirmware, payload) }
        case let .port(.opened(name)):
            kind = .portOpened
            body = Array(name.utf8)
        case let .port(.closed(why)):
            kind = .portClosed
            body = Array(why.utf8)
        case .capReached:
            kind = .capReached
        case let .unknown(raw, bytes):
            return record(kind: raw, time: entry.time, body: bytes)
        }
        return record(kind: kind.rawValue, time: entry.time, body: body)
    }

    /// Frames a body: kind, length, time, body, CRC. Bodies over the maximum are cut (callers stay below it).
    static func record(kind: UInt8, time: Duration, body: [UInt8]) -> [UInt8] {
        let body = body.count > RecordingFormat.maximumBodyLength ? Array(body.prefix(RecordingFormat.maximumBodyLength)) : body
        var w = ByteWriter(reservingCapacity: RecordingFormat.recordHeaderSize + body.count + RecordingFormat.checksumSize)
        w.writeUInt8(kind)
        w.writeUInt16(UInt16(body.count))
        let nanos = UInt64(clamping: max(0, time.wholeNanoseconds))
        w.writeUInt32(UInt32(truncatingIfNeeded: nanos))
        w.writeUInt32(UInt32(truncatingIfNeeded: nanos >> 32))
        w.writeBytes(body)
        w.writeUInt32(CRC32.checksum(w.bytes))
        return w.bytes
    }

    private static func appendField(_ body: inout [UInt8], _ tag: RecordingFormat.Tag, _ value: [UInt8]) {
        let value = value.prefix(255)
        body += [tag.rawValue, UInt8(value.count)] + value
    }

    static func reasonCode(_ reason: BGAPIDiscardedBytes.Reason) -> UInt8 {
        switch reason {
        case .implausibleHeader: 0
        case .malformedPayload: 1
        case .interByteTimeout: 2
        }
    }
}

/// Reads a recording record by record. Bad input ends in a typed ``RecordingError``, never a trap;
/// every whole record before the damage is still returned.
public struct RecordingReader: Sendable {
    private let bytes: [UInt8]
    private var offset: Int
    private var lastTime: Duration = .zero
    /// The header as read from the first record, updated by every dongle-info record read so far.
    public private(set) var header: RecordingHeader

    /// Checks the prelude and reads the header record.
    public init(bytes: [UInt8]) throws(RecordingError) {
        self.bytes = bytes
        guard bytes.count >= RecordingFormat.magic.count, Array(bytes.prefix(RecordingFormat.magic.count)) == RecordingFormat.magic else {
            throw .notARecording
        }
        guard bytes.count >= RecordingFormat.preludeSize else { throw .truncated(offset: bytes.count) }
        let version = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
        guard version == RecordingFormat.version else { throw .unsupportedVersion(version) }
        offset = RecordingFormat.preludeSize
        header = RecordingHeader(port: "", side: .host, blexVersion: "")
        guard let (kind, _, body, start) = try nextRaw() else { throw .missingHeader }
        guard kind == RecordingFormat.Kind.header.rawValue else { throw .missingHeader }
        for (tag, value) in try Self.fields(body, at: start) {
            switch RecordingFormat.Tag(rawValue: tag) {
            case .blexVersion: header.blexVersion = try Self.text(value, at: start)
            case .port: header.port = try Self.text(value, at: start)
            case .side:
                guard let side = RecordingSide(rawValue: try Self.text(value, at: start)) else {
                    throw .malformedRecord(offset: start, reason: "unknown recording side")
                }
                header.side = side
            case .startedAt:
                guard value.count == 8 else { throw .malformedRecord(offset: start, reason: "start time is not 8 bytes") }
                header.startedAt = value.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            default: continue
            }
        }
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next entry, or nil at the end of the file.
    public mutating func next() throws(RecordingError) -> RecordingEntry? {
        guard let (kind, time, body, start) = try nextRaw() else { return nil }
        let content: RecordingEntry.Content
        switch RecordingFormat.Kind(rawValue: kind) {
        case .header:
            throw .malformedRecord(offset: start, reason: "a second header")
        case .dongleInfo:
            var address: BluetoothAddress?
            var firmware: SystemGetInfoResponse?
            for (tag, value) in try Self.fields(body, at: start) {
                switch RecordingFormat.Tag(rawValue: tag) {
                case .dongleAddress:
                    guard let a = BluetoothAddress(wireBytes: value) else {
                        throw .malformedRecord(offset: start, reason: "dongle address is not 6 bytes")
                    }
                    address = a
                case .dongleFirmware:
                    do { firmware = try SystemGetInfoResponse(payload: value) } catch {
                        throw .malformedRecord(offset: start, reason: "dongle firmware: \(error)")
                    }
                default: continue
                }
            }
            if let address { header.dongleAddress = address }
            if let firmware { header.dongleFirmware = firmware }
            content = .dongleInfo(address: address, firmware: firmware)
        case .hostToDevicePacket, .deviceToHostPacket:
            let packet: BGAPIPacket
            do { packet = try BGAPIPacket(bytes: body) } catch {
                throw .malformedRecord(offset: start, reason: "packet: \(error)")
            }
            content = .packet(kind == RecordingFormat.Kind.hostToDevicePacket.rawValue ? .hostToDevice : .deviceToHost, packet)
        case .hostToDeviceDiscarded, .deviceToHostDiscarded:
            guard let code = body.first, let reason = Self.reason(code), body.count > 1 else {
                throw .malformedRecord(offset: start, reason: "discarded bytes without a known reason or bytes")
            }
            let direction: BGAPIDirection = kind == RecordingFormat.Kind.hostToDeviceDiscarded.rawValue ? .hostToDevice : .deviceToHost
            content = .discarded(direction, BGAPIDiscardedBytes(bytes: Array(body.dropFirst()), reason: reason))
        case .portOpened:
            content = .port(.opened(try Self.text(body, at: start)))
        case .portClosed:
            content = .port(.closed(try Self.text(body, at: start)))
        case .capReached:
            content = .capReached
        case nil:
            content = .unknown(kind: kind, body: body)
        }
        return RecordingEntry(time: time, content: content)
    }

    /// The next record's kind, time, body and start offset, checked; nil at the end.
    private mutating func nextRaw() throws(RecordingError) -> (UInt8, Duration, [UInt8], Int)? {
        guard offset < bytes.count else { return nil }
        let start = offset
        guard bytes.count - start >= RecordingFormat.recordHeaderSize else { throw .truncated(offset: start) }
        let kind = bytes[start]
        let length = Int(bytes[start + 1]) | Int(bytes[start + 2]) << 8
        guard length <= RecordingFormat.maximumBodyLength else {
            throw .malformedRecord(offset: start, reason: "body of \(length) bytes (at most \(RecordingFormat.maximumBodyLength))")
        }
        let end = start + RecordingFormat.recordHeaderSize + length + RecordingFormat.checksumSize
        guard end <= bytes.count else { throw .truncated(offset: start) }
        var nanos: UInt64 = 0
        for i in 0 ..< 8 { nanos |= UInt64(bytes[start + 3 + i]) << (8 * UInt64(i)) }
        let crcAt = end - RecordingFormat.checksumSize
        let stored = (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(bytes[crcAt + $1]) << (8 * UInt32($1)) }
        guard CRC32.checksum(bytes[start ..< crcAt]) == stored else { throw .checksumMismatch(offset: start) }
        guard nanos <= UInt64(Int64.max) else { throw .malformedRecord(offset: start, reason: "time out of range") }
        let time = Duration.nanoseconds(Int64(nanos))
        guard time >= lastTime else { throw .timeWentBackwards(offset: start) }
        lastTime = time
        offset = end
        return (kind, time, Array(bytes[(start + RecordingFormat.recordHeaderSize) ..< crcAt]), start)
    }

    private static func fields(_ body: [UInt8], at start: Int) throws(RecordingError) -> [(UInt8, [UInt8])] {
        var out: [(UInt8, [UInt8])] = []
        var i = 0
        while i < body.count {
            guard i + 2 <= body.count else { throw .malformedRecord(offset: start, reason: "field header cut short") }
            let tag = body[i], length = Int(body[i + 1])
            guard i + 2 + length <= body.count else { throw .malformedRecord(offset: start, reason: "field longer than its record") }
            out.append((tag, Array(body[(i + 2) ..< (i + 2 + length)])))
            i += 2 + length
        }
        return out
    }

    private static func text(_ bytes: [UInt8], at start: Int) throws(RecordingError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw .malformedRecord(offset: start, reason: "text is not UTF-8")
        }
        return s
    }

    static func reason(_ code: UInt8) -> BGAPIDiscardedBytes.Reason? {
        switch code {
        case 0: .implausibleHeader
        case 1: .malformedPayload
        case 2: .interByteTimeout
        default: nil
        }
    }
}

/// A whole recording in memory: its header, every whole record, and what stopped the reading if the file
/// is damaged (a crash tears the last record; the records before it are all there).
public struct Recording: Sendable, Hashable {
    /// The header, with the dongle's address and firmware when the recording learnt them.
    public var header: RecordingHeader
    /// Every record that could be read, in order.
    public var entries: [RecordingEntry]
    /// Why reading stopped before the end, or nil for a sound file.
    public var damage: RecordingError?

    /// Reads all of `bytes`; throws only when not even the header can be read.
    public init(bytes: [UInt8]) throws(RecordingError) {
        var reader = try RecordingReader(bytes: bytes)
        var entries: [RecordingEntry] = []
        var damage: RecordingError?
        while true {
            do {
                guard let entry = try reader.next() else { break }
                entries.append(entry)
            } catch {
                damage = error
                break
            }
        }
        self.header = reader.header
        self.entries = entries
        self.damage = damage
    }

    /// Builds a recording from parts (tests, tools).
    public init(header: RecordingHeader, entries: [RecordingEntry], damage: RecordingError? = nil) {
        self.header = header
        self.entries = entries
        self.damage = damage
    }

    /// The recording as file bytes (a damaged one is written without its damage).
    public var encoded: [UInt8] {
        var out = RecordingEncoder.prelude + RecordingEncoder.header(header)
        if header.dongleAddress != nil || header.dongleFirmware != nil,
           !entries.contains(where: { if case .dongleInfo = $0.content { true } else { false } }) {
            out += RecordingEncoder.encode(RecordingEntry(time: .zero, content: .dongleInfo(address: header.dongleAddress, firmware: header.dongleFirmware)))
        }
        for entry in entries { out += RecordingEncoder.encode(entry) }
        return out
    }
}
