import BGAPI
import BGAPIEmulator
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import Synchronization
import Testing
import TUI

/// `blex replay`: a recording fed through the explorer's own `update`, with time controls (pure).
struct ReplayTests {
    static let recordings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Recordings")
    static let hrm = BluetoothAddress("C4:7C:8D:6A:10:01")!

    static func session(_ name: String) throws -> ReplaySession {
        let recording = try Recording(bytes: Array(try Data(contentsOf: recordings.appendingPathComponent(name))))
        var initial = ExplorerState()
        initial.width = 120
        initial.height = 40
        initial.portName = recording.header.port
        return ReplaySession(events: ReplayTimeline.events(from: recording, start: 1_000_000), initial: initial, start: 1_000_000)
    }

    @Test func aWatchSessionReplaysIntoTheExplorersOwnState() throws {
        var replay = try Self.session("blex-watch.blexrec")
        // Just before the host closes the link (a closed link leaves the explorer, as live).
        let close = try #require(replay.events.first { $0.mark == .disconnect })
        replay.seek(to: close.time - .microseconds(1))
        let s = replay.state
        #expect(s.devices[Self.hrm]?.name == "Pulse HRM")
        // blex watch subscribed and got three notifications.
        let link = try #require(s.connections[Self.hrm])
        #expect(link.services.map(\.uuid.description).contains("180D"))
        let measurement = try #require(link.services.flatMap(\.characteristics).first { $0.uuid == BluetoothUUID(0x2A37) })
        #expect(s.log.filter { $0.kind == .notification && $0.handle == measurement.valueHandle }.count == 3)
        #expect(s.log.contains { $0.kind == .subscribed })
        #expect(s.traffic.packets.count > 30)
        let screen = ExplorerView.render(s).text
        #expect(screen.contains("REPLAY"))
        #expect(screen.contains("Heart Rate Measurement"))
        #expect(!screen.contains("SIMULATED"))
        // Then the host closes it: gone from the explorer, in the log.
        replay.seek(to: replay.duration)
        #expect(replay.state.connections[Self.hrm] == nil)
        #expect(replay.state.log.contains { $0.kind == .disconnected })
    }

    @Test func jumpingBackPlaysAgainFromTheStartToTheSameState() throws {
        var forward = try Self.session("blex-read.blexrec")
        let middle = forward.duration / 2
        forward.seek(to: middle)
        var roundabout = try Self.session("blex-read.blexrec")
        roundabout.seek(to: roundabout.duration)
        roundabout.seek(to: middle)
        #expect(roundabout.position == forward.position)
        #expect(roundabout.state.devices == forward.state.devices)
        #expect(roundabout.state.connections == forward.state.connections)
        #expect(roundabout.state.log == forward.state.log)
    }

    @Test func theClockFollowsSpeedPauseAndStep() throws {
        var replay = try Self.session("blex-read.blexrec")
        replay.advance(realElapsed: .milliseconds(500))
        #expect(replay.time == .milliseconds(500))
        _ = replay.handle(.character("+"))
        _ = replay.handle(.character("+"))
        #expect(replay.speed == 5)
        replay.advance(realElapsed: .milliseconds(100))
        #expect(replay.time == .milliseconds(1000))
        for _ in 0 ..< 20 { _ = replay.handle(.character("-")) }
        #expect(replay.speed == 0.1)
        for _ in 0 ..< 20 { _ = replay.handle(.character("+")) }
        #expect(replay.speed == 100)
        _ = replay.handle(.character(" "))
        #expect(replay.paused)
        replay.advance(realElapsed: .seconds(5))
        #expect(replay.time == .milliseconds(1000))
        let before = replay.position
        _ = replay.handle(.character("."))
        #expect(replay.position == before + 1)
        #expect(replay.state.replay?.contains("paused") == true)
        // ":" then seconds then Enter jumps there.
        for key in [Key.character(":"), .character("2"), .character("."), .character("5"), .enter] { _ = replay.handle(key) }
        #expect(replay.time == .milliseconds(2500))
        #expect(replay.state.replay?.hasPrefix("2.500 / ") == true)
    }

    @Test func nextMarkStopsAtTheNextLostLink() throws {
        var replay = try Self.session("blex-read.blexrec")
        _ = replay.handle(.character("n"))
        let mark = try #require(replay.events[..<replay.position].last)
        #expect(mark.mark == .disconnect)
        #expect(replay.paused)
        if case .disconnected = mark.message {} else { Issue.record("stopped at \(mark.message)") }
    }

    @Test func keysThatWouldTalkToADongleDoNothingButSaySo() throws {
        var replay = try Self.session("blex-read.blexrec")
        replay.seek(to: .milliseconds(1500))
        let before = replay.state.connections
        #expect(replay.handle(.enter) == .handled)            // connect, live
        #expect(replay.state.connections == before)
        #expect(replay.state.notice?.contains("read-only") == true)
        _ = replay.handle(.character("t"))                      // the traffic pane works as live
        #expect(replay.state.showTraffic)
        #expect(replay.handle(.character("q")) == .quit)
    }
}

/// Record a live explorer session, replay it: the replayed explorer ends where the live one did.
@Suite(.timeLimit(.minutes(1))) struct ReplayRoundTripTests {
    @Test func aLiveSessionAndItsReplayReachTheSameState() throws {
        let emulator = EmulatorRunner(model: try DongleModel(scenario: try Scenario.load("demo"), timing: .instant))
        let port = BGAPIPort.custom(name: "virtual BLED112") { () throws(TransportError) -> any ByteTransport in
            let (host, device) = LoopbackTransport.makePair()
            emulator.serve(device)
            return host
        }
        let bytes = Mutex<[UInt8]>([])
        let recorder = try TrafficRecorder(header: RecordingHeader(port: "virtual BLED112"),
                                           sink: { (b: [UInt8]) throws(TransportError) in bytes.withLock { $0 += b } })
        let backend = BGAPIBackend(port: port, recorder: recorder)
        let inbox = Inbox()
        backend.setEventHandler { event in if let m = EffectRunner.message(for: event) { inbox.post(m) } }
        try backend.start(reset: true, delayAfterReset: .milliseconds(10))
        let session = Session(runner: EffectRunner(backend: backend) { inbox.post($0) }, inbox: inbox)
        session.apply(.resize(width: 120, height: 40))
        for e in initialEffects(session.state) { session.runner.run(e) }
        try #require(session.pump { s in s.devices.values.contains { $0.name == "Thermo TH-1" } })
        let thermo = try #require(session.state.devices.values.first { $0.name == "Thermo TH-1" }).address
        session.press(.character("/"))
        session.type("thermo")
        session.press(.enter, .character("g"), .enter)
        try #require(session.pump { $0.connections[thermo]?.state == .ready })
        let link = try #require(session.state.connections[thermo])
        let manufacturer = try #require(link.services.flatMap(\.characteristics).first { $0.uuid == BluetoothUUID(0x2A29) })
        session.press(.tab)
        try #require(session.selectTreeRow(.characteristic(manufacturer.valueHandle), of: thermo))
        session.press(.character("r"))
        try #require(session.pump { $0.connections[thermo]?.values[manufacturer.valueHandle] != nil })
        session.press(.character("d"))
        try #require(session.pump { $0.connections[thermo]?.isLive != true })
        backend.setEventHandler(nil)
        backend.stop()
        emulator.stop()
        recorder.close()
        let live = session.state

        let recording = try Recording(bytes: bytes.withLock { $0 })
        var initial = ExplorerState()
        initial.width = 120
        initial.height = 40
        var replay = ReplaySession(events: ReplayTimeline.events(from: recording, start: 0), initial: initial, start: 0)
        replay.seek(to: replay.duration)
        let replayed = replay.state
        // The devices heard live were heard in the replay, by the same names and address types.
        for (address, device) in live.devices {
            #expect(replayed.devices[address]?.name == device.name)
            #expect(replayed.devices[address]?.addressType == device.addressType)
        }
        // The same link story: services, values read, and the log of everything but advertising.
        #expect(replay.events.contains { if case let .discovered(a, services) = $0.message { a == thermo && services == link.services } else { false } })
        #expect(replayed.connections[thermo] == nil && live.connections[thermo] == nil)   // closed by the user: gone
        #expect(replayed.log.contains { $0.kind == .read && $0.value == Array("Acme Sensors".utf8) })
        let story = { (s: ExplorerState) in s.log.map { "\($0.kind) \($0.handle) \($0.value)" } }
        #expect(story(replayed) == story(live))
    }
}
