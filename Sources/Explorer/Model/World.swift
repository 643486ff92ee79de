import BGAPICore

/// What the explorer knows of a connected device, for cloning it into an emulator scenario (`K`): its
/// advertising as heard, its database as discovered, the values it has sent. The effect runner turns it into
/// a scenario file; values never read are marked there, not invented.
public struct CloneSnapshot: Hashable, Sendable {
    /// Its address.
    public var address: BluetoothAddress
    /// Public or random.
    public var addressType: AddressType
    /// The latest data per packet type (advertisement, scan response).
    public var advertisements: [ScanResponsePacketType: AdvertisingData]
    /// Whether it advertised as connectable.
    public var connectable: Bool
    /// The shortest recent gap between its advertisements, in seconds (the interval as seen).
    public var advertisingInterval: Double?
    /// The mean of the last minute's RSSI, dBm.
    public var rssiMean: Double?
    /// Its GATT database.
    public var services: [GATTService]
    /// The values read or notified, by handle.
    public var values: [AttributeHandle: [UInt8]]
    /// Where to write the scenario.
    public var path: String

    /// A snapshot of everything above.
    public init(address: BluetoothAddress, addressType: AddressType, advertisements: [ScanResponsePacketType: AdvertisingData],
                connectable: Bool, advertisingInterval: Double?, rssiMean: Double?, services: [GATTService],
                values: [AttributeHandle: [UInt8]], path: String) {
        self.address = address
        self.addressType = addressType
        self.advertisements = advertisements
        self.connectable = connectable
        self.advertisingInterval = advertisingInterval
        self.rssiMean = rssiMean
        self.services = services
        self.values = values
        self.path = path
    }
}

/// A fault for the virtual dongle's world, picked in the fault menu (`F`, SIMULATED only).
public enum FaultRequest: Hashable, Sendable {
    /// The device drops its link (supervision timeout, 0x0208).
    case disconnect(BluetoothAddress)
    /// The device's next ATT procedure fails (0x0480).
    case attError(BluetoothAddress)
    /// The device stops answering ATT (the 30 s ATT timeout, then the link drops).
    case silence(BluetoothAddress)
    /// Random bytes on the wire.
    case garble
    /// The dongle leaves USB for a second.
    case unplug
    /// The world runs at this rate of real time (0 paused, 1 real time, 10 ten times faster).
    case worldRate(Double)
    /// The world jumps this many seconds ahead.
    case jumpAhead(seconds: Int)
}
