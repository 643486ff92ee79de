#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A transport over an open, non-blocking file descriptor (a serial port or a pty master), read by a thread of
/// its own that waits in `poll` and hands each read to the queue with `sync` (the handler runs on that thread,
/// on the queue): one wake-up per read, where a dispatch read source costs three (the event thread, a worker,
/// and the queue's). It owns the descriptor and closes it exactly once.
public final class FileDescriptorTransport: ByteTransport {
    private struct State {
        var started = false
        var handler: (@Sendable (TransportEvent) -> Void)?
        var queue: DispatchQueue?
        var open = true
        var reportedClose = false
        /// The reader thread's wake-up pipe (write end): a byte makes it stop and close the descriptor.
        var wake: Int32 = -1
    }

    /// The descriptor (valid until closed).
    public let fileDescriptor: Int32
    /// The device path, for messages.
    public let path: String?
    private let state = Mutex(State())

    /// Takes ownership of `fileDescriptor`, which is switched to non-blocking mode.
    public init(fileDescriptor: Int32, path: String?) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        let flags = fcntl(fileDescriptor, F_GETFL)
        _ = fcntl(fileDescriptor, F_SETFL, flags | O_NONBLOCK)
    }

    deinit {
        let (open, started, wake) = state.withLock { s in (s.open, s.started, s.wake) }
        guard open else { return }
        if started { stopReader(wake) } else { _ = closeDescriptor(fileDescriptor) }
    }

    /// Starts reading on `queue`.
    public func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        var pipeEnds: [Int32] = [-1, -1]
        let piped = pipeEnds.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) } == 0
        let ok = state.withLock { s -> Bool in
            guard s.open, !s.started, piped else { return false }
            s.started = true
            s.handler = handler
            s.queue = queue
            s.wake = pipeEnds[1]
            return true
        }
        guard ok else {
            if piped { _ = closeDescriptor(pipeEnds[0]); _ = closeDescriptor(pipeEnds[1]) }
            queue.async { handler(.closed(nil)) }
            return
        }
        // The thread holds the transport weakly: dropping it (deinit) wakes the thread, which closes the descriptor.
        let reader = Reader(fd: fileDescriptor, wake: pipeEnds[0], transport: self)
        if !startThread({ reader.run() }) {
            state.withLock { $0.started = false }
            _ = closeDescriptor(pipeEnds[0]); _ = closeDescriptor(pipeEnds[1])
            finish(TransportError(operation: .read, path: path, code: errno, message: "cannot start the reader thread"))
        }
    }

    /// The reader thread's loop: poll the descriptor and the wake-up pipe; each read goes to the queue.
    private final class Reader: Sendable {
        let fd: Int32
        let wake: Int32
        weak let transport: FileDescriptorTransport?

        init(fd: Int32, wake: Int32, transport: FileDescriptorTransport) {
            self.fd = fd
            self.wake = wake
            self.transport = transport
        }

        func run() {
            defer {
                _ = closeDescriptor(fd)
                _ = closeDescriptor(wake)
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
                let r = poll(&fds, 2, -1)
                if r < 0 {
                    if errno == EINTR { continue }
                    transport?.finish(TransportError(operation: .read, path: transport?.path, code: errno, message: systemErrorMessage(errno)))
                    return
                }
                if fds[1].revents != 0 { return } // closed: stop, close the descriptor
                guard fds[0].revents != 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard let transport else { return }
                if n > 0 {
                    transport.deliver(Array(buffer[0 ..< n]))
                    continue
                }
                let code = n == 0 ? 0 : errno
                if n < 0, code == EAGAIN || code == EINTR { continue }
                transport.finish(n == 0 ? nil : TransportError(operation: .read, path: transport.path, code: code,
                                                               message: systemErrorMessage(code)))
                return
            }
        }
    }

    /// Runs the handler on the queue, on the reader thread (`sync` borrows the queue, it does not hop).
    private func deliver(_ bytes: [UInt8]) {
        let (handler, queue) = state.withLock { s in s.reportedClose ? (nil, nil) : (s.handler, s.queue) }
        guard let handler, let queue else { return }
        queue.sync {
            // Closed while waiting for the queue: nothing more is delivered.
            guard !state.withLock({ $0.reportedClose }) else { return }
            handler(.received(bytes))
        }
    }

    private func finish(_ error: TransportError?) {
        let (handler, queue, wake) = state.withLock { s -> ((@Sendable (TransportEvent) -> Void)?, DispatchQueue?, Int32) in
            var wake: Int32 = -1
            if s.open { s.open = false; wake = s.wake }
            guard !s.reportedClose else { return (nil, nil, wake) }
            s.reportedClose = true
            return (s.handler, s.queue, wake)
        }
        if wake >= 0 { stopReader(wake) }
        if let handler, let queue { queue.async { handler(.closed(error)) } }
    }

    /// Wakes the reader thread so it stops and closes the descriptor; closes the pipe's write end.
    private func stopReader(_ wake: Int32) {
        var byte: UInt8 = 1
        _ = systemWrite(wake, &byte, 1)
        _ = closeDescriptor(wake)
    }

    /// Writes everything, waiting (with `poll`) while the device's buffer is full.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        guard state.withLock({ $0.open }) else {
            throw TransportError(operation: .write, path: path, code: 0, message: "port is closed")
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fileDescriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n; continue }
            let code = errno
            if n < 0, code == EAGAIN || code == EINTR {
                var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, 1000) == 0 {
                    throw TransportError(operation: .write, path: path, code: EAGAIN, message: "device not accepting data for 1 s")
                }
                continue
            }
            let error = TransportError(operation: .write, path: path, code: code, message: systemErrorMessage(code))
            finish(error)
            throw error
        }
    }

    /// Closes the descriptor; the handler sees `.closed(nil)`.
    public func close() {
        let neverStarted = state.withLock { s -> Bool in
            guard s.open else { return false }
            if !s.started { s.open = false; s.reportedClose = true; return true }
            return false
        }
        if neverStarted { _ = closeDescriptor(fileDescriptor); return }
        finish(nil)
    }
}

/// Starts a detached thread running `body`; false when the system refuses one.
func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    let started = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, box) == 0
    if started, let thread { pthread_detach(thread) }
    #else
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box) == 0
    if started { pthread_detach(thread) }
    #endif
    if !started { Unmanaged<Box>.fromOpaque(box).release() }
    return started
}

/// `close(2)`, named apart from the transports' own `close()`.
@inline(__always) func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// `write(2)`, named apart from the transports' own `write(_:)`.
@inline(__always) func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// `strerror(code)` as a Swift string.
func systemErrorMessage(_ code: Int32) -> String {
    guard let c = strerror(code) else { return "error \(code)" }
    var bytes: [UInt8] = []
    var p = c
    while p.pointee != 0 { bytes.append(UInt8(bitPattern: p.pointee)); p += 1 }
    return String(decoding: bytes, as: UTF8.self)
}
