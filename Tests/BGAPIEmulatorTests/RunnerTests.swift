import BGAPICore
import BGAPIEmulator
import BGAPITransport
import Dispatch
import Foundation
import Synchronization
import Testing

/// A host end for tests: frames what the emulator sends and waits (with a deadline, no sleeping) for messages.
final class TestHost: Sendable {
    private let messages = Mutex<[BGAPIMessage]>([])
    private let closed = Mutex(false)
    private let decoder = Mutex(BGAPIFrameDecoder(direction: .deviceToHost))
    private let signal = DispatchSemaphore(value: 0)
    let transport: any ByteTransport

    init(_ transport: any ByteTransport) {
        self.transport = transport
        transport.start(on: DispatchQueue(label: "test-host")) { [self] event in
            switch event {
            case let .received(bytes):
                let packets = decoder.withLock { $0.feed(bytes, at: .zero) }
                for case let .packet(p) in packets {
                    if let m = try? BGAPIMessage(decoding: p, direction: .deviceToHost) { messages.withLock { $0.append(m) } }
                }
            case .closed:
                closed.withLock { $0 = true }
            }
            signal.signal()
        }
    }

    func send(_ command: BGAPICommand) throws { try transport.write(command.encodedBytes()) }
    func sendRaw(_ bytes: [UInt8]) throws { try transport.write(bytes) }
    var received: [BGAPIMessage] { messages.withLock { $0 } }
    var isClosed: Bool { closed.withLock { $0 } }

    @discardableResult
    func wait(seconds: Double = 5, until condition: ([BGAPIMessage]) -> Bool) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while !condition(received) {
            if signal.wait(timeout: deadline) == .timedOut { return condition(received) }
        }
        return true
    }

    func waitClosed(seconds: Double = 5) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while !isClosed { if signal.wait(timeout: deadline) == .timedOut { return isClosed } }
        return true
    }
}

@Suite(.serialized) struct RunnerTests {
    func runner(timing: EmulatorTiming = .instant) throws -> EmulatorRunner {
        EmulatorRunner(model: try DongleModel(scenario: try Scenario.load("demo"), timing: timing))
    }

    @Test func aReplacedPortsCloseNeverEndsThePortThatReplacedIt() throws {
        let runner = try runner()
        defer { runner.stop() }
        // The host reopens after a reset: the old port's close arrives after the new one is served.
        let (dongleA, hostA) = LoopbackTransport.makePair()
        let first = TestHost(hostA)
        runner.serve(dongleA)
        let (dongleB, hostB) = LoopbackTransport.makePair()
        let second = TestHost(hostB)
        runner.serve(dongleB)
        hostA.close()
        #expect(first.waitClosed())
        try second.send(.systemHello(.init()))
        #expect(second.wait { $0.contains(.response(.systemHello(.init()))) }, "the new port still answers")
    }

    @Test func inMemoryTransportAnswersCommandsAndStreamsScanReports() throws {
        let (dongleEnd, hostEnd) = LoopbackTransport.makePair()
        let r = try runner()
        r.serve(dongleEnd)
        let host = TestHost(hostEnd)
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.response(.systemHello(.init()))) })
        try host.send(.gapDiscover(.init(mode: .observation)))
        #expect(host.wait { m in m.filter { if case .event(.gapScanResponse) = $0 { true } else { false } }.count >= 10 })
        try host.send(.gapEndProcedure(.init()))
        #expect(host.wait { $0.contains(.response(.gapEndProcedure(.init(result: .success)))) })
        r.stop()
    }

    /// The last owner of a runner can let go of it from one of its callbacks (a test's fault dongle did,
    /// from `trace`): stopping it there must not wait on the queue it is running on.
    @Test func stoppingFromTheRunnersOwnCallbackDoesNotDeadlock() throws {
        let (dongleEnd, hostEnd) = LoopbackTransport.makePair()
        let r = try runner()
        let stopped = DispatchSemaphore(value: 0)
        let once = Mutex(false)
        r.trace = { _ in
            guard once.withLock({ s in defer { s = true }; return !s }) else { return }
            r.stop()
            stopped.signal()
        }
        r.serve(dongleEnd)
        let host = TestHost(hostEnd)
        try host.send(.systemHello(.init()))
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(host.wait { _ in host.isClosed }, "stopping closed the port")
    }

    @Test func realPtyCarriesTheSameExchangeAndReportsGarbageAndPartialCommands() throws {
        let pty = try PseudoTerminal()
        let r = try runner()
        r.serve(pty.master)
        let host = TestHost(try SerialPort.open(path: pty.slavePath))
        try host.send(.systemGetInfo(.init()))
        #expect(host.wait { $0.contains { if case .response(.systemGetInfo) = $0 { true } else { false } } })
        // Garbage: the parser drops it and says so; the next command is still answered.
        try host.sendRaw([0xFF, 0x7E, 0x41])
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.event(.systemProtocolError(.init(reason: .invalidCommand)))) && $0.contains(.response(.systemHello(.init()))) })
        // A partial command is dropped after the 1 s parser timeout, reported as a timeout.
        try host.sendRaw([0x00, 0x01, 0x06])
        #expect(host.wait(seconds: 4) { $0.contains(.event(.systemProtocolError(.init(reason: .timeout)))) })
        r.stop()
        pty.close()
    }

    @Test func unplugClosesThePortAndAsksForANewOne() throws {
        let pty = try PseudoTerminal()
        let r = try runner()
        let asked = Mutex<Duration?>(nil)
        r.unplugged = { after in asked.withLock { $0 = after } }
        r.serve(pty.master)
        let host = TestHost(try SerialPort.open(path: pty.slavePath))
        r.inject(Scenario.Fault(at: 0, kind: .unplug, seconds: 0.5))
        #expect(host.waitClosed(), "the host must see the dongle vanish")
        #expect(asked.withLock { $0 } == .milliseconds(500))
        // Re-plugged as a new port: the dongle answers there, bonds intact.
        let second = try PseudoTerminal()
        r.serve(second.master)
        let host2 = TestHost(try SerialPort.open(path: second.slavePath))
        try host2.send(.systemHello(.init()))
        #expect(host2.wait { $0.contains(.response(.systemHello(.init()))) })
        r.stop()
        second.close()
    }

    /// Issue 13 (fault matrix): a dongle that has left the bus handles nothing more, not even the rest of the
    /// bytes it was reading when it reset; a connect after the reset used to bring a link up in the dead
    /// dongle, which then kept that peripheral "connected" (silent) after the replug.
    @Test func commandsThatReachADongleOffTheBusAreNotHandled() throws {
        let (dongleEnd, hostEnd) = LoopbackTransport.makePair()
        let r = try runner()
        let gone = DispatchSemaphore(value: 0)
        r.unplugged = { _ in gone.signal() }
        let traced = Mutex<[EmulatorTrace]>([])
        r.trace = { t in traced.withLock { $0.append(t) } }
        r.serve(dongleEnd)
        let host = TestHost(hostEnd)
        let hrm = BluetoothAddress("C4:7C:8D:6A:10:01")!
        try host.sendRaw(try BGAPICommand.systemReset(.init(bootInDFU: false)).encodedBytes()
            + BGAPICommand.gapConnectDirect(.init(address: hrm, addressType: .public, connIntervalMin: 6, connIntervalMax: 12,
                                                  timeout: 100, latency: 0)).encodedBytes())
        #expect(gone.wait(timeout: .now() + 5) == .success)
        _ = r.persistentState   // a barrier: the runner's queue has handled the bytes
        let handled = traced.withLock { $0 }.filter { if case .received(.command(.gapConnectDirect)) = $0 { true } else { false } }
        #expect(handled.isEmpty, "the connect reached a dongle that had left the bus")
        r.stop()
    }

    /// Issue 13 (fault matrix): the old port's close can be delivered after the new port is served (with
    /// `--fast` the new pty comes at once); it must not take the new port down, nor its bytes reach the dongle.
    @Test func aReplacedPortsLateEventsNeverTouchTheNewOne() throws {
        let r = try runner()
        let old = HeldTransport()
        r.serve(old)
        let (dongleEnd, hostEnd) = LoopbackTransport.makePair()
        r.serve(dongleEnd)
        let host = TestHost(hostEnd)
        _ = r.persistentState   // a barrier: both serves have run
        old.deliver(.received(try BGAPICommand.systemReset(.init(bootInDFU: false)).encodedBytes()))
        old.deliver(.closed(nil))
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.response(.systemHello(.init()))) }, "the new port still answers")
        r.stop()
    }

    /// Reference §1.3: after `system_reset` a BLED112 drops off USB and re-enumerates, maybe under a new name;
    /// the pty closes, a new one appears and the link follows it, as pygatt's and blex's reopen expect.
    @Test func aBLED112ResetDropsThePortAndComesBackBehindTheLink() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-reset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyBLED112").path
        let r = try runner(timing: EmulatorTiming(attRoundTrip: .zero, connectionSetup: .zero, pairing: .zero,
                                                 usbReenumeration: .milliseconds(200)))
        let paths = Mutex<[String]>([])
        let plugged = DispatchSemaphore(value: 0)
        let port = EmulatorPort(link: link)
        try port.attach(r) { path in paths.withLock { $0.append(path) }; plugged.signal() }
        #expect(plugged.wait(timeout: .now() + 5) == .success)
        let host = TestHost(try SerialPort.open(path: link))
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.response(.systemHello(.init()))) })
        try host.send(.systemReset(.init(bootInDFU: false)))
        #expect(host.waitClosed(), "the host must see the dongle drop off USB")
        #expect(plugged.wait(timeout: .now() + 5) == .success, "and come back")
        let seen = paths.withLock { $0 }
        #expect(seen.count == 2, "a new pty (the kernel may reuse the number): \(seen)")
        let host2 = TestHost(try SerialPort.open(path: link))
        try host2.send(.systemGetConnections(.init()))
        #expect(host2.wait { m in m.filter { if case .event(.connectionStatus) = $0 { true } else { false } }.count == 3 })
        #expect(!host2.received.contains { if case .event(.systemBoot) = $0 { true } else { false } }, "no system_boot over USB")
        r.stop()
        port.close()
        #expect(!FileManager.default.fileExists(atPath: link))
    }

    /// Reference §4.2: a UART module keeps its port over a reset and announces itself with `system_boot`.
    @Test func aUARTModuleResetKeepsThePortAndSendsSystemBoot() throws {
        var scenario = try Scenario.load("demo")
        scenario.dongle.transport = .uart
        let r = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: .instant))
        let pty = try PseudoTerminal()
        r.unplugged = { _ in Issue.record("a UART module never leaves the bus") }
        r.serve(pty.master)
        let host = TestHost(try SerialPort.open(path: pty.slavePath))
        try host.send(.systemReset(.init(bootInDFU: false)))
        #expect(host.wait { $0.contains { if case .event(.systemBoot) = $0 { true } else { false } } })
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.response(.systemHello(.init()))) })
        #expect(!host.isClosed)
        r.stop()
        pty.close()
    }

    /// Without an `unplugged` handler nothing could bring a new port, so a reset keeps the one it has
    /// (how in-process users that reopen their own transport, and older tests, keep working).
    @Test func withoutAReplugHandlerAResetKeepsThePort() throws {
        let pty = try PseudoTerminal()
        let r = try runner()
        r.serve(pty.master)
        let host = TestHost(try SerialPort.open(path: pty.slavePath))
        try host.send(.systemReset(.init(bootInDFU: false)))
        try host.send(.systemHello(.init()))
        #expect(host.wait { $0.contains(.response(.systemHello(.init()))) })
        r.stop()
        pty.close()
    }

    @Test func stateFileRoundTripsAndIsPrivate() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("blex-state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var state = DonglePersistentState()
        state.bonds = [.init(address: "D0:5F:B8:22:33:02", addressType: 0, mitm: false), nil]
        state.psKeys = ["8001": [1, 2, 3]]
        try state.save(path: path)
        try state.save(path: path) // replacing keeps the permissions
        #expect(try DonglePersistentState.load(path: path) == state)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ScenarioError.self) { _ = try DonglePersistentState.load(path: path) }
    }
}

/// A transport whose events the test delivers by hand, whenever it likes (late, after it was replaced).
final class HeldTransport: ByteTransport, @unchecked Sendable {
    // @unchecked: `handler` and `queue` are set once by `start`, before any `deliver`.
    private var handler: (@Sendable (TransportEvent) -> Void)?
    private var queue: DispatchQueue?
    func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        self.queue = queue
        self.handler = handler
    }
    func write(_ bytes: [UInt8]) throws(TransportError) {}
    func close() {}
    func deliver(_ event: TransportEvent) {
        let handler = handler
        queue?.sync { handler?(event) }
    }
}
