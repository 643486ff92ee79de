import Dispatch

/// What a transport reports: bytes as they arrive, or the end of the stream.
public enum TransportEvent: Sendable, Equatable {
    /// Bytes received, in order.
    case received([UInt8])
    /// The stream ended: `nil` for an orderly close, otherwise why (a vanished dongle, an I/O error).
    case closed(TransportError?)
}

/// Why a transport failed; carries the `errno` and the path so the message can say what to do.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being attempted.
    public enum Operation: String, Sendable {
        /// Opening a device or creating a pseudo-terminal.
        case open
        /// Configuring the line (termios).
        case configure
        /// Reading.
        case read
        /// Writing.
        case write
    }

    /// The failed operation.
    public var operation: Operation
    /// The device path, when there is one.
    public var path: String?
    /// The `errno` value (0 when the failure is not a system call's, e.g. writing after close).
    public var code: Int32
    /// A human explanation.
    public var message: String

    /// Describes a failure.
    public init(operation: Operation, path: String?, code: Int32, message: String) {
        self.operation = operation
        self.path = path
        self.code = code
        self.message = message
    }

    /// `read /dev/ttyACM0: Input/output error (errno 5)`.
    public var description: String {
        "\(operation.rawValue)\(path.map { " \($0)" } ?? ""): \(message)\(code != 0 ? " (errno \(code))" : "")"
    }
}

/// A bidirectional byte stream (a serial port, a pty, an in-memory pipe). It knows no protocol.
///
/// Events are delivered on the queue given to ``start(on:handler:)``, in arrival order.
public protocol ByteTransport: AnyObject, Sendable {
    /// Begins delivering received bytes and the eventual close to `handler` on `queue`. Call once.
    func start(on queue: DispatchQueue, handler: @escaping @Sendable (TransportEvent) -> Void)
    /// Writes all of `bytes`, or throws; never writes part silently.
    func write(_ bytes: [UInt8]) throws(TransportError)
    /// Closes the stream; the handler then receives `.closed(nil)` unless it already saw a close.
    func close()
}
