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

/// A primary service and what discovery found in it.
public struct GATTService: Hashable, Sendable {
    /// Its type.
    public var uuid: BluetoothUUID
    /// Its first handle (the service declaration).
    public var startHandle: AttributeHandle
    /// Its last handle.
    public var endHandle: AttributeHandle
    /// Its characteristics, by ascending handle.
    public var characteristics: [GATTCharacteristic]

    /// A service as discovery reports it.
    public init(uuid: BluetoothUUID, startHandle: AttributeHandle, endHandle: AttributeHandle,
                characteristics: [GATTCharacteristic]) {
        self.uuid = uuid
        self.startHandle = startHandle
        self.endHandle = endHandle
        self.characteristics = characteristics
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

/// Everything one scan learned about a device.
public struct ScanResult: Hashable, Sendable {
    /// The device address.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// The name from the complete (or else shortened) local name, as received; sanitise before display.
    public var name: String?
    /// The RSSI of the last packet, dBm.
    public var rssi: Int8
    /// Every packet received, in order, with its own RSSI.
    public var reports: [AdvertisementReport]

    /// A result from its first report.
    public init(first report: AdvertisementReport) {
        address = report.address
        addressType = report.addressType
        rssi = report.rssi
        reports = []
        add(report)
    }

    /// The latest packet of each type (advertisement, scan response).
    public var latestByPacketType: [ScanResponsePacketType: AdvertisementReport] {
        var out: [ScanResponsePacketType: AdvertisementReport] = [:]
        for r in reports { out[r.packetType] = r }
        return out
    }

    /// Whether any packet said the device is connectable.
    public var isConnectable: Bool { reports.contains(where: \.isConnectable) }

    /// Folds in one more packet: the RSSI follows it, and a complete name wins over a shortened one.
    public mutating func add(_ report: AdvertisementReport) {
        reports.append(report)
        rssi = report.rssi
        if let n = report.data.localName, name == nil || report.data.isNameComplete { name = n }
    }
}
