/// A 48-bit Bluetooth device address, printed most significant byte first (`AA:BB:CC:DD:EE:FF`)
/// and sent least significant byte first, as BGAPI's `bd_addr` does.
public struct BluetoothAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as an integer; only the low 48 bits are used.
    public let rawValue: UInt64

    /// Wraps a 48-bit integer; higher bits are dropped.
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    /// Builds an address from its six wire bytes (least significant first); `nil` unless exactly six.
    public init?(wireBytes: some Collection<UInt8>) {
        guard wireBytes.count == 6 else { return nil }
        var value: UInt64 = 0
        for (i, b) in wireBytes.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        self.init(rawValue: value)
    }

    /// Parses `AA:BB:CC:DD:EE:FF` (also `-` separated or bare 12 hex digits); `nil` if malformed.
    public init?(_ text: some StringProtocol) {
        let hex = String(text.filter { $0 != ":" && $0 != "-" })
        guard hex.count == 12, hex.allSatisfy(\.isHexDigit), let value = UInt64(hex, radix: 16) else { return nil }
        self.init(rawValue: value)
    }

    /// The six bytes as sent on the wire, least significant first.
    public var wireBytes: [UInt8] { (0 ..< 6).map { UInt8(truncatingIfNeeded: rawValue >> (8 * UInt64($0))) } }

    /// `AA:BB:CC:DD:EE:FF`, most significant byte first.
    public var description: String { wireBytes.reversed().map(hexByte).joined(separator: ":") }

    /// Orders by numeric value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A dongle-assigned connection handle (`0 ..< maxconn`).
public struct ConnectionHandle: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The handle byte.
    public var rawValue: UInt8
    /// Wraps a handle byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Wraps a handle byte.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// Decimal, as the reference writes handles.
    public var description: String { String(rawValue) }
    /// Orders by handle number.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A 16-bit ATT attribute handle on a remote or local GATT database.
public struct AttributeHandle: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The handle value.
    public var rawValue: UInt16
    /// Wraps a handle value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a handle value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    /// The first valid handle, where discovery starts.
    public static let first = Self(rawValue: 0x0001)
    /// The last handle, where discovery ends.
    public static let last = Self(rawValue: 0xFFFF)
    /// `0x002A`-style hex.
    public var description: String { "0x" + hexByte(UInt8(rawValue >> 8)) + hexByte(UInt8(rawValue & 0xFF)) }
    /// Orders by handle value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A bond slot in the dongle's flash (0...7); `0xFF` means "not bonded".
public struct BondHandle: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The slot byte.
    public var rawValue: UInt8
    /// Wraps a slot byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// No bond (in events) or every bond (in `sm_delete_bonding`).
    public static let none = Self(rawValue: 0xFF)
    /// Alias of `none` for `sm_delete_bonding`, where 0xFF deletes all bonds.
    public static let all = Self(rawValue: 0xFF)
    /// Whether this names a stored bond.
    public var isBonded: Bool { rawValue != 0xFF }
    /// The slot number, or `none`.
    public var description: String { isBonded ? String(rawValue) : "none" }
}
