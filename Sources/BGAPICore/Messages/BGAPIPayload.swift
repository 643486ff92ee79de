/// Whether a message definition is a command, its response, or an event.
public enum BGAPIMessageKind: String, Sendable, Hashable {
    /// Host→device command.
    case command
    /// Device→host answer to a command.
    case response
    /// Device→host event.
    case event
}

/// The wire type of one field, as the reference's tables name it.
public enum BGAPIWireType: String, Sendable, Hashable {
    /// `u8`
    case uint8 = "u8"
    /// `i8`
    case int8 = "i8"
    /// `u16`, little-endian
    case uint16 = "u16"
    /// `i16`, little-endian
    case int16 = "i16"
    /// `u32`, little-endian
    case uint32 = "u32"
    /// `addr`: 6-byte Bluetooth address, least significant byte first
    case address = "addr"
    /// `u8[]`: one length byte, then that many bytes
    case uint8Array = "u8[]"

    /// Bytes the field takes on the wire, not counting a `u8[]`'s content.
    public var fixedSize: Int {
        switch self {
        case .uint8, .int8, .uint8Array: 1
        case .uint16, .int16: 2
        case .uint32: 4
        case .address: 6
        }
    }
}

/// The value of one field, independent of its Swift type: for logs, traffic panes and outside oracles.
public enum BGAPIFieldValue: Hashable, Sendable {
    /// An unsigned integer field (also booleans, handles, enumerations, flags, error codes).
    case unsigned(UInt32)
    /// A signed integer field.
    case signed(Int32)
    /// A `u8[]` field, or an address as its six wire bytes.
    case bytes([UInt8])
}

/// One decoded field: its reference name, its value and a human rendering.
public struct BGAPIField: Hashable, Sendable {
    /// The reference's snake_case name, e.g. `conn_interval_min`.
    public var name: String
    /// The value.
    public var value: BGAPIFieldValue
    /// Human form: `AA:BB:...` for addresses, `wrong_state (0x0181)` for results, hex for bytes.
    public var display: String
}

/// Why a message could not be built from loose field values.
public enum BGAPIFieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A field the message needs was not given.
    case missing(message: String, field: String)
    /// A value of the wrong kind or out of range for the field.
    case invalid(message: String, field: String, value: BGAPIFieldValue)

    /// One line naming the message and field.
    public var description: String {
        switch self {
        case let .missing(message, field): "\(message): missing field '\(field)'"
        case let .invalid(message, field, value): "\(message): value \(value) does not fit field '\(field)'"
        }
    }
}

/// The static description of one message: identity and wire layout, from the reference.
/// A class, so reading it from hot paths costs one reference, not a copy of its strings and arrays.
public final class BGAPIMessageDescriptor: Sendable, Hashable {
    /// Reference name, e.g. `gap_connect_direct`.
    public let name: String
    /// Command, response or event.
    public let kind: BGAPIMessageKind
    /// Class byte.
    public let messageClass: BGAPIMessageClass
    /// Message ID within the class.
    public let messageID: UInt8
    /// Fields in wire order: reference name and wire type.
    public let fields: [Field]
    /// One-line summary from the reference.
    public let summary: String

    /// One field of a layout.
    public struct Field: Sendable, Hashable {
        /// Reference name.
        public let name: String
        /// Wire type.
        public let wireType: BGAPIWireType
        /// A `u8` that means true/false: any non-zero byte decodes as true and re-encodes as 1.
        public let isFlag: Bool

        /// Describes one field.
        public init(name: String, wireType: BGAPIWireType, isFlag: Bool = false) {
            self.name = name
            self.wireType = wireType
            self.isFlag = isFlag
        }
    }

    /// Creates a descriptor (the generated catalog is the only caller in practice).
    public init(name: String, kind: BGAPIMessageKind, messageClass: BGAPIMessageClass, messageID: UInt8,
                fields: [Field], summary: String) {
        self.name = name
        self.kind = kind
        self.messageClass = messageClass
        self.messageID = messageID
        self.fields = fields
        self.summary = summary
        fixedLength = fields.reduce(0) { $0 + $1.wireType.fixedSize }
        hasArray = fields.last?.wireType == .uint8Array
    }

    /// Descriptors are equal when they describe the same message.
    public static func == (lhs: BGAPIMessageDescriptor, rhs: BGAPIMessageDescriptor) -> Bool {
        lhs.kind == rhs.kind && lhs.messageClass == rhs.messageClass && lhs.messageID == rhs.messageID && lhs.name == rhs.name
    }

    /// Hashes the message identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(messageClass)
        hasher.combine(messageID)
    }

    /// Payload bytes before any `u8[]` content (the whole payload when there is no array).
    public let fixedLength: Int
    /// Whether the layout ends in a `u8[]`, making the payload length variable.
    public let hasArray: Bool

    /// Whether a payload of `length` bytes can hold this message (exact for fixed layouts).
    public func acceptsPayloadLength(_ length: Int) -> Bool {
        hasArray ? length >= fixedLength && length <= fixedLength + 255 : length == fixedLength
    }

    /// Whether `payload` is structurally this message: the length fits and a trailing `u8[]` prefix is exact.
    public func validates(_ payload: some RandomAccessCollection<UInt8>) -> Bool {
        guard acceptsPayloadLength(payload.count) else { return false }
        guard hasArray else { return true }
        let prefix = payload[payload.index(payload.startIndex, offsetBy: fixedLength - 1)]
        return Int(prefix) == payload.count - fixedLength
    }
}

/// A typed BGAPI message body: one command, response or event of the v1 API, with its codec.
public protocol BGAPIPayload: Sendable, Hashable, CustomStringConvertible {
    /// Identity and wire layout.
    static var descriptor: BGAPIMessageDescriptor { get }
    /// Decodes the payload; the reader must be exhausted exactly.
    init(from reader: inout ByteReader) throws(BGAPIDecodingError)
    /// Builds the message from loose field values keyed by reference name.
    init(fields: [String: BGAPIFieldValue]) throws(BGAPIFieldError)
    /// Appends the payload bytes.
    func encode(into writer: inout ByteWriter) throws(BGAPIEncodingError)
    /// The fields in wire order, for display and comparison.
    var fields: [BGAPIField] { get }
}

/// A host→device command; `Response` is what the dongle answers (``NoResponse`` for resets).
public protocol BGAPICommandPayload: BGAPIPayload {
    /// The response type the dongle sends back.
    associatedtype Response: Sendable
}

/// A device→host response to a command.
public protocol BGAPIResponsePayload: BGAPIPayload {
    /// The `result` field when the response has one: how the host learns whether a command was accepted.
    var resultCode: BGAPIErrorCode? { get }
}

extension BGAPIResponsePayload {
    /// Responses without a `result` field report none.
    public var resultCode: BGAPIErrorCode? { nil }
}

/// A device→host event.
public protocol BGAPIEventPayload: BGAPIPayload {}

/// The "response" of `system_reset`, `system_delay_reset` and `dfu_reset`: the dongle sends none.
public struct NoResponse: Sendable, Hashable {
    /// The empty answer.
    public init() {}
}

extension BGAPIPayload {
    /// The message type bit this payload travels with.
    public static var messageType: BGAPIMessageType { descriptor.kind == .event ? .event : .commandOrResponse }

    /// Decodes a whole payload, rejecting short, overrunning or over-long input.
    public init(payload: ArraySlice<UInt8>) throws(BGAPIDecodingError) {
        do {
            self = try ByteReader.withReader(payload) { (reader) throws(BGAPIDecodingError) -> Self in
                let value = try Self(from: &reader)
                try reader.expectEnd()
                return value
            }
        } catch {
            throw error.naming(Self.descriptor.name)
        }
    }

    /// Decodes a whole payload held in an array.
    public init(payload: [UInt8]) throws(BGAPIDecodingError) { try self.init(payload: payload[...]) }

    /// The payload bytes.
    public func encodedPayload() throws(BGAPIEncodingError) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: Self.descriptor.fixedLength + 8)
        try encode(into: &writer)
        guard writer.bytes.count <= BGAPIHeader.maximumPayloadLength else {
            throw .payloadTooLong(count: writer.bytes.count)
        }
        return writer.bytes
    }

    /// The message as a framed packet.
    public func packet() throws(BGAPIEncodingError) -> BGAPIPacket {
        BGAPIPacket(messageType: Self.messageType, messageClass: Self.descriptor.messageClass,
                    messageID: Self.descriptor.messageID, payload: try encodedPayload())
    }

    /// The whole packet as wire bytes, header included, built in one buffer.
    public func encodedBytes() throws(BGAPIEncodingError) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: BGAPIHeader.size + Self.descriptor.fixedLength + 24)
        writer.writeUInt32(0) // header, filled in below
        try encode(into: &writer)
        let length = writer.bytes.count - BGAPIHeader.size
        guard length <= BGAPIHeader.maximumPayloadLength else { throw .payloadTooLong(count: length) }
        writer.overwrite(Self.messageType.rawValue << 7 | UInt8(length >> 8), at: 0)
        writer.overwrite(UInt8(length & 0xFF), at: 1)
        writer.overwrite(Self.descriptor.messageClass.rawValue, at: 2)
        writer.overwrite(Self.descriptor.messageID, at: 3)
        return writer.bytes
    }

    /// `gap_connect_direct(address: 01:23:45:67:89:AB, addr_type: public, …)`.
    public var description: String {
        "\(Self.descriptor.name)(" + fields.map { "\($0.name): \($0.display)" }.joined(separator: ", ") + ")"
    }
}
