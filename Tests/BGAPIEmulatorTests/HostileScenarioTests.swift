import BGAPICore
@testable import BGAPIEmulator
import Foundation
import Testing

/// Issue 13: a hostile scenario *file* must be refused at load with one line naming the key, never trap.
@Suite struct HostileScenarioTests {
    /// Loads a world made of one peripheral (with `peripheral` spliced in) and `faults`; returns the refusal.
    func refusal(peripheral: String = "", characteristic: String = "", advertising: String = #""name": "ok""#,
                 faults: String = "") -> String? {
        let json = """
        { "peripherals": [ { "id": "p", "address": "AA:00:00:00:00:01", \(peripheral)
            "advertising": { \(advertising) },
            "services": [ { "uuid": "FFE0", "characteristics": [
              { "uuid": "FFE1", "properties": ["read", "notify"] \(characteristic) } ] } ] } ],
          "faults": [ \(faults) ] }
        """
        do {
            let scenario = try Scenario.decode(json: Data(json.utf8))
            _ = try DongleModel(scenario: scenario)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func expectRefused(_ message: String?, naming key: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(message?.contains(key) == true, "\(message ?? "accepted") should name \(key)", sourceLocation: sourceLocation)
        #expect(message?.contains("\n") == false, "one line", sourceLocation: sourceLocation)
    }

    @Test func aSaneWorldLoads() {
        #expect(refusal(characteristic: #", "notifyIntervalMs": 1000"#, faults: #"{ "at": 5, "kind": "unplug", "seconds": 2 }"#) == nil)
    }

    /// Found by the scenario fuzz target: text from the file (a property, an id) put a newline into the refusal.
    @Test func aRefusalQuotingTheFileStaysOneLine() {
        let message = refusal(faults: #"{ "at": 1, "kind": "unp\nlug" }"#)
        expectRefused(message, naming: "unknown fault kind")
        #expect(message?.contains(#"unp\nlug"#) == true, "the newline shown escaped: \(message ?? "")")
    }

    @Test func hugeNotifyIntervalIsRefused() {
        expectRefused(refusal(characteristic: #", "notifyIntervalMs": 9.3e15"#), naming: "notifyIntervalMs")
    }

    @Test(arguments: ["appearsAt", "leavesAt"])
    func hugePresenceTimesAreRefused(key: String) {
        expectRefused(refusal(peripheral: #""\#(key)": 1.7e20,"#), naming: "peripherals[0] (p).\(key)")
    }

    @Test func hugeFaultTimeIsRefused() {
        expectRefused(refusal(faults: #"{ "at": 1.7e20, "kind": "dropResponse" }"#), naming: "faults[0].at")
    }

    @Test(arguments: ["unplug", "delayResponse", "lateCompletion"])
    func hugeFaultDurationsAreRefused(kind: String) {
        expectRefused(refusal(faults: #"{ "at": 1, "kind": "\#(kind)", "seconds": 1e300 }"#), naming: "faults[0].seconds")
    }

    @Test func aTwoBillionByteGarbleIsRefused() {
        expectRefused(refusal(faults: #"{ "at": 1, "kind": "garble", "count": 2000000000 }"#), naming: "faults[0].count")
    }

    @Test(arguments: [255, 300, 30])
    func overlongAdvertisingNamesAreRefusedNotTrapped(length: Int) {
        let name = String(repeating: "n", count: length)
        expectRefused(refusal(advertising: #""name": "\#(name)""#), naming: "advertising.name")
    }

    @Test(arguments: ["center", "step", "amplitude", "periodMs"])
    func hugeGeneratorNumbersAreRefused(key: String) {
        let generator = #", "generator": { "kind": "counter", "\#(key)": 1e300 }"#
        expectRefused(refusal(characteristic: generator), naming: "generator.\(key)")
    }

    @Test func aMisspelledGeneratorKindIsRefused() {
        expectRefused(refusal(characteristic: #", "generator": { "kind": "countr" }"#), naming: "generator.kind")
    }

    @Test func aMisspelledFaultKindIsRefusedAtDecodeNamingTheKey() {
        let message = refusal(faults: #"{ "at": 1, "kind": "unplugg" }"#)
        expectRefused(message, naming: "faults[0].kind")
        #expect(message?.contains("unknown fault kind 'unplugg'") == true)
    }

    @Test func aMisspelledTransportIsRefused() {
        #expect(throws: ScenarioError.self) { _ = try Scenario.decode(json: Data(#"{ "dongle": { "transport": "usbb" } }"#.utf8)) }
    }

    /// The largest allowed generator numbers, read late in the world's life, give values and do not trap.
    @Test func extremeButAllowedGeneratorsReadSafelyLate() throws {
        let json = """
        { "peripherals": [ { "id": "p", "address": "AA:00:00:00:00:01", "advertising": { "name": "p" },
            "services": [ { "uuid": "FFE0", "characteristics": [
              { "uuid": "FFE1", "generator": { "kind": "counter", "periodMs": 0.1, "step": 1e9, "width": 4 } },
              { "uuid": "FFE2", "generator": { "kind": "sine", "periodMs": 0.1, "center": 1e6, "amplitude": 1e6 } },
              { "uuid": "FFE3", "generator": { "kind": "heartRate", "periodMs": 0.1, "center": -1e6, "amplitude": 1e6 } },
              { "uuid": "FFE4", "generator": { "kind": "battery", "periodMs": 0.1, "step": -1e9 } } ] } ] } ] }
        """
        var h = try Harness(try Scenario.decode(json: Data(json.utf8)))
        let cFound = h.connect("AA:00:00:00:00:01")
        let c = try #require(cFound)
        _ = h.advance(by: .seconds(900_000_000))
        for handle: UInt16 in [12, 14, 16, 18] {
            let out = h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(handle))))
            #expect(out.values.count == 1, "handle \(handle)")
        }
    }

    /// A fault injected directly with out-of-range numbers is ignored, not run (no 2 GB garble, no trap).
    @Test func injectedFaultsOutsideTheLimitsAreIgnored() throws {
        var h = try Harness()
        #expect(h.model.inject(Scenario.Fault(at: 0, kind: .garble, count: 2_000_000_000), at: h.now).isEmpty)
        #expect(h.model.inject(Scenario.Fault(at: 0, kind: .unplug, seconds: 1e300), at: h.now).isEmpty)
        #expect(h.send(.systemHello(.init())) == [.response(.systemHello(.init()))])
    }

    @Test func faultsNamedByStringMapToKindsOrNil() {
        #expect(Scenario.Fault(at: 0, kind: "unplug")?.kind == .unplug)
        #expect(Scenario.Fault(at: 0, kind: "explode") == nil)
    }
}
