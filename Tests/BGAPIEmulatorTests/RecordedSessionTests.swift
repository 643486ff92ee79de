import BGAPICore
import BGAPIEmulator
import Foundation
import Testing

/// The recorded sessions in Tests/Recordings (blex and pygatt 5.0.0 against the demo world, made by
/// scripts/record-sessions.sh) guard the emulator: replayed into today's demo, every answer must be the same.
struct RecordedSessionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Recordings")
    static let files = ["blex-read.blexrec", "blex-watch.blexrec", "blex-write-long.blexrec", "pygatt-demo.blexrec"]

    static func load(_ name: String) throws -> Recording {
        try Recording(bytes: Array(try Data(contentsOf: directory.appendingPathComponent(name))))
    }

    @Test(arguments: files)
    func theDemoWorldStillAnswersAsRecorded(_ name: String) throws {
        let recording = try Self.load(name)
        #expect(recording.damage == nil)
        let outcome = SessionCheck(recording: recording).run(on: try DongleModel(scenario: try Scenario.load("demo"), timing: .instant))
        #expect(outcome.matches, "\(outcome.difference.map { "\($0)" } ?? "") missing: \(outcome.missingAdvertisements + outcome.missingNotifications)")
        #expect(outcome.commands >= 15)
        #expect(outcome.compared >= 40)
    }

    @Test func aChangedValueIsReportedAtTheReadWithItsContext() throws {
        var world = try Scenario.load("demo")
        let thermo = try #require(world.peripherals.firstIndex { $0.id == "thermo" })
        let dis = try #require(world.peripherals[thermo].services.firstIndex { $0.uuid == "180A" })
        world.peripherals[thermo].services[dis].characteristics[0].text = "Acme Sensorz"
        let outcome = SessionCheck(recording: try Self.load("blex-read.blexrec")).run(on: try DongleModel(scenario: world, timing: .instant))
        let difference = try #require(outcome.difference)
        #expect(difference.expected?.contains("attclient_attribute_value") == true)
        #expect(difference.expected?.contains("41636D652053656E736F7273") == true || difference.expected?.contains("41 63 6D 65") == true)
        #expect(difference.actual?.contains("attclient_attribute_value") == true)
        #expect(difference.context.last?.contains("attclient_read") == true)
        #expect(!outcome.matches)
    }

    @Test func aDifferentDatabaseIsReportedDuringDiscovery() throws {
        var world = try Scenario.load("demo")
        let hrm = try #require(world.peripherals.firstIndex { $0.id == "hrm" })
        world.peripherals[hrm].services[0].characteristics.append(Scenario.Characteristic(uuid: "2A3F"))
        let outcome = SessionCheck(recording: try Self.load("blex-watch.blexrec")).run(on: try DongleModel(scenario: world, timing: .instant))
        #expect(!outcome.matches)
        #expect(outcome.difference != nil)
    }

    @Test func aTruncatedRecordingChecksWhatItHas() throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent("blex-read.blexrec")))
        let cut = try Recording(bytes: Array(bytes.prefix(bytes.count - 7)))
        #expect(cut.damage != nil)
        let outcome = SessionCheck(recording: cut).run(on: try DongleModel(scenario: try Scenario.load("demo"), timing: .instant))
        // The replay may say more than the cut file holds; nothing before the cut differs.
        if let difference = outcome.difference { #expect(difference.expected == nil) }
        #expect(outcome.missingAdvertisements.isEmpty)
    }
}
