#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds BLED112 dongles by USB VID 0x2458 / PID 0x0001 through sysfs on Linux. On macOS only device names
/// are read (`cu.usbmodem*`, which any USB modem has): such ports are candidates, never confirmed, so nothing
/// resets them unasked.
public struct PortDiscovery: Sendable {
    /// How ports are found.
    public enum Strategy: Sendable, Hashable {
        /// sysfs USB ids (Linux): every port found is a BLED112.
        case sysfs
        /// Device names only (macOS without IOKit): candidates that may be any USB modem.
        case deviceNames
    }

    /// A port that may be a BLED112.
    public struct Candidate: Sendable, Hashable {
        /// Its device path.
        public var path: String
        /// Whether its USB ids say it is a BLED112 (only then may it be reset without asking).
        public var isConfirmed: Bool
        /// A candidate.
        public init(path: String, isConfirmed: Bool) {
            self.path = path
            self.isConfirmed = isConfirmed
        }
    }

    /// The platform's strategy: sysfs on Linux, device names on macOS.
    public static var platformStrategy: Strategy {
        #if os(macOS)
        .deviceNames
        #else
        .sysfs
        #endif
    }

    /// How this discovery looks.
    public var strategy: Strategy = PortDiscovery.platformStrategy
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

    /// Discovery with a given strategy (tests use `.deviceNames` on Linux to run the macOS path).
    public init(strategy: Strategy, sysfsRoot: String = "/sys", deviceRoot: String = "/dev") {
        self.init(sysfsRoot: sysfsRoot, deviceRoot: deviceRoot)
        self.strategy = strategy
    }

    /// Device paths of every attached port confirmed to be a BLED112, sorted (e.g. `/dev/ttyACM0`).
    public func bled112Ports() -> [String] { candidates().filter(\.isConfirmed).map(\.path) }

    /// Every port that may be a BLED112, confirmed ones first.
    public func candidates() -> [Candidate] {
        switch strategy {
        case .deviceNames:
            return entries(of: deviceRoot).filter { $0.hasPrefix("cu.usbmodem") }.sorted()
                .map { Candidate(path: "\(deviceRoot)/\($0)", isConfirmed: false) }
        case .sysfs:
            return sysfsPorts().map { Candidate(path: $0, isConfirmed: true) }
        }
    }

    private func sysfsPorts() -> [String] {
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
