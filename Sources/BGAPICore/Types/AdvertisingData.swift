// Advertising and scan-response payloads (`gap_scan_response.data`) as AD structures,
// per the Core Specification Supplement, Part A. Input comes off the radio and is hostile:
// every byte sequence parses, nothing traps, and `encodedBytes` gives the input back.

/// A parsed advertising or scan-response payload: its AD structures in order, plus any tail that
/// did not form a structure, so that `AdvertisingData(bytes: x).encodedBytes == x` for every `x`.
///
/// Strings (names, URIs) are decoded as UTF-8 with U+FFFD for invalid sequences; control
/// characters are kept as sent, so callers that display them must sanitise them.
public struct AdvertisingData: Sendable, Hashable {
    /// Every complete AD structure in wire order; repeated types are all kept.
    public var structures: [ADStructure]
    /// The last structure, when its length byte runs past the end of the payload.
    public var truncation: ADTruncation?
    /// The bytes from a zero length byte (early termination) to the end, that byte included.
    public var padding: [UInt8]

    /// Builds a payload from structures, with no truncated tail or padding.
    public init(structures: [ADStructure] = []) {
        self.structures = structures
        truncation = nil
        padding = []
    }

    /// Parses a payload of any length; never fails, stops at a zero length byte or a truncated structure.
    public init(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        structures = []
        truncation = nil
        padding = []
        var i = 0
        while i < b.count {
            let length = Int(b[i])
            if length == 0 {
                padding = Array(b[i...])
                return
            }
            let end = i + 1 + length
            if end > b.count {
                truncation = ADTruncation(offset: i, declaredLength: b[i], bytes: Array(b[(i + 1)...]))
                return
            }
            structures.append(ADStructure(type: ADType(rawValue: b[i + 1]), data: Array(b[(i + 2) ..< end])))
            i = end
        }
    }

    /// The payload re-encoded: each structure, then the truncated tail and the padding unchanged.
    public var encodedBytes: [UInt8] {
        var out = structures.flatMap(\.encodedBytes)
        if let truncation { out += truncation.encodedBytes }
        return out + padding
    }

    /// The decoded values of every structure, in order.
    public var values: [ADValue] { structures.map(\.value) }

    /// The Complete Local Name (0x09) if present, else the Shortened Local Name (0x08).
    public var localName: String? {
        var shortened: String?
        for value in values {
            guard case let .localName(name, complete) = value else { continue }
            if complete { return name }
            if shortened == nil { shortened = name }
        }
        return shortened
    }

    /// Whether a Complete Local Name (0x09) is present, i.e. `localName` is not a shortened one.
    public var isNameComplete: Bool {
        values.contains { if case .localName(_, complete: true) = $0 { true } else { false } }
    }

    /// The first well-formed Flags structure (0x01).
    public var flags: ADFlags? {
        values.lazy.compactMap { if case let .flags(f) = $0 { f } else { nil } }.first
    }

    /// Every advertised service UUID from the 16-, 32- and 128-bit lists, complete or not, in order.
    ///
    /// Lists whose length is not a multiple of the UUID size are malformed and contribute nothing.
    public var serviceUUIDs: [BluetoothUUID] {
        values.flatMap { value -> [BluetoothUUID] in
            if case let .serviceUUIDs(list, _) = value { list } else { [] }
        }
    }

    /// Every Manufacturer Specific Data structure (0xFF), in order.
    public var manufacturerData: [ManufacturerData] {
        values.compactMap { if case let .manufacturerData(m) = $0 { m } else { nil } }
    }

    /// Every Service Data structure (0x16, 0x20, 0x21), in order.
    public var serviceData: [ServiceData] {
        values.compactMap { if case let .serviceData(s) = $0 { s } else { nil } }
    }

    /// The first TX Power Level (0x0A), in dBm.
    public var txPowerLevel: Int8? {
        values.lazy.compactMap { if case let .txPowerLevel(p) = $0 { p } else { nil } }.first
    }

    /// The first Appearance (0x19), the GAP appearance category value.
    public var appearance: UInt16? {
        values.lazy.compactMap { if case let .appearance(a) = $0 { a } else { nil } }.first
    }
}

/// A last AD structure whose length byte promises more bytes than the payload holds.
public struct ADTruncation: Sendable, Hashable {
    /// The offset of the length byte within the payload.
    public var offset: Int
    /// The length byte as sent (type byte plus data).
    public var declaredLength: UInt8
    /// The bytes that followed the length byte (type byte first, if any), kept raw.
    public var bytes: [UInt8]

    /// Describes a truncated structure at `offset`.
    public init(offset: Int, declaredLength: UInt8, bytes: [UInt8]) {
        self.offset = offset
        self.declaredLength = declaredLength
        self.bytes = bytes
    }

    /// The AD type, if the type byte arrived.
    public var type: ADType? { bytes.first.map { ADType(rawValue: $0) } }

    /// How many promised bytes never arrived.
    public var missingByteCount: Int { max(0, Int(declaredLength) - bytes.count) }

    /// The length byte followed by the bytes that arrived, as on the wire.
    public var encodedBytes: [UInt8] { [declaredLength] + bytes }
}

/// One AD structure: a type and its data; `value` decodes the data on demand.
public struct ADStructure: Sendable, Hashable {
    /// The AD type byte.
    public var type: ADType
    /// The data after the type byte, raw.
    public var data: [UInt8]

    /// Wraps a type and its data.
    public init(type: ADType, data: [UInt8]) {
        self.type = type
        self.data = data
    }

    /// Length byte, type byte, data; data beyond 254 bytes does not fit a length byte and is dropped.
    public var encodedBytes: [UInt8] {
        let body = data.prefix(254)
        return [UInt8(body.count + 1), type.rawValue] + body
    }

    /// The data decoded according to the type.
    ///
    /// Types this parser does not interpret give `.raw`; known types whose data has the wrong
    /// length give `.malformed` with the bytes, so nothing is ever dropped.
    public var value: ADValue {
        switch type {
        case .flags:
            // The Supplement lets Flags grow; only the first octet has defined bits.
            guard let first = data.first else { return .malformed(reason: "Flags with no data", data) }
            return .flags(ADFlags(rawValue: first))
        case .incomplete16BitServiceUUIDs, .complete16BitServiceUUIDs:
            return uuidList(width: 2) { .serviceUUIDs($0, complete: type == .complete16BitServiceUUIDs) }
        case .incomplete32BitServiceUUIDs, .complete32BitServiceUUIDs:
            return uuidList(width: 4) { .serviceUUIDs($0, complete: type == .complete32BitServiceUUIDs) }
        case .incomplete128BitServiceUUIDs, .complete128BitServiceUUIDs:
            return uuidList(width: 16) { .serviceUUIDs($0, complete: type == .complete128BitServiceUUIDs) }
        case .solicitation16BitServiceUUIDs: return uuidList(width: 2) { .solicitedServiceUUIDs($0) }
        case .solicitation32BitServiceUUIDs: return uuidList(width: 4) { .solicitedServiceUUIDs($0) }
        case .solicitation128BitServiceUUIDs: return uuidList(width: 16) { .solicitedServiceUUIDs($0) }
        case .shortenedLocalName: return .localName(String(decoding: data, as: UTF8.self), complete: false)
        case .completeLocalName: return .localName(String(decoding: data, as: UTF8.self), complete: true)
        case .txPowerLevel:
            guard data.count == 1 else { return wrongLength("1 byte") }
            return .txPowerLevel(Int8(bitPattern: data[0]))
        case .serviceData16BitUUID: return serviceData(width: 2)
        case .serviceData32BitUUID: return serviceData(width: 4)
        case .serviceData128BitUUID: return serviceData(width: 16)
        case .appearance:
            guard data.count == 2 else { return wrongLength("2 bytes") }
            return .appearance(littleEndian16(at: 0))
        case .advertisingInterval:
            guard data.count == 2 else { return wrongLength("2 bytes") }
            return .advertisingInterval(units625Microseconds: littleEndian16(at: 0))
        case .peripheralConnectionIntervalRange:
            guard data.count == 4 else { return wrongLength("4 bytes") }
            return .connectionIntervalRange(min: littleEndian16(at: 0), max: littleEndian16(at: 2))
        case .uri: return .uri(ADStructure.decodeURI(data))
        case .broadcastName: return .broadcastName(String(decoding: data, as: UTF8.self))
        case .manufacturerSpecificData:
            guard data.count >= 2 else { return wrongLength("at least 2 bytes") }
            return .manufacturerData(ManufacturerData(companyID: littleEndian16(at: 0), data: Array(data[2...])))
        default: return .raw(data)
        }
    }

    private func wrongLength(_ expected: String) -> ADValue {
        .malformed(reason: "\(type.name): expected \(expected), got \(data.count)", data)
    }

    private func littleEndian16(at i: Int) -> UInt16 { UInt16(data[i]) | UInt16(data[i + 1]) << 8 }

    private func uuidList(width: Int, _ make: ([BluetoothUUID]) -> ADValue) -> ADValue {
        guard data.count % width == 0 else { return wrongLength("a multiple of \(width) bytes") }
        return make(stride(from: 0, to: data.count, by: width).map {
            BluetoothUUID(littleEndianBytes: Array(data[$0 ..< $0 + width]))
        })
    }

    private func serviceData(width: Int) -> ADValue {
        guard data.count >= width else { return wrongLength("at least \(width) bytes") }
        let uuid = BluetoothUUID(littleEndianBytes: Array(data[0 ..< width]))
        return .serviceData(ServiceData(uuid: uuid, data: Array(data[width...])))
    }

    /// URI scheme codes (Assigned Numbers, URI schemes) this parser expands; others stay as sent.
    private static let uriSchemes: [UInt32: String] = [0x01: "", 0x16: "http:", 0x17: "https:"]

    /// Decodes a URI structure: UTF-8 whose first code point names the scheme.
    static func decodeURI(_ data: [UInt8]) -> String {
        let text = String(decoding: data, as: UTF8.self)
        guard let first = text.unicodeScalars.first, let scheme = uriSchemes[first.value] else { return text }
        return scheme + String(text.unicodeScalars.dropFirst())
    }
}

/// An AD type byte; an open set, so unassigned values survive decoding and re-encoding.
public struct ADType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The type byte.
    public var rawValue: UInt8
    /// Wraps a type byte, assigned or not.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Flags (0x01): discoverability and BR/EDR support.
    public static let flags = Self(rawValue: 0x01)
    /// Incomplete List of 16-bit Service Class UUIDs (0x02).
    public static let incomplete16BitServiceUUIDs = Self(rawValue: 0x02)
    /// Complete List of 16-bit Service Class UUIDs (0x03).
    public static let complete16BitServiceUUIDs = Self(rawValue: 0x03)
    /// Incomplete List of 32-bit Service Class UUIDs (0x04).
    public static let incomplete32BitServiceUUIDs = Self(rawValue: 0x04)
    /// Complete List of 32-bit Service Class UUIDs (0x05).
    public static let complete32BitServiceUUIDs = Self(rawValue: 0x05)
    /// Incomplete List of 128-bit Service Class UUIDs (0x06).
    public static let incomplete128BitServiceUUIDs = Self(rawValue: 0x06)
    /// Complete List of 128-bit Service Class UUIDs (0x07).
    public static let complete128BitServiceUUIDs = Self(rawValue: 0x07)
    /// Shortened Local Name (0x08).
    public static let shortenedLocalName = Self(rawValue: 0x08)
    /// Complete Local Name (0x09).
    public static let completeLocalName = Self(rawValue: 0x09)
    /// TX Power Level (0x0A), signed dBm.
    public static let txPowerLevel = Self(rawValue: 0x0A)
    /// Class of Device (0x0D), BR/EDR.
    public static let classOfDevice = Self(rawValue: 0x0D)
    /// Simple Pairing Hash C-192 (0x0E), out-of-band pairing.
    public static let simplePairingHashC192 = Self(rawValue: 0x0E)
    /// Simple Pairing Randomizer R-192 (0x0F), out-of-band pairing.
    public static let simplePairingRandomizerR192 = Self(rawValue: 0x0F)
    /// Device ID (0x10), the same value as Security Manager TK Value.
    public static let deviceID = Self(rawValue: 0x10)
    /// Security Manager TK Value (0x10), the same value as Device ID.
    public static let securityManagerTKValue = Self(rawValue: 0x10)
    /// Security Manager Out of Band Flags (0x11).
    public static let securityManagerOOBFlags = Self(rawValue: 0x11)
    /// Peripheral Connection Interval Range (0x12), two u16 in 1.25 ms units.
    public static let peripheralConnectionIntervalRange = Self(rawValue: 0x12)
    /// List of 16-bit Service Solicitation UUIDs (0x14).
    public static let solicitation16BitServiceUUIDs = Self(rawValue: 0x14)
    /// List of 128-bit Service Solicitation UUIDs (0x15).
    public static let solicitation128BitServiceUUIDs = Self(rawValue: 0x15)
    /// Service Data with a 16-bit UUID (0x16).
    public static let serviceData16BitUUID = Self(rawValue: 0x16)
    /// Public Target Address (0x17).
    public static let publicTargetAddress = Self(rawValue: 0x17)
    /// Random Target Address (0x18).
    public static let randomTargetAddress = Self(rawValue: 0x18)
    /// Appearance (0x19).
    public static let appearance = Self(rawValue: 0x19)
    /// Advertising Interval (0x1A), u16 in 0.625 ms units.
    public static let advertisingInterval = Self(rawValue: 0x1A)
    /// LE Bluetooth Device Address (0x1B).
    public static let leDeviceAddress = Self(rawValue: 0x1B)
    /// LE Role (0x1C).
    public static let leRole = Self(rawValue: 0x1C)
    /// Simple Pairing Hash C-256 (0x1D).
    public static let simplePairingHashC256 = Self(rawValue: 0x1D)
    /// Simple Pairing Randomizer R-256 (0x1E).
    public static let simplePairingRandomizerR256 = Self(rawValue: 0x1E)
    /// List of 32-bit Service Solicitation UUIDs (0x1F).
    public static let solicitation32BitServiceUUIDs = Self(rawValue: 0x1F)
    /// Service Data with a 32-bit UUID (0x20).
    public static let serviceData32BitUUID = Self(rawValue: 0x20)
    /// Service Data with a 128-bit UUID (0x21).
    public static let serviceData128BitUUID = Self(rawValue: 0x21)
    /// LE Secure Connections Confirmation Value (0x22).
    public static let leSecureConnectionsConfirmationValue = Self(rawValue: 0x22)
    /// LE Secure Connections Random Value (0x23).
    public static let leSecureConnectionsRandomValue = Self(rawValue: 0x23)
    /// URI (0x24), UTF-8 with a scheme code point first.
    public static let uri = Self(rawValue: 0x24)
    /// Indoor Positioning (0x25).
    public static let indoorPositioning = Self(rawValue: 0x25)
    /// Transport Discovery Data (0x26).
    public static let transportDiscoveryData = Self(rawValue: 0x26)
    /// LE Supported Features (0x27).
    public static let leSupportedFeatures = Self(rawValue: 0x27)
    /// Channel Map Update Indication (0x28).
    public static let channelMapUpdateIndication = Self(rawValue: 0x28)
    /// PB-ADV (0x29), the mesh provisioning bearer.
    public static let pbADV = Self(rawValue: 0x29)
    /// Mesh Message (0x2A).
    public static let meshMessage = Self(rawValue: 0x2A)
    /// Mesh Beacon (0x2B).
    public static let meshBeacon = Self(rawValue: 0x2B)
    /// BIGInfo (0x2C), LE Audio broadcast isochronous group info.
    public static let bigInfo = Self(rawValue: 0x2C)
    /// Broadcast_Code (0x2D), LE Audio.
    public static let broadcastCode = Self(rawValue: 0x2D)
    /// Resolvable Set Identifier (0x2E), coordinated sets.
    public static let resolvableSetIdentifier = Self(rawValue: 0x2E)
    /// Advertising Interval - long (0x2F), 3 or 4 bytes in 0.625 ms units.
    public static let advertisingIntervalLong = Self(rawValue: 0x2F)
    /// Broadcast_Name (0x30), UTF-8, LE Audio.
    public static let broadcastName = Self(rawValue: 0x30)
    /// Encrypted Advertising Data (0x31).
    public static let encryptedAdvertisingData = Self(rawValue: 0x31)
    /// Periodic Advertising Response Timing Information (0x32).
    public static let periodicAdvertisingResponseTimingInformation = Self(rawValue: 0x32)
    /// Electronic Shelf Label (0x34).
    public static let electronicShelfLabel = Self(rawValue: 0x34)
    /// 3D Information Data (0x3D).
    public static let threeDInformationData = Self(rawValue: 0x3D)
    /// Manufacturer Specific Data (0xFF): company ID then vendor bytes.
    public static let manufacturerSpecificData = Self(rawValue: 0xFF)

    /// Assigned Numbers names of the types above.
    static let names: [UInt8: String] = [
        0x01: "Flags",
        0x02: "Incomplete List of 16-bit Service UUIDs",
        0x03: "Complete List of 16-bit Service UUIDs",
        0x04: "Incomplete List of 32-bit Service UUIDs",
        0x05: "Complete List of 32-bit Service UUIDs",
        0x06: "Incomplete List of 128-bit Service UUIDs",
        0x07: "Complete List of 128-bit Service UUIDs",
        0x08: "Shortened Local Name",
        0x09: "Complete Local Name",
        0x0A: "TX Power Level",
        0x0D: "Class of Device",
        0x0E: "Simple Pairing Hash C-192",
        0x0F: "Simple Pairing Randomizer R-192",
        0x10: "Device ID / Security Manager TK Value",
        0x11: "Security Manager Out of Band Flags",
        0x12: "Peripheral Connection Interval Range",
        0x14: "List of 16-bit Service Solicitation UUIDs",
        0x15: "List of 128-bit Service Solicitation UUIDs",
        0x16: "Service Data - 16-bit UUID",
        0x17: "Public Target Address",
        0x18: "Random Target Address",
        0x19: "Appearance",
        0x1A: "Advertising Interval",
        0x1B: "LE Bluetooth Device Address",
        0x1C: "LE Role",
        0x1D: "Simple Pairing Hash C-256",
        0x1E: "Simple Pairing Randomizer R-256",
        0x1F: "List of 32-bit Service Solicitation UUIDs",
        0x20: "Service Data - 32-bit UUID",
        0x21: "Service Data - 128-bit UUID",
        0x22: "LE Secure Connections Confirmation Value",
        0x23: "LE Secure Connections Random Value",
        0x24: "URI",
        0x25: "Indoor Positioning",
        0x26: "Transport Discovery Data",
        0x27: "LE Supported Features",
        0x28: "Channel Map Update Indication",
        0x29: "PB-ADV",
        0x2A: "Mesh Message",
        0x2B: "Mesh Beacon",
        0x2C: "BIGInfo",
        0x2D: "Broadcast_Code",
        0x2E: "Resolvable Set Identifier",
        0x2F: "Advertising Interval - long",
        0x30: "Broadcast_Name",
        0x31: "Encrypted Advertising Data",
        0x32: "Periodic Advertising Response Timing Information",
        0x34: "Electronic Shelf Label",
        0x3D: "3D Information Data",
        0xFF: "Manufacturer Specific Data",
    ]

    /// The assigned name (`Complete Local Name`), or `AD type 0x42` for an unassigned value.
    public var name: String { Self.names[rawValue] ?? "AD type 0x" + hexByte(rawValue) }
    /// Whether the value is one of the named types above.
    public var isKnown: Bool { Self.names[rawValue] != nil }
    /// Same as `name`.
    public var description: String { name }
}

/// The decoded form of an AD structure's data.
///
/// Wrong lengths for known types are reported as `.malformed` (never `.raw`), so a UI can flag them;
/// `.raw` means "not interpreted here". Both keep the bytes.
public enum ADValue: Sendable, Hashable {
    /// Flags (0x01); only the first octet is decoded.
    case flags(ADFlags)
    /// A 16-, 32- or 128-bit service UUID list (0x02–0x07); `complete` for the Complete List types.
    case serviceUUIDs([BluetoothUUID], complete: Bool)
    /// A service solicitation UUID list (0x14, 0x15, 0x1F).
    case solicitedServiceUUIDs([BluetoothUUID])
    /// A local name (0x08 shortened, 0x09 complete), U+FFFD for invalid UTF-8, control characters kept.
    case localName(String, complete: Bool)
    /// TX Power Level (0x0A) in dBm.
    case txPowerLevel(Int8)
    /// Service Data (0x16, 0x20, 0x21).
    case serviceData(ServiceData)
    /// Manufacturer Specific Data (0xFF).
    case manufacturerData(ManufacturerData)
    /// Appearance (0x19).
    case appearance(UInt16)
    /// Advertising Interval (0x1A) in units of 0.625 ms.
    case advertisingInterval(units625Microseconds: UInt16)
    /// Peripheral Connection Interval Range (0x12) in units of 1.25 ms; 0xFFFF means no preference.
    case connectionIntervalRange(min: UInt16, max: UInt16)
    /// URI (0x24) with `http:`, `https:` and the empty scheme expanded; other scheme codes kept as sent.
    case uri(String)
    /// Broadcast_Name (0x30), U+FFFD for invalid UTF-8.
    case broadcastName(String)
    /// A type this parser does not interpret, data unchanged.
    case raw([UInt8])
    /// A known type whose data has the wrong length: why, and the data unchanged.
    case malformed(reason: String, [UInt8])
}

/// The Flags AD type's first octet: discoverability and BR/EDR capability.
public struct ADFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The flags octet; bits 5–7 are reserved and kept.
    public var rawValue: UInt8
    /// Wraps a flags octet.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// LE Limited Discoverable Mode.
    public static let leLimitedDiscoverable = Self(rawValue: 0x01)
    /// LE General Discoverable Mode.
    public static let leGeneralDiscoverable = Self(rawValue: 0x02)
    /// BR/EDR Not Supported.
    public static let brEDRNotSupported = Self(rawValue: 0x04)
    /// Simultaneous LE and BR/EDR to Same Device Capable (Controller).
    public static let simultaneousLEAndBREDRController = Self(rawValue: 0x08)
    /// Simultaneous LE and BR/EDR to Same Device Capable (Host).
    public static let simultaneousLEAndBREDRHost = Self(rawValue: 0x10)

    private static let names: [(Self, String)] = [
        (.leLimitedDiscoverable, "LE Limited Discoverable"),
        (.leGeneralDiscoverable, "LE General Discoverable"),
        (.brEDRNotSupported, "BR/EDR Not Supported"),
        (.simultaneousLEAndBREDRController, "LE and BR/EDR Controller"),
        (.simultaneousLEAndBREDRHost, "LE and BR/EDR Host"),
    ]

    /// The set flags' names joined by `, `, reserved bits as `reserved 0xE0`, or `none`.
    public var description: String {
        var parts = Self.names.filter { contains($0.0) }.map(\.1)
        let reserved = rawValue & 0xE0
        if reserved != 0 { parts.append("reserved 0x" + hexByte(reserved)) }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// Manufacturer Specific Data: a Bluetooth SIG company identifier and the vendor's bytes.
public struct ManufacturerData: Sendable, Hashable {
    /// The company identifier (sent little-endian), e.g. 0x004C for Apple.
    public var companyID: UInt16
    /// The bytes after the company identifier.
    public var data: [UInt8]

    /// Wraps a company identifier and payload.
    public init(companyID: UInt16, data: [UInt8]) {
        self.companyID = companyID
        self.data = data
    }

    /// The iBeacon frame, when this is Apple data starting `02 15` with at least 23 bytes.
    public var iBeacon: IBeacon? {
        guard companyID == IBeacon.appleCompanyID, data.count >= 23, data[0] == 0x02, data[1] == 0x15 else { return nil }
        func bigEndian16(_ i: Int) -> UInt16 { UInt16(data[i]) << 8 | UInt16(data[i + 1]) }
        return IBeacon(
            proximityUUID: BluetoothUUID(littleEndianBytes: Array(data[2 ..< 18].reversed())),
            major: bigEndian16(18),
            minor: bigEndian16(20),
            measuredPower: Int8(bitPattern: data[22])
        )
    }
}

/// Apple's iBeacon frame, carried in Manufacturer Specific Data (all fields big-endian).
public struct IBeacon: Sendable, Hashable {
    /// Apple's company identifier.
    public static let appleCompanyID: UInt16 = 0x004C
    /// The proximity UUID (sent big-endian, stored as a `BluetoothUUID`).
    public var proximityUUID: BluetoothUUID
    /// The major value.
    public var major: UInt16
    /// The minor value.
    public var minor: UInt16
    /// Calibrated RSSI at 1 m, in dBm.
    public var measuredPower: Int8

    /// Wraps the frame's fields.
    public init(proximityUUID: BluetoothUUID, major: UInt16, minor: UInt16, measuredPower: Int8) {
        self.proximityUUID = proximityUUID
        self.major = major
        self.minor = minor
        self.measuredPower = measuredPower
    }
}

/// Service Data: a service UUID (16, 32 or 128-bit) and the bytes the service defines.
public struct ServiceData: Sendable, Hashable {
    /// The service UUID, sent little-endian.
    public var uuid: BluetoothUUID
    /// The bytes after the UUID.
    public var data: [UInt8]

    /// Wraps a UUID and payload.
    public init(uuid: BluetoothUUID, data: [UInt8]) {
        self.uuid = uuid
        self.data = data
    }

    /// The Eddystone frame when the UUID is 0xFEAA and there is a frame type byte.
    public var eddystone: Eddystone? {
        guard uuid.shortValue == Eddystone.serviceUUID, !data.isEmpty else { return nil }
        return Eddystone(frame: data)
    }
}

/// A Google Eddystone frame from Service Data with UUID 0xFEAA.
///
/// Frames too short for their type, unknown frame types, encrypted TLM, and URL frames with an
/// unknown scheme or reserved bytes are `.other`, so no frame is lost.
public enum Eddystone: Sendable, Hashable {
    /// Eddystone-UID (0x00): calibrated TX power at 0 m, 10-byte namespace, 6-byte instance.
    case uid(txPower: Int8, namespace: [UInt8], instance: [UInt8])
    /// Eddystone-URL (0x10): calibrated TX power at 0 m and the expanded URL.
    case url(txPower: Int8, url: String)
    /// Eddystone-TLM (0x20), unencrypted version 0.
    case tlm(Telemetry)
    /// Any other frame: the frame type and the bytes after it.
    case other(frameType: UInt8, [UInt8])

    /// The Eddystone 16-bit service UUID.
    public static let serviceUUID: UInt16 = 0xFEAA

    /// Eddystone-TLM telemetry (all fields big-endian on the wire).
    public struct Telemetry: Sendable, Hashable {
        /// TLM version; only 0 (unencrypted) is decoded.
        public var version: UInt8
        /// Battery voltage in mV; 0 means not reported.
        public var batteryMillivolts: UInt16
        /// Temperature as signed 8.8 fixed point °C; 0x8000 (-128.0) means not reported.
        public var temperature: Int16
        /// Advertising PDUs sent since boot.
        public var advertisingCount: UInt32
        /// Time since boot in units of 0.1 s.
        public var uptimeDeciseconds: UInt32

        /// Wraps the telemetry fields.
        public init(version: UInt8, batteryMillivolts: UInt16, temperature: Int16, advertisingCount: UInt32,
                    uptimeDeciseconds: UInt32) {
            self.version = version
            self.batteryMillivolts = batteryMillivolts
            self.temperature = temperature
            self.advertisingCount = advertisingCount
            self.uptimeDeciseconds = uptimeDeciseconds
        }

        /// The temperature in °C, or `nil` when the beacon reports 0x8000 (not supported).
        public var temperatureCelsius: Double? {
            temperature == Int16.min ? nil : Double(temperature) / 256
        }
    }

    /// URL scheme prefixes, by prefix byte.
    private static let schemes = ["http://www.", "https://www.", "http://", "https://"]
    /// URL expansion codes 0x00–0x0D.
    private static let expansions = [
        ".com/", ".org/", ".edu/", ".net/", ".info/", ".biz/", ".gov/",
        ".com", ".org", ".edu", ".net", ".info", ".biz", ".gov",
    ]

    /// Decodes a frame: the service data after the UUID, frame type first; `frame` must not be empty.
    init(frame: [UInt8]) {
        let type = frame[0]
        let rest = Array(frame[1...])
        func be16(_ i: Int) -> UInt16 { UInt16(frame[i]) << 8 | UInt16(frame[i + 1]) }
        func be32(_ i: Int) -> UInt32 { UInt32(be16(i)) << 16 | UInt32(be16(i + 2)) }
        switch type {
        case 0x00 where frame.count >= 18:
            // The two trailing RFU bytes are optional in practice and ignored.
            self = .uid(txPower: Int8(bitPattern: frame[1]), namespace: Array(frame[2 ..< 12]),
                        instance: Array(frame[12 ..< 18]))
        case 0x10 where frame.count >= 3:
            guard let url = Self.expandURL(scheme: frame[2], body: frame[3...]) else {
                self = .other(frameType: type, rest)
                return
            }
            self = .url(txPower: Int8(bitPattern: frame[1]), url: url)
        case 0x20 where frame.count >= 14 && frame[1] == 0x00:
            self = .tlm(Telemetry(version: frame[1], batteryMillivolts: be16(2), temperature: Int16(bitPattern: be16(4)),
                                  advertisingCount: be32(6), uptimeDeciseconds: be32(10)))
        default:
            self = .other(frameType: type, rest)
        }
    }

    /// Expands an Eddystone-URL scheme byte and encoded body; `nil` for reserved values.
    static func expandURL(scheme: UInt8, body: ArraySlice<UInt8>) -> String? {
        guard Int(scheme) < schemes.count else { return nil }
        var url = schemes[Int(scheme)]
        for b in body {
            switch b {
            case 0x00 ... 0x0D: url += expansions[Int(b)]
            case 0x21 ... 0x7E: url.unicodeScalars.append(Unicode.Scalar(b))
            default: return nil
            }
        }
        return url
    }
}
