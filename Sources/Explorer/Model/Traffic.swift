import BGAPICore
import Synchronization

/// One packet on the wire (or a note from the framer: torn bytes, a malformed payload), as the traffic pane
/// keeps it: the decoded message plus what its filters and chain search need, worked out once on arrival.
public struct TrafficPacket: Hashable, Sendable {
    /// Which way and what kind.
    public enum Direction: String, Hashable, Sendable {
        /// Host → dongle.
        case command
        /// Dongle → host, answering a command.
        case response
        /// Dongle → host, unasked.
        case event
        /// Not a packet: what the framer dropped or could not decode.
        case note
    }

    /// Its sequence number in the traffic ring.
    public var sequence: Int
    /// When (wall clock, seconds; ms precision).
    public var time: Timestamp
    /// Which way and what kind.
    public var direction: Direction
    /// The decoded message; `nil` for notes.
    public var message: BGAPIMessage?
    /// The reference name (`attclient_read_by_handle`), or the note's text.
    public var name: String
    /// The one-line decoded form (`cmd attclient_read_by_handle(connection: 0, chrhandle: 0x000f)`), made
    /// when asked (rows on screen, a search, an export), not kept: a flood fills the ring with thousands.
    public var summary: String { message?.description ?? name }
    /// The connection handle it concerns, when it has a `connection` field.
    public var connection: UInt8?
    /// The attribute handle it concerns (`atthandle` or `chrhandle`).
    public var handle: UInt16?
    /// The peer address it names (`address` or `sender`).
    public var address: BluetoothAddress?

    /// A packet decoded from the wire.
    public init(sequence: Int, time: Timestamp, message: BGAPIMessage) {
        self.sequence = sequence
        self.time = time
        self.message = message
        // The advertising flood and notifications: their few facts straight from the typed message (the generic
        // field list formats every field's display text, which costs more than the rest of the packet's path).
        switch message {
        case let .event(.gapScanResponse(e)):
            direction = .event
            name = GAPScanResponseEvent.descriptor.name
            address = e.sender
            return
        case let .event(.attClientAttributeValue(e)):
            direction = .event
            name = AttClientAttributeValueEvent.descriptor.name
            connection = e.connection.rawValue
            handle = e.attHandle.rawValue
            return
        default: break
        }
        let fields: [BGAPIField]
        switch message {
        case let .command(c):
            direction = .command
            fields = c.payload?.fields ?? []
            name = c.payload.map { type(of: $0).descriptor.name } ?? "unknown"
        case let .response(r):
            direction = .response
            fields = r.payload?.fields ?? []
            name = r.payload.map { type(of: $0).descriptor.name } ?? "unknown"
        case let .event(e):
            direction = .event
            fields = e.payload?.fields ?? []
            name = e.payload.map { type(of: $0).descriptor.name } ?? "unknown"
        }
        func unsigned(_ names: Set<String>) -> UInt32? {
            for f in fields where names.contains(f.name) { if case let .unsigned(v) = f.value { return v } }
            return nil
        }
        connection = unsigned(["connection"]).map { UInt8(truncatingIfNeeded: $0) }
        handle = unsigned(["atthandle", "chrhandle"]).map { UInt16(truncatingIfNeeded: $0) }
        address = fields.first { $0.name == "address" || $0.name == "sender" }.flatMap { f in
            if case let .bytes(b) = f.value, b.count == 6 { return BluetoothAddress(wireBytes: b) }
            return nil
        }
    }

    /// A note (`! 3 bytes dropped: torn packet`).
    public init(sequence: Int, time: Timestamp, note: String) {
        self.sequence = sequence
        self.time = time
        direction = .note
        message = nil
        let text = note.hasPrefix("! ") ? String(note.dropFirst(2)) : note
        name = text
    }

    /// Whether it is a `gap_scan_response` event (the advertising flood the filter can hide).
    public var isScanResponse: Bool { direction == .event && name == "gap_scan_response" }

    /// The message's fields in wire order (empty for notes and unknown packets).
    public var fields: [BGAPIField] {
        switch message {
        case let .command(c)?: c.payload?.fields ?? []
        case let .response(r)?: r.payload?.fields ?? []
        case let .event(e)?: e.payload?.fields ?? []
        case nil: []
        }
    }

    /// The packet as wire bytes, header included (nil for notes or when it cannot be re-encoded).
    public var rawBytes: [UInt8]? { try? message?.encodedBytes() }

    /// Whether its one-line form contains `needle` (already lowercased), ignoring case. An ASCII needle (the
    /// usual one) is matched byte by byte, so no lowercased copy of every summary is kept or made: the ring
    /// holds tens of thousands of packets.
    func matches(lowercased needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard n.allSatisfy({ $0 < 0x80 }) else { return summary.lowercased().contains(needle) }
        var text = summary // native strings are contiguous: withUTF8 does not copy
        return text.withUTF8 { Self.asciiCaseInsensitive($0, contains: n) }
    }

    private static func asciiCaseInsensitive(_ h: UnsafeBufferPointer<UInt8>, contains needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard h.count >= needle.count else { return false }
        for start in 0 ... (h.count - needle.count) {
            var i = 0
            while i < needle.count {
                let b = h[start + i]
                guard (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == needle[i] else { break }
                i += 1
            }
            if i == needle.count { return true }
        }
        return false
    }
}

/// Which packets the traffic pane shows.
public struct TrafficFilter: Hashable, Sendable {
    /// Hide `gap_scan_response` events.
    public var hidesScanResponses = false
    /// Commands and responses only (events and notes hidden).
    public var commandsOnly = false
    /// Only packets about this connection handle.
    public var connection: UInt8?
    /// Text the one-line form must contain (case-insensitive); empty: any.
    public var search = ""

    /// Shows everything.
    public init() {}

    /// Whether no filter is on.
    public var isEmpty: Bool { !hidesScanResponses && !commandsOnly && connection == nil && search.isEmpty }

    /// Whether `packet` passes.
    public func admits(_ packet: TrafficPacket) -> Bool { admits(packet, needle: search.lowercased()) }

    func admits(_ packet: TrafficPacket, needle: String) -> Bool {
        if hidesScanResponses && packet.isScanResponse { return false }
        if commandsOnly && (packet.direction == .event || packet.direction == .note) { return false }
        if let c = connection, packet.connection != c { return false }
        return needle.isEmpty || packet.matches(lowercased: needle)
    }

    /// The filter in a few words, for the pane title (`no scan rsp · conn 0 · /read`).
    public var summary: String {
        var parts: [String] = []
        if hidesScanResponses { parts.append("no scan rsp") }
        if commandsOnly { parts.append("cmd/rsp only") }
        if let c = connection { parts.append("conn \(c)") }
        if !search.isEmpty { parts.append("/" + search) }
        return parts.joined(separator: " · ")
    }
}

/// The BGAPI traffic pane: a ring recorded from start-up, its filter, and a cursor and pause point held by
/// sequence number, so what is on screen stays put while packets keep arriving.
public struct TrafficState: Hashable, Sendable {
    /// The packets kept, oldest first.
    public var packets: Ring<TrafficPacket>
    /// What is shown.
    public var filter = TrafficFilter()
    /// The selected packet (sequence number); `nil` follows the newest.
    public var cursor: Int?
    /// The packet on the pane's top row while the cursor is set.
    public var top: Int?
    /// Paused at this sequence number: nothing newer is shown until resumed.
    public var frozenAt: Int?
    /// Packets of a log entry's chain (sequence numbers), highlighted after a jump.
    public var chain: Set<Int> = []
    /// Which connection handle each peer has, learnt from `connection_status` events.
    public var links: [BluetoothAddress: UInt8] = [:]

    /// An empty traffic ring holding at most `capacity` packets.
    public init(capacity: Int = 20_000) { packets = Ring(capacity: capacity) }

    /// Whether the view is held (paused or scrolled) rather than following the newest packet.
    public var isHeld: Bool { cursor != nil || frozenAt != nil }

    /// The search's matches, kept up to date by `indexSearch` as packets arrive, so a frame need not decode
    /// every packet of the ring to filter it.
    private(set) var searchIndex = SearchIndex()

    /// The packets that pass the filter (and the pause point), oldest first.
    public var visible: [TrafficPacket] {
        let needle = filter.search.lowercased()
        let limit = frozenAt ?? Int.max
        if !needle.isEmpty, searchIndex.needle == needle, searchIndex.checkedUpTo == packets.endSequence {
            var unsearched = filter
            unsearched.search = ""
            return packets.filter { $0.sequence <= limit && searchIndex.hits.contains($0.sequence) && unsearched.admits($0, needle: "") }
        }
        return packets.filter { $0.sequence <= limit && filter.admits($0, needle: needle) }
    }

    /// Brings the search's matches up to date: every packet when the search changed, else those since.
    mutating func indexSearch() {
        let needle = filter.search.lowercased()
        guard !needle.isEmpty else { searchIndex = SearchIndex(); return }
        if searchIndex.needle != needle || searchIndex.checkedUpTo < packets.startSequence {
            searchIndex = SearchIndex(needle: needle, checkedUpTo: packets.startSequence)
        }
        for sequence in searchIndex.checkedUpTo ..< packets.endSequence {
            if let p = packets[sequence: sequence], p.matches(lowercased: needle) { searchIndex.hits.insert(sequence) }
        }
        searchIndex.checkedUpTo = packets.endSequence
        if searchIndex.hits.count > packets.capacity { searchIndex.hits = searchIndex.hits.filter { $0 >= packets.startSequence } }
    }
}

/// Which packets match the traffic search, by sequence number, and how far the ring has been searched.
struct SearchIndex: Hashable, Sendable {
    var needle = ""
    var checkedUpTo = 0
    var hits: Set<Int> = []
}

/// The traffic as JSON Lines: one object per packet with its time (ISO 8601 UTC, ms), sequence number,
/// direction, reference name, connection, every field (name → display form) and the raw bytes in hex.
public enum TrafficExport {
    /// One line per packet, in order.
    public static func jsonl(_ packets: [TrafficPacket]) -> String {
        packets.map { p in
            var parts = ["\"time\":" + LogExport.jsonString(isoTime(p.time)), "\"seq\":\(p.sequence)",
                         "\"direction\":" + LogExport.jsonString(p.direction.rawValue),
                         "\"name\":" + LogExport.jsonString(p.name),
                         "\"connection\":" + (p.connection.map { String($0) } ?? "null")]
            let fields = p.fields.map { LogExport.jsonString($0.name) + ":" + LogExport.jsonString($0.display) }
            parts.append("\"fields\":{" + fields.joined(separator: ",") + "}")
            parts.append("\"hex\":" + (p.rawBytes.map { LogExport.jsonString($0.map(hexDigits).joined()) } ?? "null"))
            return "{" + parts.joined(separator: ",") + "}\n"
        }.joined()
    }
}
