import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import BGAPITransport
import Foundation
import Synchronization

/// The virtual BLED112 on a real pty, on a manual clock the backend under test shares, with a fault armed to
/// strike the moment a chosen command reaches the dongle (before the dongle handles it): "mid-call" exactly,
/// whatever the threads do. Unplugs and resets bring the dongle back on a new pty when the clock says so.
final class FaultyDongle: Sendable {
    let clock: ManualScheduler
    let runner: EmulatorRunner
    /// The stable path (a symlink, like udev's by-id links) a backend opens.
    let link: String
    /// How many times the dongle has come onto the bus.
    let plugIns = Recorder<Int>()
    /// Every command the dongle received, in order.
    let commands = Recorder<BGAPICommand>()
    private let directory: URL
    private let trace = TraceLines()
    private let armed = Mutex<Armed?>(nil)

    struct Armed: Sendable {
        let when: @Sendable (BGAPICommand) -> Bool
        let fault: Scenario.Fault
    }

    init(scenario: Scenario) throws {
        let clock = ManualScheduler()
        self.clock = clock
        runner = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: .instant), scheduler: clock)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        link = directory.appendingPathComponent("ttyBLED112").path
        // No strong reference to the dongle on the runner's queue: were it the last one, the dongle's deinit
        // would stop the runner with a sync on that very queue (a trap).
        runner.unplugged = { [weak self, link, clock] after in
            try? FileManager.default.removeItem(atPath: link)
            _ = clock.schedule(at: clock.now + after, on: .global()) { [weak self] in try? self?.plugIn() }
        }
        runner.trace = { [trace] t in trace.add("[\(clock.now)] \(t)") }
        try plugIn()
    }

    /// The emulator's last 40 trace lines, for a failure's message.
    var recentTrace: String { trace.text }

    deinit {
        runner.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Arms `fault` to strike when the first command matching `when` arrives.
    func arm(_ fault: Scenario.Fault, when: @escaping @Sendable (BGAPICommand) -> Bool) {
        armed.withLock { $0 = Armed(when: when, fault: fault) }
    }

    /// Whether the armed fault has struck.
    var struck: Bool { armed.withLock { $0 == nil } }

    fileprivate func strike(for command: BGAPICommand) -> Scenario.Fault? {
        commands.add(command)
        return armed.withLock { a in
            guard let armed = a, armed.when(command) else { return nil }
            a = nil
            return armed.fault
        }
    }

    private func plugIn() throws {
        let terminal = try PseudoTerminal()
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: terminal.slavePath)
        runner.serve(TriggerTransport(inner: terminal.master, terminal: terminal, dongle: self))
        plugIns.add(1)
    }
}

/// The pty master as the runner sees it, reading the commands first: an armed fault is injected (queued on the
/// runner's queue) before the bytes carrying its command are handed on, so the dongle handles the command
/// with the fault already in place.
private final class TriggerTransport: ByteTransport, @unchecked Sendable {
    // @unchecked: `decoder` is touched only on the queue the runner starts this transport on.
    private let inner: any ByteTransport
    private let terminal: PseudoTerminal
    private weak var dongle: FaultyDongle?
    private var decoder = BGAPIFrameDecoder(direction: .hostToDevice)

    init(inner: any ByteTransport, terminal: PseudoTerminal, dongle: FaultyDongle) {
        self.inner = inner
        self.terminal = terminal
        self.dongle = dongle
    }

    func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        inner.start(on: queue) { [self] event in
            if case let .received(bytes) = event, let dongle {
                var packets: [BGAPIPacket] = []
                decoder.feed(bytes[...], at: .zero) { if case let .packet(p) = $0 { packets.append(p) } }
                for packet in packets {
                    guard case let .command(command)? = try? BGAPIMessage(decoding: packet, direction: .hostToDevice),
                          let fault = dongle.strike(for: command) else { continue }
                    dongle.runner.inject(fault)
                }
            }
            // Always re-queued, so events keep their order and an injected fault goes first.
            queue.async { handler(event) }
        }
    }

    func write(_ bytes: [UInt8]) throws(TransportError) { try inner.write(bytes) }

    func close() { terminal.close() }
}

/// The emulator's last 40 trace lines, kept apart from the dongle so the trace closure never holds it.
final class TraceLines: Sendable {
    private let lines = Mutex<[String]>([])

    func add(_ line: String) { lines.withLock { $0.append(line); if $0.count > 40 { $0.removeFirst() } } }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
