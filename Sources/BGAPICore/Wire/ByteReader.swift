/// A cursor over a BGAPI payload that reads little-endian fields and reports, by name,
/// the field that ran past the end instead of trapping.
public struct ByteReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// Index of the next unread byte.
    public private(set) var offset: Int
    /// Name of the message being decoded, used in error reports.
    public let messageName: String

    /// Creates a reader positioned at the start of `bytes`; `messageName` labels errors.
    public init(_ bytes: [UInt8], messageName: String = "payload") {
        self.bytes = bytes
        self.offset = 0
        self.messageName = messageName
    }

    /// How many bytes are left to read.
    @inlinable public var remaining: Int { bytes.count - offset }

    @usableFromInline
    mutating func take(_ count: Int, field: String) throws(BGAPIDecodingError) -> Int {
        guard remaining >= count else {
            throw .payloadTooShort(message: messageName, field: field, needed: count, remaining: remaining)
        }
        let start = offset
        offset += count
        return start
    }

    /// Reads one unsigned byte.
    public mutating func readUInt8(_ field: String) throws(BGAPIDecodingError) -> UInt8 {
        let i = try take(1, field: field)
        return bytes[i]
    }

    /// Reads one signed byte (two's complement).
    public mutating func readInt8(_ field: String) throws(BGAPIDecodingError) -> Int8 {
        Int8(bitPattern: try readUInt8(field))
    }

    /// Reads a little-endian `uint16`.
    public mutating func readUInt16(_ field: String) throws(BGAPIDecodingError) -> UInt16 {
        let i = try take(2, field: field)
        return UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
    }

    /// Reads a little-endian `int16`.
    public mutating func readInt16(_ field: String) throws(BGAPIDecodingError) -> Int16 {
        Int16(bitPattern: try readUInt16(field))
    }

    /// Reads a little-endian `uint32`.
    public mutating func readUInt32(_ field: String) throws(BGAPIDecodingError) -> UInt32 {
        let i = try take(4, field: field)
        return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int, _ field: String) throws(BGAPIDecodingError) -> [UInt8] {
        let i = try take(count, field: field)
        return Array(bytes[i ..< i + count])
    }

    /// Reads a `uint8array`: a one-byte length, then that many bytes; an overrunning length is an error.
    public mutating func readUInt8Array(_ field: String) throws(BGAPIDecodingError) -> [UInt8] {
        let declared = Int(try readUInt8(field))
        guard remaining >= declared else {
            throw .arrayOverrun(message: messageName, field: field, declared: declared, remaining: remaining)
        }
        return try readBytes(declared, field)
    }

    /// Fails when bytes are left over: a fixed layout that does not match the payload length.
    public func expectEnd() throws(BGAPIDecodingError) {
        if remaining != 0 {
            throw .trailingBytes(message: messageName, count: remaining)
        }
    }
}
