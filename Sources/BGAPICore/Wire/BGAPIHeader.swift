/// Whether a packet is a command/response (MT = 0) or an event (MT = 1).
public enum BGAPIMessageType: UInt8, Sendable, Hashable {
    /// Host→device command, or the device's response to one (they share class and ID).
    case commandOrResponse = 0
    /// Device→host event.
    case event = 1
}

/// Which way a packet travels; it tells a command from a response, which share a header.
public enum BGAPIDirection: Sendable, Hashable {
    /// Host to dongle: commands.
    case hostToDevice
    /// Dongle to host: responses and events.
    case deviceToHost
}

/// A BGAPI class (byte 2 of the header); an open set so unknown classes survive.
public struct BGAPIMessageClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The class byte as on the wire.
    public var rawValue: UInt8
    /// Wraps a class byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Class 0: system (reset, info, whitelist, endpoints).
    public static let system = Self(rawValue: 0)
    /// Class 1: persistent store and user flash.
    public static let flash = Self(rawValue: 1)
    /// Class 2: the dongle's local GATT database.
    public static let attributes = Self(rawValue: 2)
    /// Class 3: link management.
    public static let connection = Self(rawValue: 3)
    /// Class 4: GATT client procedures on a remote device.
    public static let attclient = Self(rawValue: 4)
    /// Class 5: security manager (pairing, bonding).
    public static let sm = Self(rawValue: 5)
    /// Class 6: GAP (scan, advertise, connect).
    public static let gap = Self(rawValue: 6)
    /// Class 7: hardware peripherals (timers, ADC, I/O).
    public static let hardware = Self(rawValue: 7)
    /// Class 8: radio test modes.
    public static let test = Self(rawValue: 8)
    /// Class 9: firmware update.
    public static let dfu = Self(rawValue: 9)

    private static let names = ["system", "flash", "attributes", "connection", "attclient", "sm", "gap", "hardware", "test", "dfu"]

    /// The reference's name for the class, or `class_N` when unknown.
    public var description: String {
        Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "class_\(rawValue)"
    }
}

/// The 4-byte BGAPI header: type, technology, 11-bit payload length, class and message ID.
public struct BGAPIHeader: Hashable, Sendable {
    /// Size of the header on the wire.
    public static let size = 4
    /// Largest payload the 11-bit length field can describe.
    public static let maximumPayloadLength = 0x7FF

    /// Command/response or event.
    public var messageType: BGAPIMessageType
    /// Technology type (bits 6..3 of byte 0); 0 is Bluetooth Smart, the only one a BLED112 speaks.
    public var technologyType: UInt8
    /// Payload length in bytes, 0...2047.
    public var payloadLength: Int
    /// Message class.
    public var messageClass: BGAPIMessageClass
    /// Message ID within the class.
    public var messageID: UInt8

    /// Creates a header; the length is clamped to 11 bits by the encoder, never here.
    public init(messageType: BGAPIMessageType, technologyType: UInt8 = 0, payloadLength: Int,
                messageClass: BGAPIMessageClass, messageID: UInt8) {
        self.messageType = messageType
        self.technologyType = technologyType
        self.payloadLength = payloadLength
        self.messageClass = messageClass
        self.messageID = messageID
    }

    /// Parses four header bytes; every 4-byte input is a header, plausibility is the framer's job.
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        messageType = b0 & 0x80 != 0 ? .event : .commandOrResponse
        technologyType = (b0 >> 3) & 0x0F
        payloadLength = Int(b0 & 0x07) << 8 | Int(b1)
        messageClass = BGAPIMessageClass(rawValue: b2)
        messageID = b3
    }

    /// The four header bytes as sent on the wire.
    public var bytes: [UInt8] {
        let length = payloadLength & Self.maximumPayloadLength
        return [
            messageType.rawValue << 7 | (technologyType & 0x0F) << 3 | UInt8(length >> 8),
            UInt8(length & 0xFF),
            messageClass.rawValue,
            messageID,
        ]
    }
}

/// One whole BGAPI packet as framed from the stream: header plus raw payload, not yet decoded.
public struct BGAPIPacket: Hashable, Sendable, CustomStringConvertible {
    /// The header.
    public var header: BGAPIHeader
    /// The payload bytes (exactly `header.payloadLength` of them).
    public var payload: [UInt8]

    /// Pairs a header with its payload; the header's length is set from the payload.
    public init(messageType: BGAPIMessageType, technologyType: UInt8 = 0,
                messageClass: BGAPIMessageClass, messageID: UInt8, payload: [UInt8]) {
        header = BGAPIHeader(messageType: messageType, technologyType: technologyType,
                             payloadLength: payload.count, messageClass: messageClass, messageID: messageID)
        self.payload = payload
    }

    /// Parses a whole packet from bytes; fails when the payload length disagrees with the header.
    public init(bytes: [UInt8]) throws(BGAPIDecodingError) {
        guard bytes.count >= BGAPIHeader.size else {
            throw .payloadTooShort(message: "packet", field: "header", needed: 4, remaining: bytes.count)
        }
        header = BGAPIHeader(bytes[0], bytes[1], bytes[2], bytes[3])
        guard bytes.count - 4 == header.payloadLength else {
            throw .lengthMismatch(declared: header.payloadLength, actual: bytes.count - 4)
        }
        payload = Array(bytes[4...])
    }

    /// The packet as sent on the wire.
    public var bytes: [UInt8] { header.bytes + payload }

    /// Hex dump of the whole packet, header separated from payload.
    public var description: String {
        let h = header.bytes.map(hexByte).joined(separator: " ")
        let p = payload.map(hexByte).joined(separator: " ")
        return p.isEmpty ? h : "\(h) | \(p)"
    }
}

@inline(__always) func hexByte(_ b: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
    return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}
