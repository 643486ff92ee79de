import BGAPITransport
import Dispatch
import Foundation
import Synchronization
import Testing

/// Collects transport events and lets a test wait for a condition without sleeping in a loop.
/// Locked with NSLock: ThreadSanitizer sees a pthread mutex, not `Synchronization.Mutex` (futexes inside the
/// uninstrumented standard library), and reported every access under one as a race.
final class EventRecorder: @unchecked Sendable {
    // @unchecked: `events` is only touched while `lock` is held.
    private let lock = NSLock()
    private var events: [TransportEvent] = []
    private let signal = DispatchSemaphore(value: 0)

    var handler: @Sendable (TransportEvent) -> Void {
        { event in
            self.lock.withLock { self.events.append(event) }
            self.signal.signal()
        }
    }

    private var all: [TransportEvent] { lock.withLock { events } }

    var received: [UInt8] {
        all.flatMap { (event: TransportEvent) -> [UInt8] in
            if case let .received(bytes) = event { return bytes }
            return []
        }
    }
    var closes: [TransportEvent] { all.filter { if case .closed = $0 { true } else { false } } }

    /// Waits (up to `seconds`) until `condition` holds, woken by each event.
    func wait(seconds: Double = 5, until condition: () -> Bool) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while !condition() {
            if signal.wait(timeout: deadline) == .timedOut { return condition() }
        }
        return true
    }
}

@Suite struct TransportTests {
    @Test func loopbackDeliversInOrderBothWaysAndClosesBothEnds() throws {
        let (a, b) = LoopbackTransport.makePair()
        let ra = EventRecorder(), rb = EventRecorder()
        try a.write([1, 2, 3]) // before b started: buffered, not lost
        b.start(on: DispatchQueue(label: "b"), handler: rb.handler)
        a.start(on: DispatchQueue(label: "a"), handler: ra.handler)
        for i in 0 ..< 100 { try a.write([UInt8(i)]) }
        try b.write([9, 9])
        #expect(rb.wait { rb.received.count == 103 })
        #expect(rb.received == [1, 2, 3] + (0 ..< 100).map { UInt8($0) })
        #expect(ra.wait { ra.received == [9, 9] })
        a.close()
        #expect(ra.wait { ra.closes.count == 1 } && rb.wait { rb.closes.count == 1 })
        #expect(throws: TransportError.self) { try b.write([1]) }
    }

    @Test func ptyCarriesBytesBetweenMasterAndARawSlaveOpenedAsASerialPort() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let master = EventRecorder(), host = EventRecorder()
        pty.master.start(on: DispatchQueue(label: "master"), handler: master.handler)
        let port = try SerialPort.open(path: pty.slavePath)
        port.start(on: DispatchQueue(label: "host"), handler: host.handler)
        // Every byte value passes unchanged (raw mode: no echo, no CR/LF translation, no signals).
        let all = (0 ... 255).map { UInt8($0) }
        try port.write(all)
        #expect(master.wait { master.received.count >= 256 })
        #expect(master.received == all)
        try pty.master.write(all.reversed())
        #expect(host.wait { host.received.count >= 256 })
        #expect(host.received == all.reversed())
        port.close()
        #expect(host.wait { host.closes.count == 1 })
    }

    @Test func hostSeesTheDongleVanishWhenThePtyCloses() throws {
        let pty = try PseudoTerminal()
        let host = EventRecorder()
        let port = try SerialPort.open(path: pty.slavePath)
        port.start(on: DispatchQueue(label: "host"), handler: host.handler)
        pty.close()
        #expect(host.wait { !host.closes.isEmpty })
        guard case let .closed(error)? = host.closes.first else { Issue.record("no close"); return }
        // Linux reports EIO on the slave once the master is gone: a typed error, not a crash.
        #expect(error == nil || error?.operation == .read)
    }

    @Test func hostCanCloseAndReopenThePtyAroundAResetWithoutLosingThePath() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let master = EventRecorder()
        pty.master.start(on: DispatchQueue(label: "master"), handler: master.handler)
        for round in 0 ..< 3 {
            let port = try SerialPort.open(path: pty.slavePath)
            try port.write([UInt8(round)])
            port.close()
        }
        #expect(master.wait { master.received == [0, 1, 2] })
        #expect(master.closes.isEmpty, "the master must survive the host closing the port")
    }

    @Test func openingAMissingDeviceSaysWhatToDo() {
        #expect {
            _ = try SerialPort.open(path: "/dev/does-not-exist-bled112")
        } throws: { error in
            guard let e = error as? TransportError else { return false }
            return e.operation == .open && e.code == ENOENT && e.description.contains("plugged in")
        }
    }

    @Test func discoveryFindsBLED112sByVendorAndProductInSysfs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("blex-sysfs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func device(_ tty: String, vid: String, pid: String) throws {
            let usb = root.appendingPathComponent("devices/usb1/\(tty)-dev")
            let interface = usb.appendingPathComponent("\(tty)-if0")
            try FileManager.default.createDirectory(at: interface, withIntermediateDirectories: true)
            try "\(vid)\n".write(to: usb.appendingPathComponent("idVendor"), atomically: true, encoding: .utf8)
            try "\(pid)\n".write(to: usb.appendingPathComponent("idProduct"), atomically: true, encoding: .utf8)
            let classDir = root.appendingPathComponent("class/tty/\(tty)")
            try FileManager.default.createDirectory(at: classDir, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: classDir.appendingPathComponent("device"), withDestinationURL: interface)
        }
        try device("ttyACM1", vid: "2458", pid: "0001")
        try device("ttyACM0", vid: "1915", pid: "520f") // a Nordic dongle: not ours
        try device("ttyACM2", vid: "2458", pid: "0001")
        let found = PortDiscovery(sysfsRoot: root.path, deviceRoot: "/dev").bled112Ports()
        #expect(found == ["/dev/ttyACM1", "/dev/ttyACM2"])
        #expect(PortDiscovery(sysfsRoot: root.appendingPathComponent("nothing").path).bled112Ports().isEmpty)
    }

    @Test func nameOnlyDiscoveryTheMacOSPathFindsCandidatesButConfirmsNone() throws {
        let dev = FileManager.default.temporaryDirectory.appendingPathComponent("blex-dev-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dev) }
        try FileManager.default.createDirectory(at: dev, withIntermediateDirectories: true)
        for name in ["cu.usbmodem1411", "cu.Bluetooth-Incoming-Port", "tty.usbmodem1411"] {
            _ = FileManager.default.createFile(atPath: dev.appendingPathComponent(name).path, contents: nil)
        }
        let discovery = PortDiscovery(strategy: .deviceNames, deviceRoot: dev.path)
        #expect(discovery.candidates() == [.init(path: dev.path + "/cu.usbmodem1411", isConfirmed: false)])
        #expect(discovery.bled112Ports().isEmpty, "a name is no proof: an Arduino is a cu.usbmodem too")
    }
}
