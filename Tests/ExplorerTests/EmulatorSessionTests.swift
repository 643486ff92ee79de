import BGAPI
import BGAPIEmulator
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import Synchronization
import Testing
import TUI

/// Messages from the backend and blex's effect runner, waiting for the test thread to apply them.
/// Locked with NSLock: ThreadSanitizer sees a pthread mutex, not `Synchronization.Mutex` (futexes inside the
/// uninstrumented standard library), and reported every access under one as a race.
final class Inbox: @unchecked Sendable {
    // @unchecked: `messages` is only touched while `lock` is held.
    private let lock = NSLock()
    private var messages: [Message] = []
    private let arrived = DispatchSemaphore(value: 0)

    func post(_ message: Message) {
        lock.withLock { messages.append(message) }
        arrived.signal()
    }

    func take() -> [Message] { lock.withLock { defer { messages = [] }; return messages } }

    /// Blocks until something is posted or `deadline` passes; false on timeout.
    func wait(until deadline: DispatchTime) -> Bool { arrived.wait(timeout: deadline) == .success }
}

/// The explorer's loop, driven by the test: state lives on the test thread, messages are applied in order.
final class Session {
    var state = ExplorerState()
    let inbox: Inbox
    let runner: EffectRunner

    init(runner: EffectRunner, inbox: Inbox) {
        self.runner = runner
        self.inbox = inbox
    }

    func apply(_ message: Message) { for e in update(&state, message) { runner.run(e) } }

    /// Presses keys, returning the effects they asked for (which are also run).
    @discardableResult
    func press(_ keys: Key...) -> [Effect] {
        var all: [Effect] = []
        for k in keys {
            let effects = update(&state, .key(k))
            all += effects
            for e in effects { runner.run(e) }
        }
        return all
    }

    func type(_ text: String) { for c in text { press(.character(c)) } }

    /// Applies arriving messages until `condition` holds; false once `timeout` passes without it.
    func pump(timeout: Duration = .seconds(10), until condition: (ExplorerState) -> Bool) -> Bool {
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let deadline = DispatchTime.now() + .nanoseconds(Int(nanos))
        while true {
            for m in inbox.take() { apply(m) }
            if condition(state) { return true }
            if !inbox.wait(until: deadline) {
                for m in inbox.take() { apply(m) }
                return condition(state)
            }
        }
    }

    var screen: String { ExplorerView.render(state).text }

    /// A session on the demo world's virtual BLED112 (in memory, instant timing), with blex's own effect
    /// runner reporting into the test's inbox instead of the main queue; call `stop` when done.
    static func onVirtualDongle() throws -> (Session, stop: () -> Void) {
        let emulator = EmulatorRunner(model: try DongleModel(scenario: try Scenario.load("demo"), timing: .instant))
        let port = BGAPIPort.custom(name: "virtual BLED112") { () throws(TransportError) -> any ByteTransport in
            let (host, device) = LoopbackTransport.makePair()
            emulator.serve(device)
            return host
        }
        let backend = BGAPIBackend(port: port)
        let inbox = Inbox()
        backend.setEventHandler { event in if let m = EffectRunner.message(for: event) { inbox.post(m) } }
        try backend.start(reset: true, delayAfterReset: .milliseconds(10))
        let session = Session(runner: EffectRunner(backend: backend) { inbox.post($0) }, inbox: inbox)
        return (session, {
            backend.setEventHandler(nil)
            backend.stop()
            emulator.stop()
        })
    }

    /// Moves the tree selection with `j` (from the top) until it is on `node`.
    func selectTreeRow(_ node: TreeNode, of address: BluetoothAddress) -> Bool {
        press(.character("g"))
        for _ in 0 ..< 64 {
            if state.connections[address]?.selection == node { return true }
            press(.character("j"))
        }
        return state.connections[address]?.selection == node
    }
}

@Suite(.timeLimit(.minutes(1))) struct EmulatorSessionTests {
    @Test func scriptedSessionAgainstTheVirtualDongle() throws {
        let (session, stop) = try Session.onVirtualDongle()
        defer { stop() }
        session.state.simulated = true
        session.state.portName = "virtual BLED112 (demo)"
        session.apply(.resize(width: 120, height: 40))
        for e in initialEffects(session.state) { session.runner.run(e) }

        // Scan until the heart-rate monitor shows up.
        try #require(session.pump { s in s.devices.values.contains { $0.name == "Pulse HRM" } },
                     "no Pulse HRM heard; last error: \(session.state.lastError ?? "none")")
        let hrm = try #require(session.state.devices.values.first { $0.name == "Pulse HRM" }).address
        #expect(session.screen.contains("Pulse HRM"))
        #expect(session.screen.contains("SIMULATED"))
        #expect(session.state.devices[hrm]?.connectable == true)

        // Select it through the filter, then connect (which discovers).
        session.press(.character("/"))
        session.type("pulse")
        session.press(.enter, .character("g"))
        try #require(session.state.selectedDevice == hrm)
        #expect(session.press(.enter) == [.connect(hrm, .public)])
        try #require(session.pump { $0.connections[hrm]?.state == .ready },
                     "no ready connection; last error: \(session.state.lastError ?? "none")")
        let services = try #require(session.state.connections[hrm]).services
        let characteristics = services.flatMap(\.characteristics)
        let measurement = try #require(characteristics.first { $0.uuid.shortValue == 0x2A37 })
        let controlPoint = try #require(characteristics.first { $0.uuid.shortValue == 0x2A39 })
        #expect(session.screen.contains("GATT · Pulse HRM"))
        #expect(session.screen.contains("Heart Rate Measurement"))
        #expect(session.screen.contains("Heart Rate Control Point"))
        #expect(session.screen.contains("1 connected"))

        // Into the tree, onto Heart Rate Measurement, notifications on.
        session.press(.tab)
        #expect(session.state.focus == .details)
        try #require(session.selectTreeRow(.characteristic(measurement.valueHandle), of: hrm))
        #expect(session.press(.character("n")) == [.subscribe(hrm, measurement.valueHandle, indication: false, enable: true)])
        try #require(session.pump { s in
            s.connections[hrm]?.subscriptions[measurement.valueHandle] == false
                && s.log.filter { $0.kind == .notification && $0.handle == measurement.valueHandle }.count >= 2
        }, "fewer than two notifications; last error: \(session.state.lastError ?? "none")")
        let notification = try #require(session.state.log.last { $0.kind == .notification })
        #expect(notification.address == hrm)
        #expect(notification.uuid == BluetoothUUID(0x2A37))
        let logPane = ExplorerLayout(width: 120, height: 40).log
        let logText = ExplorerView.render(session.state).lines[logPane.y ..< logPane.maxY].joined(separator: "\n")
        #expect(logText.contains("bpm"), "the log decodes the heart rate:\n\(logText)")
        #expect(logText.contains("Heart Rate Measurement"))
        #expect(session.screen.contains("Heart Rate Measurement [N]"))

        // The editor on Heart Rate Control Point: 01, Enter.
        try #require(session.selectTreeRow(.characteristic(controlPoint.valueHandle), of: hrm))
        session.press(.character("w"))
        try #require(session.state.editor?.handle == controlPoint.valueHandle)
        #expect(session.screen.contains("Write Heart Rate Control Point"))
        session.type("01")
        #expect(session.press(.enter) == [.write(hrm, controlPoint.valueHandle, [0x01], withResponse: true)])
        try #require(session.pump { s in
            s.editor == nil && s.log.contains { $0.kind == .write && $0.handle == controlPoint.valueHandle }
        }, "no write confirmed; last error: \(session.state.lastError ?? "none")")
        let write = try #require(session.state.log.last { $0.kind == .write })
        #expect(write.value == [0x01] && write.uuid == BluetoothUUID(0x2A39))
        #expect(session.state.lastError == nil)
        #expect(session.screen.contains("wrote 1 byte to \(controlPoint.valueHandle)"))

        // Quit asks first with a connection open; y quits and disconnects.
        #expect(session.press(.character("q")).isEmpty)
        #expect(session.screen.contains("Quit?"))
        #expect(session.press(.character("y")) == [.quit])
        #expect(session.pump { $0.connections[hrm] == nil }, "the quit effect disconnects the device")
    }

    /// `p` pressed quickly: each stop and start reaches the dongle in the order pressed (they used to run on
    /// the concurrent worker, so a start could overtake its stop: `wrong_state`, or the scan left off while
    /// the status line says scanning). Found by the explorer's fault matrix.
    @Test func scanTogglesReachTheDongleInTheOrderPressed() throws {
        let (session, stop) = try Session.onVirtualDongle()
        defer { stop() }
        session.apply(.resize(width: 120, height: 40))
        // Straight after start-up (the first scan still starting), then again and again.
        for e in initialEffects(session.state) { session.runner.run(e) }
        for round in 0 ..< 10 {
            session.press(.character("p"), .character("p"))
            #expect(!session.state.paused)
            // Both done: the dongle scans, as the status line says, and neither failed.
            let heard = session.state.devices.values.map(\.packets).reduce(0, +)
            #expect(session.pump(timeout: .seconds(5)) { s in s.devices.values.map(\.packets).reduce(0, +) > heard + 5 },
                    "round \(round): the dongle scans again")
            #expect(session.state.lastError == nil, "round \(round): \(session.state.lastError ?? "")")
            session.state.lastError = nil
        }
    }
}
