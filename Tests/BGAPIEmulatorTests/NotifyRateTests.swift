import BGAPICore
import Foundation
import Testing
@testable import BGAPIEmulator

/// Notification periods below a millisecond: exact, and a zero period is refused instead of hanging the dongle.
struct NotifyRateTests {
    func world(_ ms: String) throws -> Scenario {
        try Scenario.decode(json: Data("""
        { "name": "rate", "peripherals": [ { "id": "fast", "address": "AA:00:00:00:00:01",
          "services": [ { "uuid": "FFE0", "characteristics": [
            { "uuid": "FFE1", "properties": ["notify"], "value": "00", "notifyIntervalMs": \(ms) } ]}]}]}
        """.utf8))
    }

    @Test func halfAMillisecondGivesTwoThousandPerSecond() throws {
        var h = try Harness(world("0.5"))
        let connected = h.connect("AA:00:00:00:00:01")
        let link = try #require(connected)
        // Handles: 1–5 GAP, 6–9 GATT, 10 service, 11 declaration, 12 value, 13 CCCD.
        _ = h.exchange(.attClientAttributeWrite(.init(connection: link, attHandle: AttributeHandle(13), data: [1, 0])))
        let out = h.advance(by: .seconds(1))
        let notifications = out.filter { if case .event(.attClientAttributeValue) = $0 { true } else { false } }
        #expect((1990 ... 2010).contains(notifications.count))
    }

    @Test func aZeroPeriodIsRefused() throws {
        #expect(throws: ScenarioError.self) { try Harness(world("0")) }
    }
}
