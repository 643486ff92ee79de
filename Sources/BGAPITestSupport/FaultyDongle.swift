import BGAPICore
import BGAPIEmulator
import BGAPITransport
import Foundation
import Synchronization

/// The virtual BLED112 on a real pty, on a manual clock the backend under test shares, with a fault armed to
/// strike the moment a chosen command reaches the dongle (before the dongle handles it): "mid-call" exactly,
/// whatever the threads do. Unplugs and resets bring the dongle back on a new pty when the clock says so.
/// The fault matrices (library and explorer) run on it; so can a user's own tests of their failure paths.
public final class FaultyDongle: Sendable {
    /// The manual clock the emulator runs on; give it to the backend under test too.
    public let clock: ManualScheduler
    /// The emulator behind the pty.
    public let runner: EmulatorRunner
    /// The stable path (a symlink, like udev's by-id links) a backend opens.
    public let link: String
    /// How many times the dongle has come onto the bus.
    public let plugIns = Recorder<Int>()
    /// Every command the dongle received, in order.
    public let commands = Recorder<BGAPICommand>()
    private let directory: URL
    private let trace = TraceLines()
    private let armed = Mutex<Armed?>(nil)

    struct Armed: Sendable {
        let when: @Sendable (BGAPICommand) -> Bool
        let fault: Scenario.Fault
    }

    /// The virtual BLED112 running `scenario` (instant timing) on a new pty behind ``link``.
    public init(scenario: Scenario) throws {
        let clock = ManualScheduler()
        self.clock = clock
        runner = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: .instant), scheduler: clock)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        link = directory.appendingPathComponent("ttyBLED112").path
        // No strong reference to the dongle on the runner's queue: were it the last one, the dongle's deinit
        // would stop the runner from that very queue.
        runner.unplugged = { [weak self, link, clock] after in
            try? FileManager.default.removeItem(atPath: link)
            _ = clock.schedule(at: clock.now + after, on: .global()) { [weak self] in try? self?.plugIn() }
        }
        runner.trace = { [trace] t in trace.add("[\(clock.now)] \(t)") }
        try plugIn()
    }

    /// The fault matrices' world: "Dev" (AA:00:00:00:00:01) with a short value FFE1, a long one FFE2, a counter
    /// FFE3 notifying every 100 ms, a write-without-response FFE4 and a notify-only FFE5; and "Spare"
    /// (AA:00:00:00:00:02), whose FFE1 reads BEEF, to show the backend still works after a fault.
    public static let matrixWorld = try! Scenario.decode(json: Data("""
    { "name": "fault matrix", "seed": 3, "peripherals": [
      { "id": "dev", "address": "AA:00:00:00:00:01", "advertisingIntervalMs": 100,
        "advertising": { "flags": 6, "name": "Dev" },
        "services": [ { "uuid": "FFE0", "characteristics": [
          { "uuid": "FFE1", "properties": ["read", "write"], "value": "CAFE" },
          { "uuid": "FFE2", "properties": ["read", "write"], "maxLength": 200,
            "text": "A value longer than one ATT read: forty, fifty, sixty bytes." },
          { "uuid": "FFE3", "properties": ["notify"], "value": "00000000",
            "generator": { "kind": "counter", "periodMs": 100, "step": 1, "width": 4 }, "notifyIntervalMs": 100 },
          { "uuid": "FFE4", "properties": ["writeWithoutResponse"], "value": "00" },
          { "uuid": "FFE5", "properties": ["notify"], "value": "01" } ] } ] },
      { "id": "spare", "address": "AA:00:00:00:00:02", "advertisingIntervalMs": 100,
        "advertising": { "flags": 6, "name": "Spare" },
        "services": [ { "uuid": "FFE0", "characteristics": [
          { "uuid": "FFE1", "properties": ["read"], "value": "BEEF" } ] } ] }
    ] }
    """.utf8))

    /// The emulator's last 40 trace lines, for a failure's message.
    public var recentTrace: String { trace.text }

    deinit {
        runner.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Arms `fault` to strike when the first command matching `when` arrives.
    public func arm(_ fault: Scenario.Fault, when: @escaping @Sendable (BGAPICommand) -> Bool) {
        armed.withLock { $0 = Armed(when: when, fault: fault) }
    }

    /// Whether the armed fault has struck.
    public var struck: Bool { armed.withLock { $0 == nil } }

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
