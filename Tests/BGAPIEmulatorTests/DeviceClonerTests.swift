import BGAPICore
import BGAPIEmulator
import Foundation
import Testing

/// The cloner's pure parts: what a recording shows becomes a scenario, and nothing else does.
struct DeviceClonerTests {
    static let target = BluetoothAddress("C4:7C:8D:6A:10:01")!

    static func report(_ ms: Int64, rssi: Int8, type: ScanResponsePacketType = .connectableAdvertisement,
                       from sender: BluetoothAddress = target) throws -> RecordingEntry {
        let e = GAPScanResponseEvent(rssi: rssi, packetType: type, sender: sender, addressType: .public,
                                     bond: BondHandle(rawValue: 0xFF), data: [2, 1, 6, 4, 0x09, 0x48, 0x52, 0x4D])
        return RecordingEntry(time: .milliseconds(ms), content: .packet(.deviceToHost, try e.packet()))
    }

    @Test func intervalAndRSSIAreEstimatedFromWhatWasHeardAndMissedPacketsDoNotCount() throws {
        var cloner = DeviceCloner(target: Self.target)
        // Every ~105 ms (100 ms + advDelay), one packet missed (a 210 ms gap), and another device in between.
        for (i, ms) in [0, 105, 211, 420, 524, 630].enumerated() {
            cloner.observe(try Self.report(Int64(ms), rssi: Int8(-60 - (i % 2) * 4)))
            cloner.observe(try Self.report(Int64(ms + 3), rssi: -90, from: BluetoothAddress("11:22:33:44:55:66")!))
        }
        let world = try cloner.scenario()
        let p = try #require(world.peripherals.first)
        #expect(abs(p.advertisingIntervalMs - 100) <= 1.5)
        #expect(p.rssi.mean == -62)
        #expect(p.advertising.raw == "02010604094852 4D".replacingOccurrences(of: " ", with: ""))
        #expect(p.id == "hrm")
        #expect(p.standardServices)   // no discovery seen: nothing to copy
        #expect(world.notes?.contains { $0.contains("no GATT discovery") } == true)
        // The clone loads.
        _ = try DongleModel(scenario: world, timing: .instant)
    }

    @Test func aDeviceTheRecordingNeverShowsIsATypedError() throws {
        var cloner = DeviceCloner(target: Self.target)
        cloner.observe(try Self.report(0, rssi: -50, from: BluetoothAddress("11:22:33:44:55:66")!))
        #expect(throws: ScenarioError.self) { try cloner.scenario() }
    }

    @Test func explicitHandlesMustIncreaseAndEndHandlesCoverTheirService() throws {
        func world(_ services: String) throws -> Scenario {
            try Scenario.decode(json: Data("""
            { "peripherals": [ { "id": "x", "address": "C4:7C:8D:6A:10:01", "standardServices": false, "services": \(services) } ] }
            """.utf8))
        }
        let backwards = try world(#"[ { "uuid": "180F", "handle": 8 }, { "uuid": "180A", "handle": 5 } ]"#)
        #expect(throws: ScenarioError.self) { try DongleModel(scenario: backwards, timing: .instant) }
        let short = try world(#"[ { "uuid": "180F", "handle": 8, "endHandle": 8, "characteristics": [ { "uuid": "2A19" } ] } ]"#)
        #expect(throws: ScenarioError.self) { try DongleModel(scenario: short, timing: .instant) }
        let gaps = try world(#"[ { "uuid": "180F", "handle": 8, "endHandle": 40, "characteristics": [ { "uuid": "2A19", "handle": 20, "valueHandle": 30 } ] } ]"#)
        _ = try DongleModel(scenario: gaps, timing: .instant)
    }
}
