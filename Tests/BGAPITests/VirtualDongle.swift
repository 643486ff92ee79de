import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import BGAPITransport
import Foundation
import Synchronization

/// The virtual BLED112 on a real pty, reached through a stable symlink the way udev's by-id links work,
/// so a test can unplug it and plug it back in under a new pty.
final class VirtualDongle: Sendable {
    let runner: EmulatorRunner
    let link: String
    private let pty: Mutex<PseudoTerminal?>
    private let directory: URL

    init(scenario: Scenario = try! Scenario.load("demo"), timing: EmulatorTiming = .instant) throws {
        runner = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: timing))
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        link = directory.appendingPathComponent("ttyBLED112").path
        pty = Mutex(nil)
        // A BLED112 that resets (or is unplugged) leaves the bus and comes back on a new pty, as on USB.
        // No strong reference to the dongle on the runner's queue: were it the last one, the dongle's deinit
        // would stop the runner with a sync on that very queue (a trap; seen once the host read faster).
        runner.unplugged = { [weak self, link] after in
            try? FileManager.default.removeItem(atPath: link)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: after.wholeNanoseconds))) { [weak self] in
                try? self?.plugIn()
            }
        }
        try plugIn()
    }

    /// How many times the dongle has come onto the bus (1 at first; +1 after each reset or unplug).
    let plugIns = Recorder<Int>()

    /// A new pty, served by the same dongle (bonds kept), and the link pointed at it.
    func plugIn() throws {
        let terminal = try PseudoTerminal()
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: terminal.slavePath)
        pty.withLock { $0 = terminal }
        runner.serve(terminal.master)
        plugIns.add(1)
    }

    /// A backend on this dongle, started without the 1 s reset wait.
    func startedBackend(callbackQueue: DispatchQueue? = nil) throws -> BGAPIBackend {
        let backend = BGAPIBackend(serialPort: link, callbackQueue: callbackQueue)
        try backend.start(reset: true, delayAfterReset: .milliseconds(20))
        return backend
    }

    func inject(_ kind: Scenario.Fault.Kind, peripheral: String? = nil, code: UInt16? = nil, seconds: Double? = nil) {
        runner.inject(Scenario.Fault(at: 0, kind: kind, peripheral: peripheral, code: code, seconds: seconds))
    }

    deinit {
        runner.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

enum Demo {
    static let hrm = BluetoothAddress("C4:7C:8D:6A:10:01")!
    static let thermo = BluetoothAddress("D0:5F:B8:22:33:02")!
    static let uart = BluetoothAddress("E8:9F:6D:10:20:03")!
    static let long = BluetoothAddress("F0:12:34:56:78:04")!
    static let lock = BluetoothAddress("C8:DF:84:AA:00:05")!
    static let tag = BluetoothAddress("F5:4A:3B:2C:1D:08")!
    static let uartRX = BluetoothUUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")!
    static let uartTX = BluetoothUUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")!
    static let longText = BluetoothUUID("A0B40002-926D-4D61-98DF-8C5C62EE53B3")!
    static let lockState = BluetoothUUID("5EC00002-1F2E-4B5A-9C8D-0123456789AB")!

    /// A world with a fast notifier (every 5 ms, a counter) for storms and throughput.
    static func storm(intervalMs: Int = 5) throws -> Scenario {
        try Scenario.decode(json: Data("""
        { "name": "storm", "seed": 7, "peripherals": [
          { "id": "storm", "address": "AA:00:00:00:00:01", "advertisingIntervalMs": 20,
            "advertising": { "flags": 6, "name": "Storm" },
            "services": [ { "uuid": "FFE0", "characteristics": [
              { "uuid": "FFE1", "properties": ["notify"], "value": "00000000",
                "generator": { "kind": "counter", "periodMs": \(intervalMs), "step": 1, "width": 4 },
                "notifyIntervalMs": \(intervalMs) },
              { "uuid": "FFE2", "properties": ["read", "write"], "value": "CAFE" },
              { "uuid": "FFE3", "properties": ["indicate"], "value": "01",
                "generator": { "kind": "counter", "periodMs": 20, "step": 1, "width": 1 }, "notifyIntervalMs": 20 }
            ]}]}
        ]}
        """.utf8))
    }
    static let stormAddress = BluetoothAddress("AA:00:00:00:00:01")!
}
