#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds BLED112 dongles by USB VID 0x2458 / PID 0x0001: through sysfs on Linux, by device name on macOS.
public struct PortDiscovery: Sendable {
    /// Silicon Labs (Bluegiga) USB vendor ID.
    public static let bled112VendorID: UInt16 = 0x2458
    /// BLED112 product ID.
    public static let bled112ProductID: UInt16 = 0x0001

    /// Root of sysfs (a test can point this at a fake tree).
    public var sysfsRoot: String
    /// Where device nodes live.
    public var deviceRoot: String

    /// Discovery over the real system, or over fake roots for tests.
    public init(sysfsRoot: String = "/sys", deviceRoot: String = "/dev") {
        self.sysfsRoot = sysfsRoot
        self.deviceRoot = deviceRoot
    }

    /// Device paths of every attached BLED112, sorted (e.g. `/dev/ttyACM0`).
    public func bled112Ports() -> [String] {
        #if os(macOS)
        return entries(of: deviceRoot).filter { $0.hasPrefix("cu.usbmodem") }.sorted().map { "\(deviceRoot)/\($0)" }
        #else
        let ttyClass = "\(sysfsRoot)/class/tty"
        return entries(of: ttyClass).filter { $0.hasPrefix("ttyACM") || $0.hasPrefix("ttyUSB") }.sorted().compactMap { name in
            // /sys/class/tty/ttyACM0/device is the USB interface; its parent holds idVendor/idProduct.
            let device = "\(ttyClass)/\(name)/device"
            for candidate in ["\(device)/..", device, "\(device)/../.."] {
                if let vid = hex(readFirstLine("\(candidate)/idVendor")), let pid = hex(readFirstLine("\(candidate)/idProduct")) {
                    return vid == Self.bled112VendorID && pid == Self.bled112ProductID ? "\(deviceRoot)/\(name)" : nil
                }
            }
            return nil
        }
        #endif
    }

    private func entries(of directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    private func readFirstLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.trimmingCharacters(in: " \n\t")
    }

    private func hex(_ text: String?) -> UInt16? { text.flatMap { UInt16($0, radix: 16) } }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
