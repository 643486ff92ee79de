/// What the frame decoder produced from the bytes it was fed.
public enum BGAPIFrameDecoderOutput: Hashable, Sendable {
    /// A whole packet, in stream order.
    case packet(BGAPIPacket)
    /// Bytes dropped while resynchronising, with the reason.
    case discarded(BGAPIDiscardedBytes)
}

/// What the frame decoder lends to a ``BGAPIFrameDecoder/feedFrames(_:at:_:)`` callback.
public enum BGAPIFrame {
    /// A whole packet: its header and its payload as a slice of the decoder's buffer (valid during the call).
    case frame(BGAPIHeader, ArraySlice<UInt8>)
    /// Bytes dropped while resynchronising.
    case discarded(BGAPIDiscardedBytes)

    var output: BGAPIFrameDecoderOutput {
        switch self {
        case let .frame(header, payload): .packet(BGAPIPacket(header: header, payload: Array(payload)))
        case let .discarded(d): .discarded(d)
        }
    }
}

extension BGAPIFrameDecoderOutput {
    var frame: BGAPIFrame {
        switch self {
        case let .packet(p): .frame(p.header, p.payload[...])
        case let .discarded(d): .discarded(d)
        }
    }
}

/// Bytes the frame decoder threw away, and why; reported so nothing vanishes silently.
public struct BGAPIDiscardedBytes: Hashable, Sendable, CustomStringConvertible {
    /// Why bytes are dropped.
    public enum Reason: String, Hashable, Sendable {
        /// They cannot start a packet (wrong technology bits, unknown class, impossible length).
        case implausibleHeader = "implausible header"
        /// A header completed a packet whose payload contradicts the message's layout.
        case malformedPayload = "malformed payload"
        /// A partial packet saw no new byte within the inter-byte timeout.
        case interByteTimeout = "inter-byte timeout"
    }

    /// The dropped bytes, in stream order.
    public var bytes: [UInt8]
    /// Why they were dropped.
    public var reason: Reason

    /// Records dropped bytes and the reason.
    public init(bytes: [UInt8], reason: Reason) {
        self.bytes = bytes
        self.reason = reason
    }

    /// `dropped 3 byte(s) (implausible header): FF 01 02`.
    public var description: String {
        let shown = bytes.prefix(32).map(hexByte).joined(separator: " ")
        return "dropped \(bytes.count) byte(s) (\(reason.rawValue)): \(shown)\(bytes.count > 32 ? " …" : "")"
    }
}

/// A streaming BGAPI framer: feed it arbitrary chunks, get whole packets out in order.
///
/// Sans-IO and clock-free: the caller passes the time of each chunk. Garbage is dropped byte by byte
/// until a plausible header appears; a header whose completed payload contradicts the known layout
/// of its message is rejected the same way, so a truncated packet does not swallow the one after it.
public struct BGAPIFrameDecoder: Sendable {
    /// What the decoder accepts as the start of a packet.
    public struct Configuration: Sendable, Hashable {
        /// Which way the stream flows; decides whether MT=0 packets are checked as commands or responses.
        public var direction: BGAPIDirection
        /// A partial packet older than this, with no new byte, is discarded (the dongle uses 1 s).
        public var interByteTimeout: Duration
        /// Largest payload accepted; the header allows 2047, BLE v1 messages stay far below.
        public var maximumPayloadLength: Int
        /// Largest payload accepted for a class/ID the catalog does not know; v1 layouts never exceed
        /// their fixed fields plus one 255-byte array, so a longer claim is almost surely garbage.
        public var maximumUnknownPayloadLength: Int
        /// Accept headers whose class/ID the catalog does not know (classes 0...9 only). Off by default:
        /// the v1 API is frozen, and zero bytes in line noise otherwise pass for unknown empty messages.
        public var acceptsUnknownMessages: Bool
        /// Check known messages' payload lengths and `u8[]` prefixes against their layout.
        public var validatesKnownLayouts: Bool

        /// Defaults for a BLED112 stream: 1 s inter-byte timeout, 11-bit lengths, layout checks on.
        public init(direction: BGAPIDirection, interByteTimeout: Duration = .seconds(1),
                    maximumPayloadLength: Int = BGAPIHeader.maximumPayloadLength,
                    maximumUnknownPayloadLength: Int = BGAPIMessageCatalog.largestPossiblePayload,
                    acceptsUnknownMessages: Bool = false, validatesKnownLayouts: Bool = true) {
            self.direction = direction
            self.interByteTimeout = interByteTimeout
            self.maximumPayloadLength = maximumPayloadLength
            self.maximumUnknownPayloadLength = maximumUnknownPayloadLength
            self.acceptsUnknownMessages = acceptsUnknownMessages
            self.validatesKnownLayouts = validatesKnownLayouts
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    private let layouts: BGAPILayoutTable
    private var buffer: [UInt8] = []
    private var start = 0
    private var lastByteTime: Duration?
    private var pendingDiscard: [UInt8] = []
    private var pendingReason: BGAPIDiscardedBytes.Reason = .implausibleHeader

    /// Creates a decoder for one stream direction.
    public init(configuration: Configuration) {
        self.configuration = configuration
        layouts = BGAPILayoutTable(direction: configuration.direction)
        buffer.reserveCapacity(512)
    }

    /// Creates a decoder with default settings for `direction`.
    public init(direction: BGAPIDirection) {
        self.init(configuration: Configuration(direction: direction))
    }

    /// Feeds bytes held in an array (see ``feed(_:at:)-(ArraySlice<UInt8>,_)``).
    public mutating func feed(_ bytes: [UInt8], at now: Duration) -> [BGAPIFrameDecoderOutput] {
        feed(bytes[...], at: now)
    }

    /// Bytes held back as the start of a packet not yet complete.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Feeds a chunk received at `now` (any monotonic timeline) and returns what it completed.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, at now: Duration) -> [BGAPIFrameDecoderOutput] {
        var out: [BGAPIFrameDecoderOutput] = []
        feed(bytes, at: now) { out.append($0) }
        return out
    }

    /// Feeds a chunk received at `now`, handing each output to `emit` as soon as it is known.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, at now: Duration,
                              _ emit: (BGAPIFrameDecoderOutput) -> Void) {
        feedFrames(bytes, at: now) { frame in emit(frame.output) }
    }

    /// The fast path: like ``feed(_:at:_:)`` but each whole packet is lent as its header and a slice of
    /// the decoder's buffer, valid only during the call; decode it there (``BGAPIMessage/init(decoding:payload:direction:)``)
    /// and no payload copy is made.
    public mutating func feedFrames(_ bytes: ArraySlice<UInt8>, at now: Duration,
                                    _ emit: (BGAPIFrame) -> Void) {
        feed(bytes, at: now, frame: { emit(.frame($0, $1)) }, discarded: { emit(.discarded($0)) })
    }

    /// The fastest path: whole packets go to `frame` as a header and a slice of the decoder's buffer (valid
    /// only during the call: decode it there), dropped bytes to `discarded`. Nothing is wrapped or copied.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, at now: Duration,
                              frame: (BGAPIHeader, ArraySlice<UInt8>) -> Void,
                              discarded: (BGAPIDiscardedBytes) -> Void) {
        expireFrames(at: now, frame, discarded)
        guard !bytes.isEmpty else { return }
        lastByteTime = now
        if start == buffer.count {
            // Nothing carried over: frame straight from the caller's bytes and keep only an incomplete tail.
            buffer.removeAll(keepingCapacity: true)
            start = 0
            var cursor = bytes.startIndex
            scan(bytes, &cursor, final: false, frame, discarded)
            if cursor < bytes.endIndex { buffer.append(contentsOf: bytes[cursor...]) }
        } else {
            buffer.append(contentsOf: bytes)
            scanBuffer(final: false, frame, discarded)
        }
    }

    /// Discards a partial packet that has waited longer than the inter-byte timeout at `now`;
    /// call it from a timer when no bytes arrive.
    public mutating func expire(at now: Duration) -> [BGAPIFrameDecoderOutput] {
        var out: [BGAPIFrameDecoderOutput] = []
        expire(at: now) { out.append($0) }
        return out
    }

    /// Like ``expire(at:)``, handing outputs to `emit`.
    public mutating func expire(at now: Duration, _ emit: (BGAPIFrameDecoderOutput) -> Void) {
        expireFrames(at: now, { emit(.packet(BGAPIPacket(header: $0, payload: Array($1)))) }, { emit(.discarded($0)) })
    }

    private mutating func expireFrames(at now: Duration, _ frame: (BGAPIHeader, ArraySlice<UInt8>) -> Void,
                                       _ discarded: (BGAPIDiscardedBytes) -> Void) {
        guard let last = lastByteTime, bufferedByteCount > 0,
              now - last > configuration.interByteTimeout else { return }
        pendingReason = .interByteTimeout
        scanBuffer(final: true, frame, discarded)
        flushDiscard(discarded)
    }

    /// When the next call to ``expire(at:)`` could discard something, or `nil` if nothing is pending.
    public var expiryDeadline: Duration? {
        guard bufferedByteCount > 0, let last = lastByteTime else { return nil }
        return last + configuration.interByteTimeout
    }

    /// Drops everything buffered and reports it (e.g. when the port is closed).
    public mutating func reset() -> BGAPIDiscardedBytes? {
        defer { buffer.removeAll(keepingCapacity: true); start = 0; lastByteTime = nil; pendingDiscard = [] }
        let rest = pendingDiscard + buffer[start...]
        return rest.isEmpty ? nil : BGAPIDiscardedBytes(bytes: rest, reason: .interByteTimeout)
    }

    // MARK: - Scanning

    private mutating func discardByte(_ byte: UInt8, _ reason: BGAPIDiscardedBytes.Reason,
                                      _ emit: (BGAPIDiscardedBytes) -> Void) {
        if !pendingDiscard.isEmpty, pendingReason != reason { flushDiscard(emit) }
        pendingReason = reason
        pendingDiscard.append(byte)
    }

    private mutating func flushDiscard(_ emit: (BGAPIDiscardedBytes) -> Void) {
        guard !pendingDiscard.isEmpty else { return }
        emit(BGAPIDiscardedBytes(bytes: pendingDiscard, reason: pendingReason))
        pendingDiscard.removeAll(keepingCapacity: true)
    }

    /// Whether byte 0 alone can start a packet.
    @inline(__always) private func plausibleFirstByte(_ b0: UInt8) -> Bool { b0 & 0x78 == 0 }

    /// Scans what is buffered, then compacts the buffer.
    private mutating func scanBuffer(final: Bool, _ frame: (BGAPIHeader, ArraySlice<UInt8>) -> Void,
                                     _ emit: (BGAPIDiscardedBytes) -> Void) {
        var cursor = start
        scan(buffer[...], &cursor, final: final, frame, emit) // the slice ends before the buffer is changed
        start = cursor
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096 {
            buffer.removeSubrange(0 ..< start)
            start = 0
        }
    }

    /// Frames `data` from `cursor`, which it leaves at the first byte of an incomplete packet (or the end).
    /// `final`: no more bytes will come for what is buffered (timeout), so an incomplete packet is garbage.
    private mutating func scan(_ data: ArraySlice<UInt8>, _ cursor: inout Int, final: Bool,
                               _ frame: (BGAPIHeader, ArraySlice<UInt8>) -> Void,
                               _ emit: (BGAPIDiscardedBytes) -> Void) {
        let timeoutReason = final
        let end = data.endIndex
        var i = cursor
        defer { cursor = i }
        while i < end {
            let available = end - i
            let b0 = data[i]
            guard plausibleFirstByte(b0) else {
                discardByte(b0, timeoutReason ? .interByteTimeout : .implausibleHeader, emit)
                i += 1
                continue
            }
            if available < BGAPIHeader.size {
                if final { discardByte(b0, .interByteTimeout, emit); i += 1; continue }
                break
            }
            let header = BGAPIHeader(b0, data[i + 1], data[i + 2], data[i + 3])
            let layout = layouts.layout(for: header)
            guard headerIsPlausible(header, layout) else {
                discardByte(b0, timeoutReason ? .interByteTimeout : .implausibleHeader, emit)
                i += 1
                continue
            }
            let total = BGAPIHeader.size + header.payloadLength
            if available < total {
                if final { discardByte(b0, .interByteTimeout, emit); i += 1; continue }
                break
            }
            let payloadRange = (i + BGAPIHeader.size) ..< (i + total)
            // The trailing u8[] prefix must count exactly the bytes after it (lengths were checked above).
            if configuration.validatesKnownLayouts, let layout, layout.hasArray,
               Int(data[payloadRange.lowerBound + layout.fixedLength - 1]) != header.payloadLength - layout.fixedLength {
                discardByte(b0, timeoutReason ? .interByteTimeout : .malformedPayload, emit)
                i += 1
                continue
            }
            flushDiscard(emit)
            i += total
            frame(header, data[payloadRange])
        }
        if !final { flushDiscard(emit) }
    }

    @inline(__always)
    private func headerIsPlausible(_ header: BGAPIHeader, _ layout: FrameLayout?) -> Bool {
        guard header.technologyType == 0, header.payloadLength <= configuration.maximumPayloadLength else { return false }
        if let layout {
            return !configuration.validatesKnownLayouts || layout.accepts(header.payloadLength)
        }
        return configuration.acceptsUnknownMessages && header.messageClass.rawValue <= 9
            && header.payloadLength <= configuration.maximumUnknownPayloadLength
    }
}

extension BGAPIPacket {
    /// Pairs an already-parsed header with its payload.
    init(header: BGAPIHeader, payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }
}

extension BGAPIMessageCatalog {
    /// The longest payload any v1 layout can carry: its fixed fields plus a full 255-byte array.
    public static let largestPossiblePayload: Int = all.map { $0.fixedLength + ($0.hasArray ? 255 : 0) }.max() ?? 0
}

/// The part of a message layout the framer checks, kept plain so lookups copy no strings or arrays.
struct FrameLayout: Sendable {
    var fixedLength: Int
    var hasArray: Bool

    @inline(__always) func accepts(_ length: Int) -> Bool {
        hasArray ? length >= fixedLength && length <= fixedLength + 255 : length == fixedLength
    }

}

/// Message layouts indexed by type, class and ID for constant-time lookups while framing.
struct BGAPILayoutTable: Sendable {
    private var table: [FrameLayout?]

    init(direction: BGAPIDirection) {
        table = Array(repeating: nil, count: 2 * 16 * 256)
        for d in BGAPIMessageCatalog.all {
            let wanted: BGAPIMessageKind = direction == .hostToDevice ? .command : .response
            guard d.kind == .event || d.kind == wanted else { continue }
            let mt = d.kind == .event ? 1 : 0
            table[Self.index(mt, d.messageClass.rawValue, d.messageID)] = FrameLayout(fixedLength: d.fixedLength, hasArray: d.hasArray)
        }
    }

    @inline(__always) static func index(_ mt: Int, _ cls: UInt8, _ id: UInt8) -> Int {
        mt << 12 | Int(cls & 0x0F) << 8 | Int(id)
    }

    @inline(__always) func layout(for header: BGAPIHeader) -> FrameLayout? {
        guard header.messageClass.rawValue < 16 else { return nil }
        return table[Self.index(Int(header.messageType.rawValue), header.messageClass.rawValue, header.messageID)]
    }
}
