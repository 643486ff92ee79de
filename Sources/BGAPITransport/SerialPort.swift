#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens serial devices (a BLED112's CDC-ACM port, or an emulator's pty) in raw 8N1 mode.
public enum SerialPort {
    /// Which device node a path leads to now (after following links): a BLED112 that re-enumerates after a
    /// reset comes back as a new node, even under the same name.
    public struct DeviceIdentity: Hashable, Sendable {
        let device: UInt64, inode: UInt64, special: UInt64
    }

    /// The node `path` leads to, or `nil` when there is none (the dongle is off the bus).
    public static func identity(of path: String) -> DeviceIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return DeviceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), special: UInt64(info.st_rdev))
    }

    /// Opens `path` raw at 115200 baud (the rate is ignored by USB CDC and ptys, but set for real UARTs).
    public static func open(path: String) throws(TransportError) -> FileDescriptorTransport {
        // Qualified: inside this `open` an unqualified call would be this method.
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        #elseif canImport(Darwin)
        let fd = Darwin.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        #endif
        guard fd >= 0 else {
            let code = errno
            let hint = switch code {
            case ENOENT: "no such device; is the dongle plugged in?"
            case EACCES: "permission denied; add yourself to the dialout group or use sudo"
            case EBUSY: "device busy; another program has it open"
            default: systemErrorMessage(code)
            }
            throw TransportError(operation: .open, path: path, code: code, message: hint)
        }
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else {
            let code = errno
            _ = closeDescriptor(fd)
            throw TransportError(operation: .configure, path: path, code: code,
                                 message: "not a serial device: \(systemErrorMessage(code))")
        }
        cfmakeraw(&attributes)
        attributes.c_cflag |= tcflag_t(CLOCAL | CREAD)
        _ = cfsetispeed(&attributes, speed_t(B115200))
        _ = cfsetospeed(&attributes, speed_t(B115200))
        guard tcsetattr(fd, TCSANOW, &attributes) == 0 else {
            let code = errno
            _ = closeDescriptor(fd)
            throw TransportError(operation: .configure, path: path, code: code, message: systemErrorMessage(code))
        }
        _ = tcflush(fd, TCIFLUSH) // stale bytes from before we opened are not ours
        return FileDescriptorTransport(fileDescriptor: fd, path: path)
    }
}
