/// Appends little-endian BGAPI fields to a growing byte array.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer, reserving room for a typical BGAPI packet.
    public init(reservingCapacity capacity: Int = 32) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Replaces an already written byte (used to fill in a header once the payload length is known).
    mutating func overwrite(_ value: UInt8, at index: Int) { bytes[index] = value }

    /// Appends one unsigned byte.
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    /// Appends one signed byte.
    public mutating func writeInt8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }

    /// Appends a little-endian `uint16`.
    public mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Appends a little-endian `int16`.
    public mutating func writeInt16(_ value: Int16) { writeUInt16(UInt16(bitPattern: value)) }

    /// Appends a little-endian `uint32`.
    public mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    /// Appends raw bytes with no length prefix.
    public mutating func writeBytes(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    /// Appends a `uint8array`; more than 255 bytes cannot be expressed and is refused, naming the field.
    public mutating func writeUInt8Array(_ value: [UInt8], _ field: StaticString) throws(BGAPIEncodingError) {
        guard value.count <= 255 else { throw .arrayTooLong(field: "\(field)", count: value.count) }
        bytes.append(UInt8(value.count))
        bytes.append(contentsOf: value)
    }
}
