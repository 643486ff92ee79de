import Dispatch
import Synchronization

/// One end of an in-memory byte pipe: what one end writes, the other receives, in order.
/// For running the virtual dongle in-process and for fast tests without a pty.
public final class LoopbackTransport: ByteTransport {
    private struct State {
        var queue: DispatchQueue?
        var handler: (@Sendable (TransportEvent) -> Void)?
        var pending: [TransportEvent] = []
        var closed = false
        weak var peer: LoopbackTransport?
    }

    private let state = Mutex(State())

    private init() {}

    /// Two connected ends.
    public static func makePair() -> (LoopbackTransport, LoopbackTransport) {
        let a = LoopbackTransport(), b = LoopbackTransport()
        a.state.withLock { $0.peer = b }
        b.state.withLock { $0.peer = a }
        return (a, b)
    }

    /// Begins delivery; events that arrived before are delivered first, in order.
    public func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        let backlog = state.withLock { s -> [TransportEvent] in
            s.queue = queue
            s.handler = handler
            defer { s.pending = [] }
            return s.pending
        }
        for event in backlog { queue.async { handler(event) } }
    }

    /// Sends bytes to the other end.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        let peer = state.withLock { $0.closed ? nil : $0.peer }
        guard let peer else {
            throw TransportError(operation: .write, path: nil, code: 0, message: "loopback closed")
        }
        peer.deliver(.received(bytes))
    }

    /// Closes both ends; each handler sees `.closed(nil)` once.
    public func close() {
        let (wasClosed, peer) = state.withLock { s -> (Bool, LoopbackTransport?) in
            defer { s.closed = true }
            return (s.closed, s.peer)
        }
        guard !wasClosed else { return }
        deliver(.closed(nil))
        peer?.close()
    }

    private func deliver(_ event: TransportEvent) {
        let target = state.withLock { s -> (DispatchQueue, @Sendable (TransportEvent) -> Void)? in
            if case .received = event, s.closed { return nil }
            guard let queue = s.queue, let handler = s.handler else {
                s.pending.append(event)
                return nil
            }
            return (queue, handler)
        }
        if let (queue, handler) = target { queue.async { handler(event) } }
    }
}
