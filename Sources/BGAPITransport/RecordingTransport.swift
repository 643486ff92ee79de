#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BGAPICore
import Dispatch
import Synchronization

/// Writes a recording (docs/recording.md) as traffic happens: each record goes to the file with one
/// `write` the moment its packet completes, so a crash loses at most the packet in flight. One recorder
/// outlives the transports it records, so the reopen after a reset lands in the same file.
///
/// A failing write (a full disk) stops the recording, never the traffic: ``failure`` says why.
public final class TrafficRecorder: Sendable {
    private struct State {
        var session: RecordingSession
        var sink: (@Sendable ([UInt8]) throws(TransportError) -> Void)?
        var failure: TransportError?
    }
    private let state: Mutex<State>
    private let scheduler: any HostScheduler
    private let origin: Duration
    private let onClose: @Sendable () -> Void

    /// Records into the file at `path` (created or truncated, mode 0644), `port` named in its header.
    public convenience init(path: String, port: String, side: RecordingSide = .host, maximumBytes: Int? = nil,
                            scheduler: any HostScheduler = DispatchScheduler()) throws(TransportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TransportError(operation: .open, path: path, code: errno, message: String(cString: strerror(errno)))
        }
        var header = RecordingHeader(port: port, side: side)
        var now = timespec()
        if clock_gettime(CLOCK_REALTIME, &now) == 0 { header.startedAt = UInt64(max(0, now.tv_sec)) * 1000 + UInt64(max(0, now.tv_nsec)) / 1_000_000 }
        try self.init(header: header, maximumBytes: maximumBytes, scheduler: scheduler,
                      sink: { (bytes) throws(TransportError) in try writeAll(fd, bytes, path: path) },
                      onClose: { _ = closeDescriptor(fd) })
    }

    /// Records into `sink` (tests, pipes): it receives the file's bytes in order, one record per call.
    public init(header: RecordingHeader, maximumBytes: Int? = nil, scheduler: any HostScheduler = DispatchScheduler(),
                sink: @escaping @Sendable ([UInt8]) throws(TransportError) -> Void,
                onClose: @escaping @Sendable () -> Void = {}) throws(TransportError) {
        var session = RecordingSession(header: header, maximumBytes: maximumBytes)
        let first = session.begin()
        try sink(first)
        state = Mutex(State(session: session, sink: sink))
        self.scheduler = scheduler
        origin = scheduler.now
        self.onClose = onClose
    }

    deinit { close() }

    /// Bytes that travelled `direction` just now.
    public func record(_ bytes: [UInt8], direction: BGAPIDirection) {
        let now = scheduler.now - origin
        emit { $0.record(bytes, direction: direction, at: now) }
    }

    /// The port opened or closed just now.
    public func note(_ event: RecordingPortEvent) {
        let now = scheduler.now - origin
        emit { $0.note(event, at: now) }
    }

    /// States the dongle's address and firmware (a dongle-side recorder knows them without asking).
    public func describeDongle(address: BluetoothAddress?, firmware: SystemGetInfoResponse?) {
        let now = scheduler.now - origin
        emit { $0.describeDongle(address: address, firmware: firmware, at: now) }
    }

    /// Ends the recording: partial packets are written as discarded bytes and the file is closed.
    public func close() {
        let now = scheduler.now - origin
        let closed = state.withLock { s -> Bool in
            guard let sink = s.sink else { return false }
            let rest = s.session.flush(at: now)
            if !rest.isEmpty { try? sink(rest) }
            s.sink = nil
            return true
        }
        if closed { onClose() }
    }

    /// What the recording has learnt so far (the dongle's address and firmware once seen).
    public var header: RecordingHeader { state.withLock { $0.session.header } }
    /// Bytes written so far.
    public var bytesWritten: Int { state.withLock { $0.session.bytesWritten } }
    /// Whether the size cap stopped the recording.
    public var isFull: Bool { state.withLock { $0.session.isFull } }
    /// Why writing failed, if it did (the recording stopped there).
    public var failure: TransportError? { state.withLock { $0.failure } }

    private func emit(_ step: (inout RecordingSession) -> [UInt8]) {
        state.withLock { s in
            guard let sink = s.sink else { return }
            let bytes = step(&s.session)
            guard !bytes.isEmpty else { return }
            do throws(TransportError) { try sink(bytes) } catch {
                s.failure = error
                s.sink = nil
            }
        }
    }
}

/// Writes all of `bytes` to `fd`, resuming after signals and short writes.
private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(TransportError) {
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw TransportError(operation: .write, path: path, code: errno, message: String(cString: strerror(errno)))
        }
        done += n
    }
}

/// A transport that tees another into a ``TrafficRecorder``: both directions, from its very first byte.
///
/// `side` says which end of the wire it sits on: a host (blex, the library) writes commands and receives
/// responses and events; a dongle (`bled112-emulator --record`) the other way round. The file's
/// directions are the wire's either way, so recordings from both ends read alike.
public final class RecordingTransport: ByteTransport {
    private let inner: any ByteTransport
    private let recorder: TrafficRecorder
    private let outgoing: BGAPIDirection
    private let incoming: BGAPIDirection
    private let closeNoted = Mutex(false)

    /// Wraps `transport`; notes the port `name` as opened.
    public init(wrapping transport: any ByteTransport, recorder: TrafficRecorder, side: RecordingSide = .host, name: String) {
        inner = transport
        self.recorder = recorder
        outgoing = side == .host ? .hostToDevice : .deviceToHost
        incoming = side == .host ? .deviceToHost : .hostToDevice
        recorder.note(.opened(name))
    }

    /// Starts the wrapped transport; received bytes are recorded before the handler sees them.
    public func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        let recorder = recorder, incoming = incoming
        inner.start(on: queue) { [weak self] event in
            switch event {
            case let .received(bytes): recorder.record(bytes, direction: incoming)
            case let .closed(error): self?.noteClose(error.map { "\($0)" } ?? "")
            }
            handler(event)
        }
    }

    /// Records `bytes`, then writes them (recorded first, so an answer can never precede its command in
    /// the file); a failed write is noted.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        recorder.record(bytes, direction: outgoing)
        do { try inner.write(bytes) } catch {
            recorder.note(.closed("write failed: \(error)"))
            throw error
        }
    }

    /// Records the close, then closes the wrapped transport.
    public func close() {
        noteClose("")
        inner.close()
    }

    /// Notes the first close only (ours, or the one the wrapped transport reports).
    private func noteClose(_ why: String) {
        guard closeNoted.withLock({ noted in defer { noted = true }; return !noted }) else { return }
        recorder.note(.closed(why))
    }
}
