import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITransport
import Foundation
import Synchronization
import Testing

/// `blex clone`: record a session against the virtual dongle, clone a device from the recording, load the
/// clone in the emulator, discover both through real ptys and compare handle by handle (docs/recording.md).
@Suite(.serialized) struct CloneFidelityTests {
    /// What a session saw of a device: its database, every value read (by handle) and its advertising.
    struct Observed: Equatable {
        var services: [GATTService]
        var values: [AttributeHandle: [UInt8]]
        var readErrors: [AttributeHandle: BGAPIError]
        var advertising: AdvertisingData?
        var scanResponse: AdvertisingData?
        var addressType: AddressType
        var connectable: Bool
    }

    /// Scans, connects, discovers, and reads every value and every descriptor but CCCDs.
    static func explore(_ link: String, _ target: BluetoothAddress, recorder: TrafficRecorder? = nil) throws -> Observed {
        let backend = recorder.map { BGAPIBackend(port: .path(link), recorder: $0) } ?? BGAPIBackend(serialPort: link)
        try backend.start(reset: true, delayAfterReset: .milliseconds(20))
        defer { backend.stop() }
        _ = try backend.macAddress()
        _ = try backend.send(SystemGetInfoCommand())
        let heard = try #require(try backend.scan(timeout: .milliseconds(1200)).first { $0.address == target })
        let device = try backend.connect(address: target, addressType: heard.addressType)
        let services = try device.discoverServices()
        var values: [AttributeHandle: [UInt8]] = [:]
        var errors: [AttributeHandle: BGAPIError] = [:]
        for c in services.flatMap(\.characteristics) {
            var handles = c.descriptors.filter { $0.uuid != BluetoothUUID(0x2902) }.map(\.handle)
            if c.properties.contains(.read) { handles.insert(c.valueHandle, at: 0) }
            for h in handles {
                do { values[h] = try device.readLongHandle(h) } catch { errors[h] = error }
            }
        }
        try device.disconnect()
        return Observed(services: services, values: values, readErrors: errors,
                        advertising: heard.latestByPacketType.first { $0.key != .scanResponse }?.value.data,
                        scanResponse: heard.latestByPacketType[.scanResponse]?.data,
                        addressType: heard.addressType, connectable: heard.isConnectable)
    }

    /// Records `explore` against `world`, clones `target`, and explores the clone.
    static func cloneRoundTrip(_ world: Scenario, _ target: BluetoothAddress) throws -> (original: Observed, clone: Observed, scenario: Scenario) {
        let original = try VirtualDongle(scenario: world)
        let bytes = Mutex<[UInt8]>([])
        let recorder = try TrafficRecorder(header: RecordingHeader(port: original.link), sink: { (b: [UInt8]) throws(TransportError) in
            bytes.withLock { $0 += b }
        })
        let seen = try explore(original.link, target, recorder: recorder)
        recorder.close()
        let recording = try Recording(bytes: bytes.withLock { $0 })
        #expect(recording.damage == nil)
        var cloner = DeviceCloner(target: target)
        cloner.observe(recording)
        // Through the file format, as `blex clone -o` and `--scenario FILE` do.
        let scenario = try Scenario.decode(json: try cloner.scenario().encodedJSON())
        let copy = try VirtualDongle(scenario: scenario)
        return (seen, try explore(copy.link, target), scenario)
    }

    @Test func aClonedDemoThermometerMatchesHandleByHandle() throws {
        let (original, clone, scenario) = try Self.cloneRoundTrip(try Scenario.load("demo"), Demo.thermo)
        #expect(clone.services == original.services)
        #expect(clone.values == original.values)
        #expect(clone.advertising == original.advertising)
        #expect(clone.scanResponse == original.scanResponse)
        #expect(clone.addressType == original.addressType)
        #expect(clone.connectable == original.connectable)
        let p = try #require(scenario.peripherals.first)
        // Observed, not copied: the demo thermometer advertises every 250 ms (plus 0–10 ms advDelay) around −67 dBm.
        #expect(abs(p.advertisingIntervalMs - 250) <= 15)
        #expect(abs(p.rssi.mean - -67) <= 6)
        // User descriptions came through as text, and the dongle's identity as well.
        let descriptions = p.services.flatMap(\.characteristics).flatMap { $0.descriptors ?? [] }.compactMap(\.text)
        #expect(descriptions == ["Indoor", "Outdoor"])
        #expect(scenario.dongle.address == "00:07:80:B1:E0:01")
    }

    /// A device with what the demo lacks: a secondary service included by a primary one, handle gaps, a
    /// presentation format, a random address, a value nobody can read and one that needs bonding.
    static let rich = """
    { "name": "rich", "peripherals": [ { "id": "rich", "address": "E1:22:33:44:55:66", "addressType": "random",
      "advertisingIntervalMs": 50, "advertising": { "flags": 6, "name": "Rich" }, "standardServices": false,
      "services": [
        { "uuid": "1800", "handle": 1, "characteristics": [ { "uuid": "2A00", "text": "Rich" } ] },
        { "uuid": "A0B40001-926D-4D61-98DF-8C5C62EE53B3", "primary": false, "handle": 16, "endHandle": 24, "characteristics": [
          { "uuid": "2A6E", "handle": 18, "valueHandle": 19, "properties": ["read", "notify"], "value": "3408",
            "descriptors": [ { "uuid": "2902", "handle": 20 }, { "uuid": "2901", "handle": 21, "text": "Core" },
                             { "uuid": "2904", "handle": 22, "value": "0EFE2F270100 00".replacingOccurrences } ] } ] },
        { "uuid": "180F", "handle": 32, "includes": ["A0B40001-926D-4D61-98DF-8C5C62EE53B3"], "includeHandles": [33],
          "characteristics": [
          { "uuid": "2A19", "handle": 40, "valueHandle": 42, "properties": ["read", "notify"], "value": "55" },
          { "uuid": "2A3F", "properties": ["write"], "value": "00" },
          { "uuid": "5EC00002-1F2E-4B5A-9C8D-0123456789AB", "properties": ["read"], "value": "01", "security": "authenticated" } ] }
      ] } ] }
    """

    @Test func aRichDeviceClonesWithIncludesSecondaryServicesGapsAndDescriptors() throws {
        let json = Self.rich.replacingOccurrences(of: "\"0EFE2F270100 00\".replacingOccurrences", with: "\"0EFE2F27010000\"")
        let world = try Scenario.decode(json: Data(json.utf8))
        let target = BluetoothAddress("E1:22:33:44:55:66")!
        let (original, clone, scenario) = try Self.cloneRoundTrip(world, target)
        #expect(original.services.contains { !$0.isPrimary && !$0.characteristics.isEmpty })
        #expect(original.services.contains { !$0.includes.isEmpty })
        #expect(clone.services == original.services)
        #expect(clone.values == original.values)
        #expect(clone.readErrors == original.readErrors)
        #expect(clone.addressType == .random)
        let characteristics = try #require(scenario.peripherals.first).services.flatMap(\.characteristics)
        // The write-only value was never read: marked, not invented.
        #expect(characteristics.first { $0.uuid == "2A3F" }?.unread == true)
        #expect(characteristics.first { $0.uuid == "5EC00002-1F2E-4B5A-9C8D-0123456789AB" }?.security == "authenticated")
        #expect(characteristics.flatMap { $0.descriptors ?? [] }.first { $0.uuid == "2904" }?.value == "0EFE2F27010000")
    }
}
