import BGAPICore
import Explorer
import Testing
import TUI

// Shared builders: advertising packets, a GATT database like the demo heart-rate monitor, and key helpers.

/// An AD structure: length, type, data.
func ad(_ type: UInt8, _ data: [UInt8]) -> [UInt8] { [UInt8(data.count + 1), type] + data }

/// An AD structure holding text.
func ad(_ type: UInt8, _ text: String) -> [UInt8] { ad(type, Array(text.utf8)) }

/// An advertising (or scan response) report.
func report(_ address: BluetoothAddress, rssi: Int8, name: String? = nil, shortName: String? = nil,
            packetType: ScanResponsePacketType = .connectableAdvertisement, addressType: AddressType = .public,
            extra: [UInt8] = []) -> AdvertisementReport {
    var bytes = ad(0x01, [0x06])
    if let shortName { bytes += ad(0x08, shortName) }
    if let name { bytes += ad(0x09, name) }
    bytes += extra
    return AdvertisementReport(address: address, addressType: addressType, packetType: packetType, rssi: rssi,
                               bond: .none, data: AdvertisingData(bytes: bytes))
}

let hrmAddress = BluetoothAddress("C4:7C:8D:6A:10:01")!
let thermoAddress = BluetoothAddress("D0:5F:B8:22:33:02")!
let beaconAddress = BluetoothAddress("D6:1E:0B:EA:C0:06")!
let tagAddress = BluetoothAddress("F5:4A:3B:2C:1D:08")!

/// Handles of the fixture database.
enum H {
    static let deviceName = AttributeHandle(0x0003)
    static let heartRateService = AttributeHandle(0x000A)
    static let measurement = AttributeHandle(0x000C)
    static let measurementCCCD = AttributeHandle(0x000D)
    static let bodySensor = AttributeHandle(0x000F)
    static let controlPoint = AttributeHandle(0x0011)
    static let batteryService = AttributeHandle(0x0013)
    static let battery = AttributeHandle(0x0015)
    static let uartService = AttributeHandle(0x0020)
    static let uartRX = AttributeHandle(0x0022)
    static let uartTX = AttributeHandle(0x0024)
    static let temperature = AttributeHandle(0x0027)
}

let uartServiceUUID = BluetoothUUID("6E400001-B5A3-F393-E0A9-E50E24DCCA9E")!
let uartRXUUID = BluetoothUUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")!
let uartTXUUID = BluetoothUUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")!

func characteristic(_ uuid: BluetoothUUID, value: AttributeHandle, _ properties: CharacteristicProperties,
                    cccd: Bool = false, service: BluetoothUUID) -> GATTCharacteristic {
    let h = value.rawValue
    return GATTCharacteristic(uuid: uuid, declarationHandle: AttributeHandle(h - 1), valueHandle: value,
                              properties: properties,
                              descriptors: cccd ? [GATTDescriptor(uuid: BluetoothUUID(0x2902), handle: AttributeHandle(h + 1))] : [],
                              serviceUUID: service)
}

/// Generic Access (collapsed after discovery), Heart Rate, Battery, a UART-like service with a write-both
/// characteristic, and Health Thermometer with an indicate-only characteristic.
let fixtureServices: [GATTService] = {
    let ga = BluetoothUUID(0x1800), hr = BluetoothUUID(0x180D), bat = BluetoothUUID(0x180F), ht = BluetoothUUID(0x1809)
    return [
        GATTService(uuid: ga, startHandle: AttributeHandle(0x0001), endHandle: AttributeHandle(0x0009), characteristics: [
            characteristic(BluetoothUUID(0x2A00), value: H.deviceName, .read, service: ga),
        ]),
        GATTService(uuid: hr, startHandle: H.heartRateService, endHandle: AttributeHandle(0x0012), characteristics: [
            characteristic(BluetoothUUID(0x2A37), value: H.measurement, .notify, cccd: true, service: hr),
            characteristic(BluetoothUUID(0x2A38), value: H.bodySensor, .read, service: hr),
            characteristic(BluetoothUUID(0x2A39), value: H.controlPoint, .write, service: hr),
        ]),
        GATTService(uuid: bat, startHandle: H.batteryService, endHandle: AttributeHandle(0x0016), characteristics: [
            characteristic(BluetoothUUID(0x2A19), value: H.battery, [.read, .notify], cccd: true, service: bat),
        ]),
        GATTService(uuid: uartServiceUUID, startHandle: H.uartService, endHandle: AttributeHandle(0x0025), characteristics: [
            characteristic(uartRXUUID, value: H.uartRX, [.write, .writeWithoutResponse], service: uartServiceUUID),
            characteristic(uartTXUUID, value: H.uartTX, .writeWithoutResponse, service: uartServiceUUID),
        ]),
        GATTService(uuid: ht, startHandle: AttributeHandle(0x0026), endHandle: AttributeHandle(0x0028), characteristics: [
            characteristic(BluetoothUUID(0x2A1C), value: H.temperature, .indicate, cccd: true, service: ht),
        ]),
    ]
}()

/// Applies messages in order, returning every effect asked for.
@discardableResult
func send(_ state: inout ExplorerState, _ messages: Message...) -> [Effect] {
    messages.flatMap { update(&state, $0) }
}

/// Key presses, one message each.
@discardableResult
func press(_ state: inout ExplorerState, _ keys: Key...) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
}

/// Types a string, one character key per character.
@discardableResult
func typeText(_ state: inout ExplorerState, _ text: String) -> [Effect] {
    text.flatMap { update(&state, .key(.character($0))) }
}

func ch(_ c: Character) -> Key { .character(c) }

/// A state that heard the heart-rate monitor (connectable, named) and a beacon (non-connectable, unnamed).
func scannedState() -> ExplorerState {
    var s = ExplorerState()
    send(&s, .advertisement(report(hrmAddress, rssi: -52, name: "Pulse HRM"), 1000.0),
         .advertisement(report(beaconAddress, rssi: -80, packetType: .nonConnectableAdvertisement, addressType: .random,
                               extra: ad(0xFF, [0x4C, 0x00, 0x12, 0x34])), 1000.1))
    return s
}

/// A state connected to the heart-rate monitor with the fixture database discovered, focus on the details pane.
func connectedState() -> ExplorerState {
    var s = scannedState()
    s.selectedDevice = hrmAddress
    press(&s, .enter)
    send(&s, .connected(hrmAddress, parameters: "30 ms interval", encrypted: false), .discovered(hrmAddress, fixtureServices))
    s.focus = .details
    return s
}

/// Selects a tree node directly (navigation itself is tested separately).
func select(_ node: TreeNode, in state: inout ExplorerState, address: BluetoothAddress = hrmAddress) {
    state.connections[address]!.selection = node
}

extension ExplorerState {
    /// The heart-rate monitor's connection.
    var hrm: ConnectionEntry? { connections[hrmAddress] }
}

/// Scalars a terminal would act on rather than print.
func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7F ... 0x9F).contains(s.value) }
