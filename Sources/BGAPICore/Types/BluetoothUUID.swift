/// A Bluetooth UUID as carried in BGAPI `uint8array` fields: little-endian bytes, usually 2 or 16 of them.
///
/// Any length survives decoding so malformed values can be shown and re-sent unchanged.
public struct BluetoothUUID: Hashable, Sendable, CustomStringConvertible {
    /// The bytes as on the wire, least significant first.
    public var littleEndianBytes: [UInt8]

    /// Wraps wire bytes (least significant first).
    public init(littleEndianBytes: [UInt8]) { self.littleEndianBytes = littleEndianBytes }

    /// A 16-bit SIG UUID such as `0x2A37`.
    public init(_ short: UInt16) { littleEndianBytes = [UInt8(short & 0xFF), UInt8(short >> 8)] }

    /// Parses `2A37`, `0x2A37`, `0000180d-0000-1000-8000-00805f9b34fb` or any 4/8/32 hex digits.
    public init?(_ text: some StringProtocol) {
        var hex = String(text.filter { $0 != "-" }).lowercased()
        if hex.hasPrefix("0x") { hex.removeFirst(2) }
        guard [4, 8, 32].contains(hex.count), hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        var bigEndian: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let b = UInt8(hex[index ..< next], radix: 16) else { return nil }
            bigEndian.append(b)
            index = next
        }
        littleEndianBytes = bigEndian.reversed()
    }

    /// The Bluetooth Base UUID suffix that 16- and 32-bit UUIDs expand into.
    static let baseLittleEndian: [UInt8] = [0xFB, 0x34, 0x9B, 0x5F, 0x80, 0x00, 0x00, 0x80, 0x00, 0x10, 0x00, 0x00]

    /// The 16-bit value when the UUID is a short SIG UUID (2 bytes, or 16 bytes on the Base UUID).
    public var shortValue: UInt16? {
        if littleEndianBytes.count == 2 { return UInt16(littleEndianBytes[0]) | UInt16(littleEndianBytes[1]) << 8 }
        if littleEndianBytes.count == 16, Array(littleEndianBytes[0 ..< 12]) == Self.baseLittleEndian,
           littleEndianBytes[14] == 0, littleEndianBytes[15] == 0 {
            return UInt16(littleEndianBytes[12]) | UInt16(littleEndianBytes[13]) << 8
        }
        return nil
    }

    /// The full 128-bit form, big-endian, or `nil` if the length is not 2, 4 or 16.
    public var uuid128BigEndian: [UInt8]? {
        switch littleEndianBytes.count {
        case 2, 4:
            var full = Self.baseLittleEndian + littleEndianBytes
            while full.count < 16 { full.append(0) }
            return full.reversed()
        case 16: return littleEndianBytes.reversed()
        default: return nil
        }
    }

    /// `2A37` for 16-bit, `0000180D` for 32-bit, the dashed form for 128-bit, hex for anything else.
    public var description: String {
        let be = littleEndianBytes.reversed().map(hexByte)
        guard littleEndianBytes.count == 16 else { return be.joined() }
        let s = be.joined()
        let parts = [0 ..< 8, 8 ..< 12, 12 ..< 16, 16 ..< 20, 20 ..< 32].map { r in
            String(s[s.index(s.startIndex, offsetBy: r.lowerBound) ..< s.index(s.startIndex, offsetBy: r.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}
