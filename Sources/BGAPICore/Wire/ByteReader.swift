/// A cursor over a BGAPI payload that reads little-endian fields and reports, by name,
/// the field that ran past the end instead of trapping. Reads a buffer lent by `withReader(_:_:)`: no copy.
public struct ByteReader {
    /// The bytes being read; valid only inside ``withReader(_:_:)``, which lends them.
    @usableFromInline let base: UnsafeBufferPointer<UInt8>
    /// Index (from 0) of the next unread byte.
    public private(set) var offset: Int

    @usableFromInline init(lending base: UnsafeBufferPointer<UInt8>) {
        self.base = base
        offset = 0
    }

    /// Reads `bytes` with a reader lent for the duration of `body`. Reading in place over a borrowed buffer
    /// costs no reference counting per message, which the decode hot path notices.
    public static func withReader<R>(_ bytes: ArraySlice<UInt8>,
                                     _ body: (inout ByteReader) throws(BGAPIDecodingError) -> R) throws(BGAPIDecodingError) -> R {
        try bytes.withUnsafeBufferPointer { (buffer) throws(BGAPIDecodingError) -> R in
            var reader = ByteReader(lending: buffer)
            return try body(&reader)
        }
    }

    /// How many bytes are left to read.
    @inlinable public var remaining: Int { base.count - offset }

    @inline(__always)
    mutating func take(_ count: Int, field: StaticString) throws(BGAPIDecodingError) -> Int {
        guard remaining >= count else {
            throw .payloadTooShort(message: "", field: "\(field)", needed: count, remaining: remaining)
        }
        let start = offset
        offset += count
        return start
    }

    /// Reads one unsigned byte.
    @inline(__always)
    public mutating func readUInt8(_ field: StaticString) throws(BGAPIDecodingError) -> UInt8 {
        base[try take(1, field: field)]
    }

    /// Reads one signed byte (two's complement).
    public mutating func readInt8(_ field: StaticString) throws(BGAPIDecodingError) -> Int8 {
        Int8(bitPattern: try readUInt8(field))
    }

    /// Reads a little-endian `uint16`.
    @inline(__always)
    public mutating func readUInt16(_ field: StaticString) throws(BGAPIDecodingError) -> UInt16 {
        let i = try take(2, field: field)
        return UInt16(base[i]) | UInt16(base[i + 1]) << 8
    }

    /// Reads a little-endian `int16`.
    public mutating func readInt16(_ field: StaticString) throws(BGAPIDecodingError) -> Int16 {
        Int16(bitPattern: try readUInt16(field))
    }

    /// Reads a little-endian `uint32`.
    public mutating func readUInt32(_ field: StaticString) throws(BGAPIDecodingError) -> UInt32 {
        let i = try take(4, field: field)
        return UInt32(base[i]) | UInt32(base[i + 1]) << 8 | UInt32(base[i + 2]) << 16 | UInt32(base[i + 3]) << 24
    }

    /// Reads a little-endian 48-bit value (a Bluetooth address) without allocating.
    public mutating func readUInt48(_ field: StaticString) throws(BGAPIDecodingError) -> UInt64 {
        let i = try take(6, field: field)
        var value: UInt64 = 0
        for k in 0 ..< 6 { value |= UInt64(base[i + k]) << (8 * UInt64(k)) }
        return value
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int, _ field: StaticString) throws(BGAPIDecodingError) -> [UInt8] {
        let i = try take(count, field: field)
        return Array(UnsafeBufferPointer(rebasing: base[i ..< i + count]))
    }

    /// Reads a `uint8array`: a one-byte length, then that many bytes; an overrunning length is an error.
    public mutating func readUInt8Array(_ field: StaticString) throws(BGAPIDecodingError) -> [UInt8] {
        let declared = Int(try readUInt8(field))
        guard remaining >= declared else {
            throw .arrayOverrun(message: "", field: "\(field)", declared: declared, remaining: remaining)
        }
        return try readBytes(declared, field)
    }

    /// Fails when bytes are left over: a fixed layout that does not match the payload length.
    public func expectEnd() throws(BGAPIDecodingError) {
        if remaining != 0 {
            throw .trailingBytes(message: "", count: remaining)
        }
    }
}

extension BGAPIDecodingError {
    /// The same error, naming the message it occurred in.
    func naming(_ message: String) -> BGAPIDecodingError {
        switch self {
        case let .payloadTooShort(_, field, needed, remaining):
            .payloadTooShort(message: message, field: field, needed: needed, remaining: remaining)
        case let .arrayOverrun(_, field, declared, remaining):
            .arrayOverrun(message: message, field: field, declared: declared, remaining: remaining)
        case let .trailingBytes(_, count): .trailingBytes(message: message, count: count)
        case .lengthMismatch: self
        }
    }
}
