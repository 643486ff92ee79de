/// The blex recording format, version 1 (docs/recording.md): a prelude, then self-delimiting records.
///
/// ```
/// file    := magic "BLEXREC\n" (8 bytes) · format version u16 LE · record*
/// record  := kind u8 · body length u16 LE · time u64 LE (ns since the recording began) · body · CRC-32 u32 LE
/// ```
/// The CRC (IEEE 802.3, as zlib) covers kind, length, time and body. Each record is written whole with one
/// `write`, so a crash tears at most the record being written; the reader returns every whole record before it.
public enum RecordingFormat {
    /// The eight bytes every recording starts with.
    public static let magic: [UInt8] = Array("BLEXREC\n".utf8)
    /// The format version this code writes and reads.
    public static let version: UInt16 = 1
    /// Magic plus version.
    public static let preludeSize = 10
    /// Kind, length and time before the body.
    public static let recordHeaderSize = 11
    /// The CRC after the body.
    public static let checksumSize = 4
    /// Longest body a record may have: a whole BGAPI packet (4 + 2047 bytes) fits, and so does any header.
    public static let maximumBodyLength = 4096
    /// The version of blex that writes recordings, stored in each header.
    public static let blexVersion = "0.11.0"

    /// Record kinds (the first byte of a record). A reader skips kinds it does not know.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// The header: blex version, port, which side recorded (tag-length-value fields). Always first.
        case header = 0x01
        /// What was learnt about the dongle since: its address, its firmware (tag-length-value fields).
        case dongleInfo = 0x02
        /// A whole packet from the host to the dongle (command).
        case hostToDevicePacket = 0x10
        /// A whole packet from the dongle to the host (response or event).
        case deviceToHostPacket = 0x11
        /// Bytes host→dongle that framed as no packet: reason u8, then the bytes.
        case hostToDeviceDiscarded = 0x12
        /// Bytes dongle→host that framed as no packet: reason u8, then the bytes.
        case deviceToHostDiscarded = 0x13
        /// The port opened (body: its name, UTF-8).
        case portOpened = 0x20
        /// The port closed (body: why, UTF-8; empty for an orderly close).
        case portClosed = 0x21
        /// The size cap was reached: nothing after this was recorded.
        case capReached = 0x30
    }

    /// Tags of the header and dongle-info fields (tag u8, length u8, value).
    enum Tag: UInt8 {
        case blexVersion = 0x01
        case port = 0x02
        case side = 0x03
        case startedAt = 0x04
        case dongleAddress = 0x10
        case dongleFirmware = 0x11
    }
}

/// Which end of the wire a recorder sat on; either way the directions in the file are the wire's.
public enum RecordingSide: String, Sendable, Hashable {
    /// A host program (blex, the library) recorded.
    case host
    /// A (virtual) dongle recorded: `bled112-emulator --record`.
    case dongle
}

/// What a recording says about itself: the header fields plus what it learnt about the dongle.
public struct RecordingHeader: Sendable, Hashable {
    /// The file's format version.
    public var formatVersion: UInt16 = RecordingFormat.version
    /// The blex version that wrote it.
    public var blexVersion: String
    /// The port it recorded (`/dev/ttyACM0`, `virtual BLED112 (demo)`).
    public var port: String
    /// Which end recorded.
    public var side: RecordingSide
    /// When the recording began, wall clock, in milliseconds since 1970 (for showing times of day); nil if unknown.
    public var startedAt: UInt64?
    /// The dongle's address, once a `system_address_get` answer was seen.
    public var dongleAddress: BluetoothAddress?
    /// The dongle's firmware, once a `system_get_info` answer was seen.
    public var dongleFirmware: SystemGetInfoResponse?

    /// A header for a new recording by this version of blex.
    public init(port: String, side: RecordingSide = .host, blexVersion: String = RecordingFormat.blexVersion) {
        self.port = port
        self.side = side
        self.blexVersion = blexVersion
    }
}

/// Something that happened to the port while recording.
public enum RecordingPortEvent: Sendable, Hashable {
    /// The port opened, with its name.
    case opened(String)
    /// The port closed, with why (empty for an orderly close).
    case closed(String)
}

/// One record of a recording, with its time since the recording began.
public struct RecordingEntry: Sendable, Hashable {
    /// What a record holds.
    public enum Content: Sendable, Hashable {
        /// A whole packet and its direction.
        case packet(BGAPIDirection, BGAPIPacket)
        /// Bytes that framed as no packet (noise, a torn packet), with why.
        case discarded(BGAPIDirection, BGAPIDiscardedBytes)
        /// The dongle's address and/or firmware, as learnt.
        case dongleInfo(address: BluetoothAddress?, firmware: SystemGetInfoResponse?)
        /// The port opened or closed.
        case port(RecordingPortEvent)
        /// The size cap was reached; nothing after it was recorded.
        case capReached
        /// A kind this reader does not know (from a later minor revision), kept raw.
        case unknown(kind: UInt8, body: [UInt8])
    }

    /// Monotonic time since the recording began.
    public var time: Duration
    /// What happened.
    public var content: Content

    /// Pairs a time and content.
    public init(time: Duration, content: Content) {
        self.time = time
        self.content = content
    }

    /// The wire bytes of a packet or discarded run, with their direction; nil for other records.
    public var wireBytes: (BGAPIDirection, [UInt8])? {
        switch content {
        case let .packet(d, p): (d, p.bytes)
        case let .discarded(d, x): (d, x.bytes)
        default: nil
        }
    }
}

/// Why a recording cannot be read (further). Never a trap: each names the byte offset.
public enum RecordingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not start with the recording magic.
    case notARecording
    /// A format version this code does not read.
    case unsupportedVersion(UInt16)
    /// The file ends inside a record (a crash while writing, a cut copy) at `offset`.
    case truncated(offset: Int)
    /// A record's checksum does not match: the bytes were changed.
    case checksumMismatch(offset: Int)
    /// A record that cannot be what its kind says (a bad length, a bad packet, a non-UTF-8 name).
    case malformedRecord(offset: Int, reason: String)
    /// A record's time is earlier than the one before it.
    case timeWentBackwards(offset: Int)
    /// The first record is not a header.
    case missingHeader

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .notARecording: "not a blex recording (no BLEXREC magic)"
        case let .unsupportedVersion(v): "recording format version \(v) is not supported (this blex reads version \(RecordingFormat.version))"
        case let .truncated(offset): "recording ends inside a record at byte \(offset) (cut short, e.g. by a crash)"
        case let .checksumMismatch(offset): "record at byte \(offset) is damaged (checksum mismatch)"
        case let .malformedRecord(offset, reason): "record at byte \(offset) is malformed: \(reason)"
        case let .timeWentBackwards(offset): "record at byte \(offset) goes back in time"
        case .missingHeader: "recording has no header record"
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib's `crc32`.
struct CRC32 {
    private static let table: [UInt32] = (0 ..< 256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
