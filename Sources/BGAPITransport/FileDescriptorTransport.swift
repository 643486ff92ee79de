#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A transport over an open, non-blocking file descriptor (a serial port or a pty master), read with a
/// `DispatchSourceRead`. It owns the descriptor and closes it exactly once.
public final class FileDescriptorTransport: ByteTransport {
    private struct State {
        var source: DispatchSourceRead?
        var handler: (@Sendable (TransportEvent) -> Void)?
        var queue: DispatchQueue?
        var open = true
        var reportedClose = false
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
        let fd = fileDescriptor
        let (open, source) = state.withLock { s in (s.open, s.source) }
        guard open else { return }
        if let source { source.cancel() } else { _ = closeDescriptor(fd) }
    }

    /// Starts reading on `queue`.
    public func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void) {
        let fd = fileDescriptor
        let ok = state.withLock { s -> Bool in
            guard s.open, s.source == nil else { return false }
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [weak self] in self?.readAvailable() }
            source.setCancelHandler { _ = closeDescriptor(fd) }
            s.handler = handler
            s.queue = queue
            source.resume()
            s.source = source
            return true
        }
        if !ok { queue.async { handler(.closed(nil)) } }
    }

    private func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
        if n > 0 {
            emit(.received(Array(buffer[0 ..< n])))
            return
        }
        let code = n == 0 ? 0 : errno
        if n < 0, code == EAGAIN || code == EINTR { return }
        let error: TransportError? = n == 0
            ? nil
            : TransportError(operation: .read, path: path, code: code, message: systemErrorMessage(code))
        finish(error)
    }

    private func emit(_ event: TransportEvent) {
        let handler = state.withLock { $0.reportedClose ? nil : $0.handler }
        handler?(event)
    }

    private func finish(_ error: TransportError?) {
        let (handler, queue) = state.withLock { s -> ((@Sendable (TransportEvent) -> Void)?, DispatchQueue?) in
            if s.open { s.open = false; s.source?.cancel() }
            guard !s.reportedClose else { return (nil, nil) }
            s.reportedClose = true
            return (s.handler, s.queue)
        }
        if let handler, let queue { queue.async { handler(.closed(error)) } }
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
            if s.source == nil { s.open = false; s.reportedClose = true; return true }
            return false
        }
        if neverStarted { _ = closeDescriptor(fileDescriptor); return }
        finish(nil)
    }
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
