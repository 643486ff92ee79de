import BGAPICore
import BGAPIEmulator
import BGAPITransport
import Foundation
import Testing

/// The simulated world's pace under the user's hand (the explorer's F p / F f / F j): paused, ×10, ahead.
@Suite(.serialized) struct WorldClockTests {
    static let hrm = BluetoothAddress("C4:7C:8D:6A:10:01")!

    static func scanning() throws -> (EmulatorRunner, TestHost) {
        let runner = EmulatorRunner(model: try DongleModel(scenario: try Scenario.load("demo"), timing: .instant))
        let (dongleEnd, hostEnd) = LoopbackTransport.makePair()
        runner.serve(dongleEnd)
        let host = TestHost(hostEnd)
        try host.send(.gapDiscover(.init(mode: .observation)))
        return (runner, host)
    }

    static func hrmReports(_ messages: [BGAPIMessage]) -> Int {
        messages.filter { if case let .event(.gapScanResponse(e)) = $0 { e.sender == hrm } else { false } }.count
    }

    @Test func aPausedWorldJumpedTenSecondsAheadAdvertisesThoseTenSecondsAtOnce() throws {
        let (runner, host) = try Self.scanning()
        defer { runner.stop() }
        runner.setWorldRate(0)
        #expect(runner.worldRate == 0)
        let before = Self.hrmReports(host.received)
        runner.advanceWorld(by: .seconds(10))
        // The demo HRM advertises every 100 ms (+ up to 10 ms advDelay), with a scan response each time:
        // ten seconds hold well over 100 of its packets, delivered at once although the world stands still.
        #expect(host.wait(seconds: 2) { Self.hrmReports($0) - before >= 150 })
    }

    @Test func aWorldAtTenTimesAdvertisesFasterThanRealTime() throws {
        let (runner, host) = try Self.scanning()
        defer { runner.stop() }
        runner.setWorldRate(10)
        // 4 s of world time (≈ 70 HRM packets) in well under 4 s of real time.
        let start = ContinuousClock.now
        #expect(host.wait(seconds: 3) { Self.hrmReports($0) >= 70 })
        #expect(ContinuousClock.now - start < .seconds(3))
        runner.setWorldRate(1)
        #expect(runner.worldRate == 1)
    }
}
