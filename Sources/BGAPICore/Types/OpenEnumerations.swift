/// A BGAPI enumeration kept open: named constants for the documented values, and any other
/// raw value survives decoding and re-encoding unchanged.
public protocol BGAPIOpenEnumeration: RawRepresentable, Hashable, Sendable, CustomStringConvertible
where RawValue: FixedWidthInteger & Sendable {
    /// The reference's names for the documented values.
    static var names: [RawValue: String] { get }
    /// Wraps a raw value, documented or not.
    init(rawValue: RawValue)
}

extension BGAPIOpenEnumeration {
    /// The documented name, or the raw value in hex.
    public var description: String {
        Self.names[rawValue] ?? "0x" + String(rawValue, radix: 16, uppercase: true)
    }
    /// Whether the value is one the reference documents.
    public var isKnown: Bool { Self.names[rawValue] != nil }
}

/// `gap` address type: public (IEEE-assigned) or random (static or private).
public struct AddressType: BGAPIOpenEnumeration {
    /// The type byte.
    public var rawValue: UInt8
    /// Wraps a type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Public device address.
    public static let `public` = Self(rawValue: 0)
    /// Random device address.
    public static let random = Self(rawValue: 1)
    /// Reference names.
    public static let names: [UInt8: String] = [0: "public", 1: "random"]
}

/// `gap_discover` mode: which advertisers are reported, by their AD Flags.
public struct GAPDiscoverMode: BGAPIOpenEnumeration {
    /// The mode byte.
    public var rawValue: UInt8
    /// Wraps a mode byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Only advertisers with the LE Limited Discoverable flag.
    public static let limited = Self(rawValue: 0)
    /// Advertisers with the limited or general discoverable flag.
    public static let generic = Self(rawValue: 1)
    /// Every advertiser, discoverable or not (what pygatt uses).
    public static let observation = Self(rawValue: 2)
    /// Reference names.
    public static let names: [UInt8: String] = [0: "limited", 1: "generic", 2: "observation"]
}

/// `gap_set_mode` discoverability; 0x80 may be OR-ed in for enhanced broadcasting.
public struct GAPDiscoverableMode: BGAPIOpenEnumeration {
    /// The mode byte.
    public var rawValue: UInt8
    /// Wraps a mode byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Not discoverable.
    public static let nonDiscoverable = Self(rawValue: 0)
    /// Limited discoverable.
    public static let limitedDiscoverable = Self(rawValue: 1)
    /// General discoverable.
    public static let generalDiscoverable = Self(rawValue: 2)
    /// Broadcast (no discoverable flags).
    public static let broadcast = Self(rawValue: 3)
    /// Advertising data comes from `gap_set_adv_data`.
    public static let userData = Self(rawValue: 4)
    /// Reference names.
    public static let names: [UInt8: String] = [
        0: "non_discoverable", 1: "limited_discoverable", 2: "general_discoverable", 3: "broadcast", 4: "user_data",
        0x80: "enhanced_broadcasting",
    ]
}

/// `gap_set_mode` connectability.
public struct GAPConnectableMode: BGAPIOpenEnumeration {
    /// The mode byte.
    public var rawValue: UInt8
    /// Wraps a mode byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Not connectable.
    public static let nonConnectable = Self(rawValue: 0)
    /// Directed connectable.
    public static let directedConnectable = Self(rawValue: 1)
    /// Undirected connectable.
    public static let undirectedConnectable = Self(rawValue: 2)
    /// Scannable, not connectable (ADV_SCAN_IND).
    public static let scannableNonConnectable = Self(rawValue: 3)
    /// Reference names.
    public static let names: [UInt8: String] = [
        0: "non_connectable", 1: "directed_connectable", 2: "undirected_connectable", 3: "scannable_non_connectable",
    ]
}

/// `gap_set_filtering` scan policy.
public struct GAPScanPolicy: BGAPIOpenEnumeration {
    /// The policy byte.
    public var rawValue: UInt8
    /// Wraps a policy byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Report every advertiser.
    public static let all = Self(rawValue: 0)
    /// Report whitelisted advertisers only.
    public static let whitelist = Self(rawValue: 1)
    /// Reference names.
    public static let names: [UInt8: String] = [0: "all", 1: "whitelist"]
}

/// `gap_set_filtering` advertising policy.
public struct GAPAdvertisingPolicy: BGAPIOpenEnumeration {
    /// The policy byte.
    public var rawValue: UInt8
    /// Wraps a policy byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Anyone may scan and connect.
    public static let all = Self(rawValue: 0)
    /// Scan requests from the whitelist only.
    public static let whitelistScan = Self(rawValue: 1)
    /// Connections from the whitelist only.
    public static let whitelistConnect = Self(rawValue: 2)
    /// Both restricted to the whitelist.
    public static let whitelistAll = Self(rawValue: 3)
    /// Reference names.
    public static let names: [UInt8: String] = [0: "all", 1: "whitelist_scan", 2: "whitelist_connect", 3: "whitelist_all"]
}

/// `gap_scan_response` packet type: which advertising PDU was received.
public struct ScanResponsePacketType: BGAPIOpenEnumeration {
    /// The packet type byte.
    public var rawValue: UInt8
    /// Wraps a packet type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// ADV_IND: connectable undirected advertising.
    public static let connectableAdvertisement = Self(rawValue: 0)
    /// ADV_DIRECT_IND: directed advertising.
    public static let directedAdvertisement = Self(rawValue: 1)
    /// ADV_NONCONN_IND: non-connectable advertising.
    public static let nonConnectableAdvertisement = Self(rawValue: 2)
    /// SCAN_REQ (enhanced broadcasting only).
    public static let scanRequest = Self(rawValue: 3)
    /// SCAN_RSP: the scan response to an active scan.
    public static let scanResponse = Self(rawValue: 4)
    /// ADV_SCAN_IND: scannable, not connectable.
    public static let discoverableAdvertisement = Self(rawValue: 6)
    /// Reference names.
    public static let names: [UInt8: String] = [
        0: "connectable_advertisement", 1: "directed_advertisement", 2: "non_connectable_advertisement",
        3: "scan_request", 4: "scan_response", 6: "discoverable_advertisement",
    ]
}

/// `attclient_attribute_value` type: why a value arrived.
public struct AttributeValueType: BGAPIOpenEnumeration {
    /// The type byte.
    public var rawValue: UInt8
    /// Wraps a type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Result of Read by Handle.
    public static let read = Self(rawValue: 0)
    /// Notification.
    public static let notify = Self(rawValue: 1)
    /// Indication, already confirmed by the stack.
    public static let indicate = Self(rawValue: 2)
    /// Result of Read by Type.
    public static let readByType = Self(rawValue: 3)
    /// Part of a long attribute (Read Blob).
    public static let readBlob = Self(rawValue: 4)
    /// Indication awaiting `attclient_indicate_confirm`.
    public static let indicateResponseRequired = Self(rawValue: 5)
    /// Reference names.
    public static let names: [UInt8: String] = [
        0: "read", 1: "notify", 2: "indicate", 3: "read_by_type", 4: "read_blob", 5: "indicate_rsp_req",
    ]
}

/// `attributes_value` reason: how a remote client wrote a local attribute.
public struct AttributeChangeReason: BGAPIOpenEnumeration {
    /// The reason byte.
    public var rawValue: UInt8
    /// Wraps a reason byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Write request (acknowledged).
    public static let writeRequest = Self(rawValue: 0)
    /// Write command (unacknowledged).
    public static let writeCommand = Self(rawValue: 1)
    /// Write request to a `user` attribute; the host must answer.
    public static let writeRequestUser = Self(rawValue: 2)
    /// Reference names.
    public static let names: [UInt8: String] = [0: "write_request", 1: "write_command", 2: "write_request_user"]
}

/// `sm_set_parameters` IO capabilities, which decide the pairing method.
public struct SMIOCapabilities: BGAPIOpenEnumeration {
    /// The capability byte.
    public var rawValue: UInt8
    /// Wraps a capability byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Can display a passkey only.
    public static let displayOnly = Self(rawValue: 0)
    /// Display plus yes/no.
    public static let displayYesNo = Self(rawValue: 1)
    /// Can enter a passkey only.
    public static let keyboardOnly = Self(rawValue: 2)
    /// Neither (Just Works); the default.
    public static let noInputNoOutput = Self(rawValue: 3)
    /// Keyboard and display.
    public static let keyboardDisplay = Self(rawValue: 4)
    /// Reference names.
    public static let names: [UInt8: String] = [
        0: "display_only", 1: "display_yes_no", 2: "keyboard_only", 3: "no_input_no_output", 4: "keyboard_display",
    ]
}

/// `connection_status` flags.
public struct ConnectionStatusFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The flag byte.
    public var rawValue: UInt8
    /// Wraps a flag byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The link exists.
    public static let connected = Self(rawValue: 0x01)
    /// The link is encrypted.
    public static let encrypted = Self(rawValue: 0x02)
    /// A new connection was just created.
    public static let completed = Self(rawValue: 0x04)
    /// Link parameters changed.
    public static let parametersChange = Self(rawValue: 0x08)
    /// `connected|completed`-style list, or `0x00`.
    public var description: String { flagDescription(rawValue, ["connected", "encrypted", "completed", "parameters_change"]) }
}

/// `attributes_status` flags: what a remote client enabled in a local CCCD.
public struct AttributeStatusFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The flag byte.
    public var rawValue: UInt8
    /// Wraps a flag byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Notifications enabled.
    public static let notify = Self(rawValue: 0x01)
    /// Indications enabled.
    public static let indicate = Self(rawValue: 0x02)
    /// `notify|indicate`-style list, or `0x00`.
    public var description: String { flagDescription(rawValue, ["notify", "indicate"]) }
}

/// `sm_bond_status` keys: which keys a bond holds.
public struct SMBondingKeys: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The key bits.
    public var rawValue: UInt8
    /// Wraps key bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Long-term key (stored in master).
    public static let ltk = Self(rawValue: 0x01)
    /// Public address.
    public static let publicAddress = Self(rawValue: 0x02)
    /// Static address.
    public static let staticAddress = Self(rawValue: 0x04)
    /// Identity resolving key.
    public static let irk = Self(rawValue: 0x08)
    /// EDIV and RAND received from the slave.
    public static let edivRand = Self(rawValue: 0x10)
    /// Connection signature resolving key.
    public static let csrk = Self(rawValue: 0x20)
    /// Master identification (EDIV and RAND sent to master).
    public static let masterID = Self(rawValue: 0x40)
    /// `ltk|irk`-style list, or `0x00`.
    public var description: String {
        flagDescription(rawValue, ["ltk", "addr_public", "addr_static", "irk", "edivrand", "csrk", "masterid"])
    }
}

func flagDescription(_ raw: UInt8, _ names: [String]) -> String {
    var parts: [String] = []
    for bit in 0 ..< 8 where raw & (1 << bit) != 0 {
        parts.append(bit < names.count ? names[bit] : "0x" + hexByte(1 << bit))
    }
    return parts.isEmpty ? "0x00" : parts.joined(separator: "|")
}
