#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBGAPITransport

/// A pseudo-terminal pair in raw mode: the master end as a transport for a device emulator, the slave
/// path for the host program (pygatt, blex) to open as if it were a serial port.
///
/// The emulator keeps a descriptor on the slave open itself, so the master never sees `EIO` while the
/// host has the port closed (around a reset) and the path stays valid until ``close()``.
public final class PseudoTerminal: Sendable {
    /// The master end, which the emulator reads and writes.
    public let master: FileDescriptorTransport
    /// The slave device path, e.g. `/dev/pts/4`.
    public let slavePath: String
    private let keepAlive: Int32

    /// Creates a raw-mode pty pair.
    public init() throws(TransportError) {
        var name = [CChar](repeating: 0, count: 128)
        let fd = cbgapi_open_pty_master(&name, name.count)
        guard fd >= 0 else { throw Self.error(.open, nil) }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            let e = Self.error(.open, path)
            _ = closeDescriptor(fd)
            throw e
        }
        var attributes = termios()
        if tcgetattr(slave, &attributes) == 0 {
            cfmakeraw(&attributes)
            _ = tcsetattr(slave, TCSANOW, &attributes)
        }
        master = FileDescriptorTransport(fileDescriptor: fd, path: path)
        slavePath = path
        keepAlive = slave
    }

    deinit { _ = closeDescriptor(keepAlive) }

    /// Closes both ends: the host sees the port vanish, as when a dongle is unplugged.
    public func close() {
        master.close()
    }

    private static func error(_ op: TransportError.Operation, _ path: String?) -> TransportError {
        let code = errno
        return TransportError(operation: op, path: path, code: code, message: systemErrorMessage(code))
    }
}
