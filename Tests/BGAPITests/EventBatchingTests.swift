import BGAPI
import BGAPICore
import BGAPITestSupport
import Testing

/// Events to the handler (issue 13, CPU): a turn's events go to the callback queue as one block, and with a
/// `batchingFor` delay they wait that long (on the backend's clock) and arrive together, in wire order.
@Suite(.serialized) struct EventBatchingTests {
    static func advertisement(_ n: UInt64) -> BGAPIMessage {
        .event(.gapScanResponse(.init(rssi: -50, packetType: .connectableAdvertisement, sender: BluetoothAddress(rawValue: n),
                                      addressType: .public, bond: .none, data: [2, 1, 6])))
    }

    /// A backend on a scripted dongle and a manual clock, and what its handler heard (advertisements' senders).
    static func backend(batching: Duration, times: Recorder<Duration> = Recorder()) throws
        -> (ScriptedDongle, ManualScheduler, BGAPIBackend, Recorder<UInt64>) {
        let dongle = try ScriptedDongle()
        let clock = ManualScheduler()
        let backend = BGAPIBackend(port: .path(dongle.path), scheduler: clock)
        try backend.start(reset: false)
        let heard = Recorder<UInt64>()
        backend.setEventHandler(batchingFor: batching) { event, time in
            if case let .advertisement(r) = event { times.add(time); heard.add(r.address.rawValue) }
        }
        return (dongle, clock, backend, heard)
    }

    @Test func batchedEventsWaitForTheDelayThenArriveTogetherInOrder() throws {
        let times = Recorder<Duration>()
        let (dongle, clock, backend, heard) = try Self.backend(batching: .milliseconds(20), times: times)
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        dongle.send([Self.advertisement(1), Self.advertisement(2)])
        dongle.send([Self.advertisement(3)])
        // The hello's response comes after the advertisements on the wire: once it is back, they were handled.
        _ = try backend.send(SystemHelloCommand())
        #expect(heard.count == 0, "held until the delay has passed on the backend's clock")
        clock.advance(by: .milliseconds(19))
        #expect(heard.count == 0)
        clock.advance(by: .milliseconds(1))
        #expect(heard.wait(for: 3, within: 2))
        #expect(heard.all == [1, 2, 3])
        // The next batch starts its own delay.
        dongle.send([Self.advertisement(4)])
        _ = try backend.send(SystemHelloCommand())
        #expect(heard.count == 3)
        clock.advance(by: .milliseconds(20))
        #expect(heard.wait(for: 4, within: 2))
        #expect(heard.all == [1, 2, 3, 4])
        #expect(times.all == [.zero, .zero, .zero, .milliseconds(20)], "each event carries when it was received, not delivered")
    }

    @Test func withoutADelayEventsArriveWithoutTheClockMoving() throws {
        let (dongle, _, backend, heard) = try Self.backend(batching: .zero)
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        dongle.send([Self.advertisement(1), Self.advertisement(2)])
        #expect(heard.wait(for: 2, within: 2))
        #expect(heard.all == [1, 2])
    }

    @Test func stoppingDeliversWhatWasHeld() throws {
        let (dongle, _, backend, heard) = try Self.backend(batching: .seconds(60))
        defer { withExtendedLifetime(dongle) {} }
        dongle.send([Self.advertisement(7)])
        _ = try backend.send(SystemHelloCommand())
        backend.stop()
        #expect(heard.wait(for: 1, within: 2), "nothing received is lost when the backend stops")
    }
}
