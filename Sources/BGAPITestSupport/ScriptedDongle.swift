import BGAPICore
import BGAPITransport
import Dispatch
import Synchronization

/// A dongle a test plays by hand on a real pty: it decodes every command the host writes, answers the
/// start-up sequence by itself, and lets the test answer the rest — with bursts of its choosing, so
/// "a status and a disconnect in the same read" is one `write`.
public final class ScriptedDongle: Sendable {
    /// What to answer a command with: bursts of messages, each burst written at once (`nil`: the default answer).
    public typealias Responder = @Sendable (BGAPICommand) -> [[BGAPIMessage]]?

    private let pty: PseudoTerminal
    private let queue = DispatchQueue(label: "blex.scripted-dongle")
    private let state = Mutex(State())
    private let arrived = DispatchSemaphore(value: 0)
    private struct State: Sendable {
        var decoder = BGAPIFrameDecoder(configuration: .init(direction: .hostToDevice))
        var commands: [BGAPICommand] = []
        var responder: Responder?
    }

    /// The path a backend opens.
    public var path: String { pty.slavePath }

    /// A dongle on a new pty.
    public init() throws(TransportError) {
        pty = try PseudoTerminal()
        pty.master.start(on: queue) { [weak self] event in
            guard let self, case let .received(bytes) = event else { return }
            self.received(bytes)
        }
    }

    deinit { pty.close() }

    /// Closes the pty, as a dongle leaving the bus: the host's port sees it vanish.
    public func unplug() { pty.close() }

    /// Sets how commands are answered from now on.
    public func respond(with responder: Responder?) { state.withLock { $0.responder = responder } }

    /// Writes the messages in one go (one read burst for the host, as far as the pty keeps them together).
    public func send(_ burst: [BGAPIMessage]) {
        let bytes = burst.flatMap { (try? $0.encodedBytes()) ?? [] }
        queue.async { [pty] in try? pty.master.write(bytes) }
    }

    /// Every command received so far, in order.
    public var commands: [BGAPICommand] { state.withLock { $0.commands } }

    /// Waits until a command matching `predicate` has arrived (or `limit` passes); returns it.
    public func waitFor(within limit: Duration = .seconds(5), _ predicate: (BGAPICommand) -> Bool) -> BGAPICommand? {
        let end = DispatchTime.now() + .nanoseconds(Int(clamping: limit.wholeNanoseconds))
        while true {
            // The predicate runs outside the lock: it may look at `commands` itself.
            if let found = commands.first(where: predicate) { return found }
            if arrived.wait(timeout: end) == .timedOut { return commands.first(where: predicate) }
        }
    }

    /// The same wait from async code: it blocks a dispatch thread, never a Swift concurrency one.
    public func waitFor(within limit: Duration = .seconds(5),
                        _ predicate: @escaping @Sendable (BGAPICommand) -> Bool) async -> BGAPICommand? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.waitFor(within: limit, predicate)) }
        }
    }

    private func received(_ bytes: [UInt8]) {
        var packets: [BGAPIPacket] = []
        state.withLock { s in s.decoder.feed(bytes[...], at: .zero) { if case let .packet(p) = $0 { packets.append(p) } } }
        for packet in packets {
            guard case let .command(command)? = try? BGAPIMessage(decoding: packet, direction: .hostToDevice) else { continue }
            let responder = state.withLock { $0.responder }
            let bursts = responder?(command) ?? Self.defaultAnswer(command)
            for burst in bursts { send(burst) }
            // Recorded once answered, so whatever a test sends after seeing it follows the answer on the wire.
            state.withLock { $0.commands.append(command) }
            arrived.signal()
        }
    }

    /// A plain dongle's answer: success for what start-up sends, "nothing to end" for gap_end_procedure.
    public static func defaultAnswer(_ command: BGAPICommand) -> [[BGAPIMessage]] {
        switch command {
        case .gapSetMode: [[.response(.gapSetMode(.init(result: .success)))]]
        case .smSetBondableMode: [[.response(.smSetBondableMode(.init()))]]
        case .gapEndProcedure: [[.response(.gapEndProcedure(.init(result: .wrongState)))]]
        case .gapSetScanParameters: [[.response(.gapSetScanParameters(.init(result: .success)))]]
        case .gapDiscover: [[.response(.gapDiscover(.init(result: .success)))]]
        case .systemHello: [[.response(.systemHello(.init()))]]
        case let .connectionDisconnect(c):
            [[.response(.connectionDisconnect(.init(connection: c.connection, result: .success))),
              .event(.connectionDisconnected(.init(connection: c.connection, reason: .connectionTerminatedByLocalHost)))]]
        default: []
        }
    }
}
