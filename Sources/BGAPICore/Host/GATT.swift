/// The properties byte of a characteristic declaration (Core Spec Vol 3 Part G 3.3.1.1).
public struct CharacteristicProperties: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The raw byte.
    public var rawValue: UInt8
    /// Wraps a properties byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The value may be broadcast in advertisements.
    public static let broadcast = Self(rawValue: 0x01)
    /// The value can be read.
    public static let read = Self(rawValue: 0x02)
    /// The value can be written without a response.
    public static let writeWithoutResponse = Self(rawValue: 0x04)
    /// The value can be written with a response.
    public static let write = Self(rawValue: 0x08)
    /// The server can notify the value.
    public static let notify = Self(rawValue: 0x10)
    /// The server can indicate the value.
    public static let indicate = Self(rawValue: 0x20)
    /// Signed writes are accepted.
    public static let authenticatedSignedWrites = Self(rawValue: 0x40)
    /// An extended properties descriptor follows.
    public static let extendedProperties = Self(rawValue: 0x80)

    /// `R W Wn N I`-style letters, in the order blex shows them.
    public var description: String {
        [(Self.read, "R"), (.write, "W"), (.writeWithoutResponse, "Wn"), (.notify, "N"), (.indicate, "I"),
         (.broadcast, "B"), (.authenticatedSignedWrites, "S"), (.extendedProperties, "X")]
            .filter { contains($0.0) }.map(\.1).joined(separator: " ")
    }
}

/// A descriptor found under a characteristic (CCCD 0x2902, user description 0x2901, …).
public struct GATTDescriptor: Hashable, Sendable {
    /// Its type.
    public var uuid: BluetoothUUID
    /// Its handle.
    public var handle: AttributeHandle

    /// A descriptor.
    public init(uuid: BluetoothUUID, handle: AttributeHandle) { self.uuid = uuid; self.handle = handle }
}

/// A characteristic found by discovery; keyed by its value handle, so characteristics sharing a UUID all survive.
public struct GATTCharacteristic: Hashable, Sendable {
    /// Its type.
    public var uuid: BluetoothUUID
    /// The handle of its declaration (0x2803).
    public var declarationHandle: AttributeHandle
    /// The handle of its value: what reads, writes and notifications use.
    public var valueHandle: AttributeHandle
    /// What the server allows.
    public var properties: CharacteristicProperties
    /// Descriptors between the value and the next declaration.
    public var descriptors: [GATTDescriptor]
    /// The UUID of the service holding it.
    public var serviceUUID: BluetoothUUID

    /// A characteristic as discovery reports it.
    public init(uuid: BluetoothUUID, declarationHandle: AttributeHandle, valueHandle: AttributeHandle,
                properties: CharacteristicProperties, descriptors: [GATTDescriptor], serviceUUID: BluetoothUUID) {
        self.uuid = uuid
        self.declarationHandle = declarationHandle
        self.valueHandle = valueHandle
        self.properties = properties
        self.descriptors = descriptors
        self.serviceUUID = serviceUUID
    }

    /// The Client Characteristic Configuration descriptor, which turns notifications on and off.
    public var configurationDescriptor: GATTDescriptor? {
        descriptors.first { $0.uuid.matches(BluetoothUUID(0x2902)) }
    }
}

/// A service inclusion (0x2802): the service at `startHandle…endHandle` is part of the including one.
public struct GATTInclude: Hashable, Sendable {
    /// The handle of the include declaration.
    public var handle: AttributeHandle
    /// The included service's first handle.
    public var startHandle: AttributeHandle
    /// The included service's last handle.
    public var endHandle: AttributeHandle
    /// The included service's UUID when the declaration carries it (16-bit UUIDs only, Core Vol 3 Part G 3.2).
    public var uuid: BluetoothUUID?

    /// An include as discovery reports it.
    public init(handle: AttributeHandle, startHandle: AttributeHandle, endHandle: AttributeHandle, uuid: BluetoothUUID?) {
        self.handle = handle
        self.startHandle = startHandle
        self.endHandle = endHandle
        self.uuid = uuid
    }
}

/// A service (primary or secondary) and what discovery found in it.
public struct GATTService: Hashable, Sendable {
    /// Its type.
    public var uuid: BluetoothUUID
    /// Its first handle (the service declaration).
    public var startHandle: AttributeHandle
    /// Its last handle.
    public var endHandle: AttributeHandle
    /// Its characteristics, by ascending handle.
    public var characteristics: [GATTCharacteristic]
    /// Primary (0x2800) or secondary (0x2801): a secondary service is only reached through an include.
    public var isPrimary: Bool
    /// The services it includes, by ascending handle.
    public var includes: [GATTInclude]

    /// A service as discovery reports it.
    public init(uuid: BluetoothUUID, startHandle: AttributeHandle, endHandle: AttributeHandle,
                characteristics: [GATTCharacteristic], isPrimary: Bool = true, includes: [GATTInclude] = []) {
        self.uuid = uuid
        self.startHandle = startHandle
        self.endHandle = endHandle
        self.characteristics = characteristics
        self.isPrimary = isPrimary
        self.includes = includes
    }
}

/// One advertising or scan-response packet as the dongle reported it.
public struct AdvertisementReport: Hashable, Sendable {
    /// Who sent it.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// Advertising, scan response, non-connectable, …
    public var packetType: ScanResponsePacketType
    /// Signal strength of this packet, dBm.
    public var rssi: Int8
    /// The dongle's bond with the sender, if any.
    public var bond: BondHandle
    /// The AD structures, decoded; the raw bytes are kept in ``AdvertisingData/encodedBytes``.
    public var data: AdvertisingData

    /// A report.
    public init(address: BluetoothAddress, addressType: AddressType, packetType: ScanResponsePacketType,
                rssi: Int8, bond: BondHandle, data: AdvertisingData) {
        self.address = address
        self.addressType = addressType
        self.packetType = packetType
        self.rssi = rssi
        self.bond = bond
        self.data = data
    }

    /// Whether the packet says the sender accepts connections.
    public var isConnectable: Bool {
        packetType == .connectableAdvertisement || packetType == .discoverableAdvertisement
            || packetType == .directedAdvertisement
    }
}

/// Everything one scan learned about a device, in memory that grows with the number of devices, not with
/// scan time: the latest packet of each type, counts, RSSI statistics and a short recent history.
public struct ScanResult: Hashable, Sendable {
    /// How many recent packets ``recentReports`` keeps.
    public static let recentLimit = 16

    /// The device address.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// The name from the complete (or else shortened) local name, as received; sanitise before display.
    public var name: String?
    /// The RSSI of the last packet, dBm.
    public var rssi: Int8
    /// The latest packet of each type (advertisement, scan response, …).
    public private(set) var latestByPacketType: [ScanResponsePacketType: AdvertisementReport] = [:]
    /// The last ``recentLimit`` packets, oldest first, each with its own RSSI.
    public private(set) var recentReports: [AdvertisementReport] = []
    /// Every packet heard, counted.
    public private(set) var packetCount = 0
    /// The weakest, strongest and mean RSSI over every packet, dBm.
    public private(set) var rssiRange: ClosedRange<Int8>
    private var rssiSum = 0
    /// Whether any packet said the device is connectable.
    public private(set) var isConnectable = false

    /// A result from its first report.
    public init(first report: AdvertisementReport) {
        address = report.address
        addressType = report.addressType
        rssi = report.rssi
        rssiRange = report.rssi ... report.rssi
        add(report)
    }

    /// The mean RSSI over every packet, dBm.
    public var meanRSSI: Double { packetCount == 0 ? Double(rssi) : Double(rssiSum) / Double(packetCount) }

    /// Folds in one more packet: the RSSI follows it, and a complete name wins over a shortened one.
    public mutating func add(_ report: AdvertisementReport) {
        latestByPacketType[report.packetType] = report
        recentReports.append(report)
        if recentReports.count > Self.recentLimit { recentReports.removeFirst(recentReports.count - Self.recentLimit) }
        packetCount += 1
        rssi = report.rssi
        rssiSum += Int(report.rssi)
        rssiRange = min(rssiRange.lowerBound, report.rssi) ... max(rssiRange.upperBound, report.rssi)
        if report.isConnectable { isConnectable = true }
        if let n = report.data.localName, name == nil || report.data.isNameComplete { name = n }
    }
}
