import BGAPI
import BGAPIEmulator
import BGAPITestSupport
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import Synchronization
import Testing
import TUI

/// Issue 13 item 2, reduced to what a user can do: each key that reaches the dongle × every fault of the
/// library's matrix, through the explorer's `update` and blex's real effect runner, against the virtual
/// BLED112 on a real pty on a manual clock. Each cell asserts that the key's outcome shows (what it did, or
/// the error on the status line) within the call's deadline, that no notification already logged is lost,
/// that a link never shows as up when the library has it down, and that the user can go on: once the fault
/// has played out (the dongle back, reopened by blex itself, if it went), the scan shows devices again and a
/// connect and a read of the other device work, by keys.
@Suite(.serialized) struct ExplorerFaultMatrixTests {
    enum Operation: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case scan, connect, read, write, subscribe, bond, disconnect
        var testDescription: String { rawValue }
    }

    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case unplugged, responseLost, responseLate, garbled, peerDisconnects, attError, silentPeer, dongleReset
        var testDescription: String { rawValue }
    }

    static let dev = BluetoothAddress("AA:00:00:00:00:01")!
    static let spare = BluetoothAddress("AA:00:00:00:00:02")!
    static let step = Duration.milliseconds(250)
    static let margin = Duration.milliseconds(500)

    /// The effect runner's deadline for the key's call (the library's defaults): a scan's two commands on the
    /// 2 s command timeout, a connect's 10 s plus its discovery's 30 s, a read's 10 s, a disconnect's 5 s, and
    /// the 30 s ATT timeout for writes, subscriptions and bonding.
    static func deadline(_ op: Operation) -> Duration {
        switch op {
        case .scan: .seconds(4)
        case .connect: .seconds(40)
        case .read: .seconds(10)
        case .disconnect: .seconds(5)
        case .write, .subscribe, .bond: .seconds(30)
        }
    }

    /// The command the fault strikes on: the first of the key's own.
    static func trigger(_ op: Operation) -> @Sendable (BGAPICommand) -> Bool {
        switch op {
        case .scan: { if case .gapDiscover = $0 { true } else { false } }
        case .connect: { if case .gapConnectDirect = $0 { true } else { false } }
        case .read: { if case .attClientReadByHandle = $0 { true } else { false } }
        case .write: { if case .attClientAttributeWrite = $0 { true } else { false } }
        case .subscribe: { if case .attClientAttributeWrite = $0 { true } else { false } }
        case .bond: { if case .smEncryptStart = $0 { true } else { false } }
        case .disconnect: { if case .connectionDisconnect = $0 { true } else { false } }
        }
    }

    static func emulatorFault(_ fault: Fault, _ op: Operation) -> Scenario.Fault {
        let late = (deadline(op) + .seconds(1)).inSeconds
        return switch fault {
        case .unplugged: Scenario.Fault(at: 0, kind: .unplug, seconds: 1)
        case .responseLost: Scenario.Fault(at: 0, kind: .dropResponse)
        case .responseLate: Scenario.Fault(at: 0, kind: .delayResponse, seconds: late)
        case .garbled: Scenario.Fault(at: 0, kind: .garble, count: 12)
        case .peerDisconnects: op == .connect ? Scenario.Fault(at: 0, kind: .connectFailure)
            : Scenario.Fault(at: 0, kind: .disconnect, peripheral: "dev", code: 0x0208)
        case .attError: Scenario.Fault(at: 0, kind: .attError, peripheral: "dev", code: 0x0405)
        case .silentPeer: Scenario.Fault(at: 0, kind: .silence, peripheral: "dev")
        case .dongleReset: Scenario.Fault(at: 0, kind: .reset)
        }
    }

    /// Whether the key must end in an error the user sees (else in what it did), as the library's matrix has it.
    static func fails(_ op: Operation, _ fault: Fault) -> Bool {
        let att: Set<Operation> = [.read, .write, .subscribe]
        switch fault {
        case .unplugged, .dongleReset: return true
        case .responseLost: return ![.connect, .disconnect].contains(op)
        case .responseLate: return true
        case .garbled: return false
        case .peerDisconnects: return ![.scan, .disconnect].contains(op)
        // A connect's discovery is an ATT procedure the error ends: the tree stays empty, the error says why.
        case .attError: return att.contains(op) || op == .connect
        // The peer is silent from the connect on: its discovery times out.
        case .silentPeer: return att.contains(op) || op == .connect
        }
    }

    /// The explorer on a faulty dongle: the state on the test thread, messages applied in order while the
    /// manual clock moves.
    final class Harness {
        let dongle: FaultyDongle
        let backend: BGAPIBackend
        let session: Session
        let started = Date().timeIntervalSince1970

        init() throws {
            dongle = try FaultyDongle(scenario: FaultyDongle.matrixWorld)
            backend = BGAPIBackend(port: .path(dongle.link), scheduler: dongle.clock)
            backend.commandTimeout = .seconds(2)
            let inbox = Inbox()
            let runner = EffectRunner(backend: backend) { inbox.post($0) }
            backend.setEventHandler { event in if let m = runner.message(for: event) { inbox.post(m) } }
            session = Session(runner: runner, inbox: inbox)
            session.state.simulated = true
            session.state.portName = dongle.link
            session.apply(.resize(width: 200, height: 40))
            let up = Recorder<Bool>()
            DispatchQueue.global().async { [backend] in up.add((try? backend.start(reset: false)) != nil) }
            for _ in 0 ..< 40 where !up.wait(for: 1, within: 0.1) { dongle.clock.advance(by: ExplorerFaultMatrixTests.step) }
            guard up.all == [true] else { throw HarnessError("the backend did not start") }
            for e in initialEffects(session.state) { session.runner.run(e) }
        }

        deinit {
            backend.setEventHandler(nil)
            backend.stop()
        }

        /// The explorer's clock: the wall clock plus the manual time that has passed.
        var now: Double { started + (dongle.clock.now.inSeconds) + (Date().timeIntervalSince1970 - started) }

        /// Applies messages and moves the clock (ticking the explorer) until `condition` holds or `limit` of
        /// manual time passes; returns the manual time it took, nil on the limit.
        @discardableResult
        /// `patience` is how long (wall time) each step waits for messages before the clock moves on: long
        /// enough on a loaded machine that I/O under way (a reopen's commands) is not timed out by the step.
        func drive(limit: Duration, step: Duration = ExplorerFaultMatrixTests.step, patience: Int = 100,
                   _ condition: (ExplorerState) -> Bool) -> Duration? {
            let from = dongle.clock.now
            while true {
                for m in session.inbox.take() { session.apply(m) }
                if condition(session.state) { return dongle.clock.now - from }
                // Wait for the I/O under way before time moves on, so a reply is not put at a later time.
                if session.inbox.wait(until: .now() + .milliseconds(patience)) { continue }
                guard dongle.clock.now - from < limit else { return nil }
                dongle.clock.advance(by: step)
                session.apply(.tick(now))
            }
        }

        func connect(_ address: BluetoothAddress, name: String) throws {
            _ = try #require(drive(limit: .seconds(10), patience: 300) { $0.devices[address] != nil }, "\(name) heard")
            session.state.focus = .scan
            session.state.selectedDevice = address
            session.state.selectionMoved = true
            session.press(.enter)
            _ = try #require(drive(limit: .seconds(20), patience: 300) { $0.connections[address]?.state == .ready && $0.connections[address]?.services.isEmpty == false },
                         "\(name) connected and discovered; last error: \(session.state.lastError ?? "none")")
        }

        func characteristic(_ uuid: UInt16, of address: BluetoothAddress) -> GATTCharacteristic? {
            session.state.connections[address]?.services.flatMap(\.characteristics).first { $0.uuid.shortValue == uuid }
        }

        /// Puts the tree selection on a characteristic of `address`, focus on the tree.
        func select(_ uuid: UInt16, of address: BluetoothAddress) throws {
            let c = try #require(characteristic(uuid, of: address))
            session.state.selectedDevice = address
            session.state.focus = .details
            try #require(session.selectTreeRow(.characteristic(c.valueHandle), of: address))
        }

        /// Applies what is still arriving, without moving the clock, until nothing comes for 0.2 s.
        func settle() {
            repeat { for m in session.inbox.take() { session.apply(m) } } while session.inbox.wait(until: .now() + .milliseconds(200))
            for m in session.inbox.take() { session.apply(m) }
        }

        /// Lets `duration` of manual time pass, applying what comes (a fault plays out, a dongle comes back).
        func run(for duration: Duration) { _ = drive(limit: duration, step: .seconds(1)) { _ in false } }

        var statusLine: String { ExplorerView.render(session.state).lines.last ?? "" }
    }

    static let report = Mutex(())

    /// What kind of error the status line shows, for the table.
    static func kind(_ error: String) -> String {
        if error.contains("disconnected") { return "disconnected" }
        if error.contains("0x0185") { return "ATT timeout" }
        if error.contains("no answer within") { return "timeout" }
        if error.contains("0x04") { return "ATT error" }
        return "error"
    }

    struct HarnessError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    @Test(arguments: Operation.allCases, Fault.allCases)
    func cell(_ op: Operation, _ fault: Fault) throws {
        let h = try Harness()
        let counter = BluetoothUUID(0xFFE3)
        if op != .scan, op != .connect {
            try h.connect(Self.dev, name: "Dev")
            try h.select(0xFFE3, of: Self.dev)
            h.session.press(.character("n"))
            _ = try #require(h.drive(limit: .seconds(5)) { s in
                s.log.filter { $0.kind == .notification && $0.uuid == counter }.count >= 2
            }, "notifications before the fault; last error: \(h.session.state.lastError ?? "none")")
        }
        let before = h.session.state.log.filter { $0.kind == .notification && $0.uuid == counter }.map(\.value)
        h.session.state.lastError = nil
        h.dongle.arm(Self.emulatorFault(fault, op), when: Self.trigger(op))

        // The key.
        var done: (ExplorerState) -> Bool
        switch op {
        case .scan:
            h.session.state.focus = .scan
            h.session.press(.character("p"))
            _ = try #require(h.drive(limit: .seconds(5)) { _ in true } != nil)
            h.session.press(.character("p"))
            let heard = h.session.state.devices[Self.dev]?.packets ?? 0
            done = { ($0.devices[Self.dev]?.packets ?? 0) > heard + 2 }
        case .connect:
            _ = try #require(h.drive(limit: .seconds(10)) { $0.devices[Self.dev] != nil }, "Dev heard")
            h.session.state.selectedDevice = Self.dev
            h.session.state.selectionMoved = true
            h.session.press(.enter)
            done = { $0.connections[Self.dev]?.state == .ready && $0.connections[Self.dev]?.services.isEmpty == false }
        case .read:
            try h.select(0xFFE1, of: Self.dev)
            h.session.press(.character("r"))
            done = { $0.log.contains { $0.kind == .read && $0.address == Self.dev } }
        case .write:
            try h.select(0xFFE1, of: Self.dev)
            h.session.press(.character("w"))
            try #require(h.session.state.editor != nil, "the editor opened")
            h.session.type("0102")
            h.session.press(.enter)
            done = { $0.log.contains { $0.kind == .write && $0.address == Self.dev } }
        case .subscribe:
            try h.select(0xFFE5, of: Self.dev)
            h.session.press(.character("n"))
            let handle = try #require(h.characteristic(0xFFE5, of: Self.dev)).valueHandle
            done = { $0.connections[Self.dev]?.subscriptions[handle] != nil }
        case .bond:
            h.session.press(.character("b"))
            done = { $0.devices[Self.dev]?.bonded == true || $0.connections[Self.dev]?.encrypted == true }
        case .disconnect:
            h.session.press(.character("d"))
            done = { $0.connections[Self.dev] == nil }
        }
        // A cell that must fail waits for its error (a scan whose response was lost still hears devices before
        // its call times out); one that must not, for what the key does, or an error that says it failed.
        let fails = Self.fails(op, fault)
        let limit = Self.deadline(op) + Self.margin * 4
        let gone = [.unplugged, .dongleReset].contains(fault)
        let took = h.drive(limit: limit) { s in
            gone ? s.dongleGone != nil : fails ? s.lastError != nil : done(s) || s.lastError != nil
        }
        guard let took else {
            Issue.record("\(op) × \(fault): nothing shown by \(limit) (a hang); \(h.dongle.recentTrace)")
            return
        }
        h.settle()
        let state = h.session.state
        if let path = ProcessInfo.processInfo.environment["BLEX_EXPLORER_MATRIX_REPORT"] {
            // One line per cell for docs/reliability.md (scripts/fault-matrix.sh explorer makes the table).
            let shown = state.dongleGone != nil ? "NO DONGLE" : state.lastError.map(Self.kind) ?? "done"
            let line = "\(op)\t\(fault)\t\(shown)\t\(took.inSeconds)\t\((state.lastError ?? "-").replacingOccurrences(of: "\t", with: " "))\n"
            Self.report.withLock { _ in
                if let handle = FileHandle(forWritingAtPath: path) {
                    handle.seekToEndOfFile(); handle.write(Data(line.utf8)); handle.closeFile()
                } else {
                    _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
                }
            }
        }
        #expect(h.dongle.struck, "the fault struck")
        #expect(took <= Self.deadline(op) + Self.margin, "\(op) × \(fault): shown after \(took)")
        if fails {
            let shown = state.lastError
            let error = try #require(shown, "\(op) × \(fault): an error is shown")
            #expect(h.statusLine.contains(String(error.prefix(40))), "the error is on the status line: \(h.statusLine)")
            if [.unplugged, .dongleReset].contains(fault) { #expect(h.statusLine.contains("NO DONGLE")) }
        } else {
            let happened = done(state)
            #expect(happened, "\(op) × \(fault): did not happen; last error: \(state.lastError ?? "none"); \(h.dongle.recentTrace)")
        }
        // A link the library has down never shows as up.
        let up = Set(h.backend.connectedDevices.filter(\.isConnected).map(\.address))
        for (address, c) in state.connections where c.isLive && c.state != .connecting {
            #expect(up.contains(address), "\(op) × \(fault): \(address) shows as up, but the library has it down")
        }
        // Nothing already logged is lost, and values stay in order. (Exactly once is the library matrix's to
        // check: the emulator's counter can repeat a value when its generator and notify timers share a step.)
        let after = state.log.filter { $0.kind == .notification && $0.uuid == counter }.map(\.value)
        let kept = Array(after.prefix(before.count)) == before
        #expect(kept, "\(op) × \(fault): notifications logged before the fault were lost")
        let numbers = after.map { $0.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        let ordered = zip(numbers, numbers.dropFirst()).allSatisfy { $0 <= $1 }
        #expect(ordered, "\(op) × \(fault): notifications out of order")

        // The user goes on: let the fault play out (blex reopens a dongle that went), then scan, connect the
        // other device and read it.
        h.run(for: fault == .responseLate ? Self.deadline(op) + .seconds(2) : fault == .silentPeer ? .seconds(31) : .seconds(3))
        // blex reopens a dongle that went, once a second, without the user doing anything.
        _ = h.drive(limit: .seconds(10), step: .seconds(1), patience: 500) { $0.dongleGone == nil }
        #expect(h.session.state.dongleGone == nil,
                "the dongle is back: \(h.statusLine); running \(h.backend.isRunning), plugged in \(h.dongle.plugIns.count) times; \(h.dongle.recentTrace)")
        #expect(!h.statusLine.contains("NO DONGLE"))
        if h.session.state.editor != nil { h.session.press(.escape) }
        if h.session.state.paused { h.session.press(.character("p")) }
        h.session.state.lastError = nil
        try h.connect(Self.spare, name: "Spare")
        try h.select(0xFFE1, of: Self.spare)
        h.session.press(.character("r"))
        #expect(h.drive(limit: .seconds(5)) { $0.log.contains { $0.kind == .read && $0.address == Self.spare && $0.value == [0xBE, 0xEF] } } != nil,
                "\(op) × \(fault): the other device reads after the fault; last error: \(h.session.state.lastError ?? "none")")
    }
}
