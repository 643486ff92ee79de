/// Why a payload could not be decoded into the message its header names.
///
/// Raised for lengths that contradict a message's fixed layout; unknown messages are not errors.
public enum BGAPIDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The payload ended before `field` could be read.
    case payloadTooShort(message: String, field: String, needed: Int, remaining: Int)
    /// A `uint8array` length prefix claims more bytes than the payload holds.
    case arrayOverrun(message: String, field: String, declared: Int, remaining: Int)
    /// Bytes were left after the last field of a fixed layout.
    case trailingBytes(message: String, count: Int)
    /// A packet's payload length disagrees with its header.
    case lengthMismatch(declared: Int, actual: Int)

    /// One line naming the message, the field and the numbers involved.
    public var description: String {
        switch self {
        case let .payloadTooShort(message, field, needed, remaining):
            "\(message): payload ends at field '\(field)' (needs \(needed) byte(s), \(remaining) left)"
        case let .arrayOverrun(message, field, declared, remaining):
            "\(message): '\(field)' declares \(declared) byte(s) but only \(remaining) remain"
        case let .trailingBytes(message, count):
            "\(message): \(count) unexpected byte(s) after the last field"
        case let .lengthMismatch(declared, actual):
            "header declares a \(declared)-byte payload but \(actual) byte(s) were given"
        }
    }
}

/// Why a message could not be encoded: a value the wire format cannot express.
public enum BGAPIEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A `uint8array` field longer than its one-byte length prefix allows.
    case arrayTooLong(field: String, count: Int)
    /// A payload longer than the header's 11-bit length field allows.
    case payloadTooLong(count: Int)

    /// One line naming the field and the size that does not fit.
    public var description: String {
        switch self {
        case let .arrayTooLong(field, count):
            "'\(field)' holds \(count) bytes; a uint8array carries at most 255"
        case let .payloadTooLong(count):
            "payload of \(count) bytes exceeds the 2047-byte maximum of the BGAPI header"
        }
    }
}
