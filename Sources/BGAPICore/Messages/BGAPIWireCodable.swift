/// A Swift type that is one BGAPI field on the wire: it reads, writes and reflects itself.
public protocol BGAPIWireCodable: Sendable, Hashable {
    /// The wire type it occupies.
    static var wireType: BGAPIWireType { get }
    /// Reads the field; `field` names it in errors.
    static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self
    /// Writes the field.
    func write(to writer: inout ByteWriter, field: StaticString) throws(BGAPIEncodingError)
    /// The loose value, for reflection.
    var fieldValue: BGAPIFieldValue { get }
    /// Rebuilds from a loose value; `nil` when it does not fit.
    init?(fieldValue: BGAPIFieldValue)
    /// Human rendering for logs.
    var fieldDisplay: String { get }
}

extension BGAPIWireCodable where Self: CustomStringConvertible {
    /// Uses the type's own description.
    public var fieldDisplay: String { description }
}

extension BGAPIFieldValue {
    /// The value as an unsigned integer if it is one (or a non-negative signed one).
    var unsignedValue: UInt32? {
        switch self {
        case let .unsigned(v): v
        case let .signed(v): v >= 0 ? UInt32(v) : nil
        case .bytes: nil
        }
    }
}

extension UInt8: BGAPIWireCodable {
    /// `u8`.
    public static var wireType: BGAPIWireType { .uint8 }
    /// Reads a `u8`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readUInt8(field)
    }
    /// Writes a `u8`.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeUInt8(self) }
    /// As unsigned.
    public var fieldValue: BGAPIFieldValue { .unsigned(UInt32(self)) }
    /// From an unsigned value in range.
    public init?(fieldValue: BGAPIFieldValue) {
        guard let v = fieldValue.unsignedValue, let x = UInt8(exactly: v) else { return nil }
        self = x
    }
    /// Decimal.
    public var fieldDisplay: String { String(self) }
}

extension Int8: BGAPIWireCodable {
    /// `i8`.
    public static var wireType: BGAPIWireType { .int8 }
    /// Reads an `i8`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readInt8(field)
    }
    /// Writes an `i8`.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeInt8(self) }
    /// As signed.
    public var fieldValue: BGAPIFieldValue { .signed(Int32(self)) }
    /// From a signed (or small unsigned) value in range.
    public init?(fieldValue: BGAPIFieldValue) {
        switch fieldValue {
        case let .signed(v): guard let x = Int8(exactly: v) else { return nil }; self = x
        case let .unsigned(v): guard let x = Int8(exactly: v) else { return nil }; self = x
        case .bytes: return nil
        }
    }
    /// Decimal.
    public var fieldDisplay: String { String(self) }
}

extension UInt16: BGAPIWireCodable {
    /// `u16`.
    public static var wireType: BGAPIWireType { .uint16 }
    /// Reads a `u16`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readUInt16(field)
    }
    /// Writes a `u16`.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeUInt16(self) }
    /// As unsigned.
    public var fieldValue: BGAPIFieldValue { .unsigned(UInt32(self)) }
    /// From an unsigned value in range.
    public init?(fieldValue: BGAPIFieldValue) {
        guard let v = fieldValue.unsignedValue, let x = UInt16(exactly: v) else { return nil }
        self = x
    }
    /// Decimal.
    public var fieldDisplay: String { String(self) }
}

extension Int16: BGAPIWireCodable {
    /// `i16`.
    public static var wireType: BGAPIWireType { .int16 }
    /// Reads an `i16`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readInt16(field)
    }
    /// Writes an `i16`.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeInt16(self) }
    /// As signed.
    public var fieldValue: BGAPIFieldValue { .signed(Int32(self)) }
    /// From a signed (or small unsigned) value in range.
    public init?(fieldValue: BGAPIFieldValue) {
        switch fieldValue {
        case let .signed(v): guard let x = Int16(exactly: v) else { return nil }; self = x
        case let .unsigned(v): guard let x = Int16(exactly: v) else { return nil }; self = x
        case .bytes: return nil
        }
    }
    /// Decimal.
    public var fieldDisplay: String { String(self) }
}

extension UInt32: BGAPIWireCodable {
    /// `u32`.
    public static var wireType: BGAPIWireType { .uint32 }
    /// Reads a `u32`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readUInt32(field)
    }
    /// Writes a `u32`.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeUInt32(self) }
    /// As unsigned.
    public var fieldValue: BGAPIFieldValue { .unsigned(self) }
    /// From an unsigned value.
    public init?(fieldValue: BGAPIFieldValue) {
        guard let v = fieldValue.unsignedValue else { return nil }
        self = v
    }
    /// Decimal.
    public var fieldDisplay: String { String(self) }
}

extension Bool: BGAPIWireCodable {
    /// A `u8` flag: 0 is false, anything else true (re-encoded as 1).
    public static var wireType: BGAPIWireType { .uint8 }
    /// Reads a `u8` flag.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readUInt8(field) != 0
    }
    /// Writes 1 or 0.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeUInt8(self ? 1 : 0) }
    /// As 1 or 0.
    public var fieldValue: BGAPIFieldValue { .unsigned(self ? 1 : 0) }
    /// From any unsigned value (non-zero is true).
    public init?(fieldValue: BGAPIFieldValue) {
        guard let v = fieldValue.unsignedValue, v <= 0xFF else { return nil }
        self = v != 0
    }
    /// `true` / `false`.
    public var fieldDisplay: String { self ? "true" : "false" }
}

extension Array: BGAPIWireCodable where Element == UInt8 {
    /// `u8[]`.
    public static var wireType: BGAPIWireType { .uint8Array }
    /// Reads a `u8[]`.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        try reader.readUInt8Array(field)
    }
    /// Writes a `u8[]`, refusing more than 255 bytes.
    public func write(to writer: inout ByteWriter, field: StaticString) throws(BGAPIEncodingError) {
        try writer.writeUInt8Array(self, field)
    }
    /// As bytes.
    public var fieldValue: BGAPIFieldValue { .bytes(self) }
    /// From bytes.
    public init?(fieldValue: BGAPIFieldValue) {
        guard case let .bytes(b) = fieldValue else { return nil }
        self = b
    }
    /// Space-separated hex, or `(empty)`.
    public var fieldDisplay: String { isEmpty ? "(empty)" : map(hexByte).joined(separator: " ") }
}

extension BluetoothAddress: BGAPIWireCodable {
    /// `addr`.
    public static var wireType: BGAPIWireType { .address }
    /// Reads six bytes, least significant first.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        BluetoothAddress(rawValue: try reader.readUInt48(field))
    }
    /// Writes six bytes, least significant first.
    public func write(to writer: inout ByteWriter, field: StaticString) { writer.writeBytes(wireBytes) }
    /// As its six wire bytes.
    public var fieldValue: BGAPIFieldValue { .bytes(wireBytes) }
    /// From six wire bytes.
    public init?(fieldValue: BGAPIFieldValue) {
        guard case let .bytes(b) = fieldValue else { return nil }
        self.init(wireBytes: b)
    }
}

extension BluetoothUUID: BGAPIWireCodable {
    /// `u8[]` holding the UUID little-endian.
    public static var wireType: BGAPIWireType { .uint8Array }
    /// Reads a `u8[]` UUID of any length.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        BluetoothUUID(littleEndianBytes: try reader.readUInt8Array(field))
    }
    /// Writes a `u8[]` UUID.
    public func write(to writer: inout ByteWriter, field: StaticString) throws(BGAPIEncodingError) {
        try writer.writeUInt8Array(littleEndianBytes, field)
    }
    /// As its wire bytes.
    public var fieldValue: BGAPIFieldValue { .bytes(littleEndianBytes) }
    /// From wire bytes.
    public init?(fieldValue: BGAPIFieldValue) {
        guard case let .bytes(b) = fieldValue else { return nil }
        self.init(littleEndianBytes: b)
    }
}

/// A field type that wraps an integer (handles, enumerations, flags, error codes).
public protocol BGAPIRawFieldWrapper: BGAPIWireCodable, CustomStringConvertible {
    /// The integer it wraps.
    associatedtype Raw: BGAPIWireCodable
    /// The wrapped integer.
    var rawValue: Raw { get }
    /// Wraps an integer; every value is accepted.
    init(rawValue: Raw)
}

extension BGAPIRawFieldWrapper {
    /// Same as the wrapped integer.
    public static var wireType: BGAPIWireType { Raw.wireType }
    /// Reads the wrapped integer.
    public static func read(from reader: inout ByteReader, field: StaticString) throws(BGAPIDecodingError) -> Self {
        Self(rawValue: try Raw.read(from: &reader, field: field))
    }
    /// Writes the wrapped integer.
    public func write(to writer: inout ByteWriter, field: StaticString) throws(BGAPIEncodingError) {
        try rawValue.write(to: &writer, field: field)
    }
    /// The wrapped integer's value.
    public var fieldValue: BGAPIFieldValue { rawValue.fieldValue }
    /// From the wrapped integer's value.
    public init?(fieldValue: BGAPIFieldValue) {
        guard let raw = Raw(fieldValue: fieldValue) else { return nil }
        self.init(rawValue: raw)
    }
}

extension ConnectionHandle: BGAPIRawFieldWrapper {}
extension AttributeHandle: BGAPIRawFieldWrapper {}
extension BondHandle: BGAPIRawFieldWrapper {}
extension BGAPIErrorCode: BGAPIRawFieldWrapper {}
extension AddressType: BGAPIRawFieldWrapper {}
extension GAPDiscoverMode: BGAPIRawFieldWrapper {}
extension GAPDiscoverableMode: BGAPIRawFieldWrapper {}
extension GAPConnectableMode: BGAPIRawFieldWrapper {}
extension GAPScanPolicy: BGAPIRawFieldWrapper {}
extension GAPAdvertisingPolicy: BGAPIRawFieldWrapper {}
extension ScanResponsePacketType: BGAPIRawFieldWrapper {}
extension AttributeValueType: BGAPIRawFieldWrapper {}
extension AttributeChangeReason: BGAPIRawFieldWrapper {}
extension SMIOCapabilities: BGAPIRawFieldWrapper {}
extension ConnectionStatusFlags: BGAPIRawFieldWrapper {}
extension AttributeStatusFlags: BGAPIRawFieldWrapper {}
extension SMBondingKeys: BGAPIRawFieldWrapper {}
