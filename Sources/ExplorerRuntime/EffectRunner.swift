import BGAPI
import Dispatch
import Explorer
import Foundation
import Synchronization

/// Carries the explorer's effects out on a backend, off the UI thread, and reports back as messages.
///
/// Calls run on a concurrent worker queue: the library serialises commands itself and runs one GATT
/// procedure per link, so a slow device never holds up another one or the screen.
public final class EffectRunner: Sendable {
    /// The library the effects run on.
    public let backend: BGAPIBackend
    private let worker = DispatchQueue(label: "blex.effects", attributes: .concurrent)
    /// Scan starts and stops, in order.
    private let scanOrder = DispatchQueue(label: "blex.effects.scan")
    private let send: @Sendable (Message) -> Void
    private let devices = Mutex<[BluetoothAddress: BGAPIDevice]>([:])
    /// Connects the library is running, by peer: `true` once the user gave up on it.
    private let connecting = Mutex<[BluetoothAddress: Bool]>([:])
    /// Whether the user wants the scan on (`p` stops it); a connect resumes scanning only then.
    private let scanWanted = Mutex(true)
    /// A reopen of the gone dongle is under way (one at a time, however often the explorer asks).
    private let reopening = Mutex(false)
    /// Puts traffic records on the wall clock.
    private let clock: TrafficClock
    /// Turns a clone snapshot into scenario JSON (`K`); nil where cloning is not offered.
    private let cloneScenario: (@Sendable (CloneSnapshot) throws -> String)?
    /// Injects a fault into the virtual world (`F`); nil on a real dongle.
    private let injectFault: (@Sendable (FaultRequest) throws -> Void)?

    /// `send` delivers a message to the UI (it hops to the main queue itself); `clock` stamps traffic (share
    /// it with a handler installed before the backend started, so start-up traffic is stamped the same way).
    /// `cloneScenario` builds the scenario for `K` (blex passes `DeviceCloner`), `injectFault` reaches the virtual
    /// dongle for `F`; without them those keys report that they are not available here.
    public init(backend: BGAPIBackend, clock: TrafficClock = TrafficClock(),
                cloneScenario: (@Sendable (CloneSnapshot) throws -> String)? = nil,
                injectFault: (@Sendable (FaultRequest) throws -> Void)? = nil,
                send: @escaping @Sendable (Message) -> Void) {
        self.backend = backend
        self.clock = clock
        self.cloneScenario = cloneScenario
        self.injectFault = injectFault
        self.send = send
    }

    /// The backend's events, as messages; traffic records keep their monotonic spacing (ms) on the wall clock.
    public func message(for event: BGAPIBackendEvent) -> Message? { Self.message(for: event, clock: clock) }

    /// The backend's events, as messages, traffic stamped by `clock`.
    public static func message(for event: BGAPIBackendEvent, clock: TrafficClock) -> Message? {
        guard case let .traffic(record) = event else { return message(for: event) }
        return .packet(record.message, clock.wallTime(of: record.time))
    }

    /// The backend's events received at backend time `time`, as messages: advertisements, notifications and
    /// traffic are stamped with when they arrived (by `clock`), however late a batch delivers them.
    public static func message(for event: BGAPIBackendEvent, at time: Duration, clock: TrafficClock) -> Message? {
        switch event {
        case let .advertisement(report): return .advertisement(report, clock.wallTime(of: time))
        case let .notification(address, handle, value, isIndication):
            return .notified(address, handle, value, indication: isIndication, clock.wallTime(of: time))
        default: return message(for: event, clock: clock)
        }
    }

    /// The backend's events received at `time`, as messages stamped by this runner's clock.
    public func message(for event: BGAPIBackendEvent, at time: Duration) -> Message? {
        Self.message(for: event, at: time, clock: clock)
    }

    /// The backend's events, as messages (traffic stamped with the time it is delivered).
    public static func message(for event: BGAPIBackendEvent) -> Message? {
        let now = Date().timeIntervalSince1970
        switch event {
        case let .advertisement(report): return .advertisement(report, now)
        case let .notification(address, handle, value, isIndication):
            return .notified(address, handle, value, indication: isIndication, now)
        case let .disconnected(address, _, reason): return .disconnected(address, reason: "\(reason): \(reason.meaning)")
        case let .passkeyRequested(address): return .passkeyRequested(address)
        case let .passkeyDisplayed(address, passkey): return .passkeyDisplayed(address, passkey)
        case let .portClosed(why): return .dongleGone(why)
        case let .traffic(record): return .packet(record.message, now)
        case let .malformed(why): return .traffic("! \(why)")
        case let .discarded(dropped): return .traffic("! \(dropped)")
        case .dongleReset: return .dongleReset
        case let .reconnectFailed(address, error): return .failed(address, "reconnect failed: \(error)")
        case .bonded, .other, .connected, .reconnected: return nil
        }
    }

    /// Runs `effect` off the caller's thread; `then` runs after it, on the worker. Turning the traffic feed
    /// on or off happens at once, so it is on before any command that follows it is sent.
    public func run(_ effect: Effect, then: (@Sendable () -> Void)? = nil) {
        if case let .traceTraffic(on) = effect {
            backend.tracesTraffic = on
            then?()
            return
        }
        // Scan starts and stops run one after another in the order asked for: on the concurrent worker a
        // start could overtake the stop before it (or the first start), and the dongle answered wrong_state.
        let queue = [.startScan, .stopScan].contains(effect) ? scanOrder : worker
        queue.async { [self] in
            execute(effect)
            then?()
        }
    }

    private func device(_ address: BluetoothAddress) -> BGAPIDevice? {
        devices.withLock { $0[address] }.flatMap { $0.isConnected ? $0 : nil }
    }

    private func attempt(_ address: BluetoothAddress?, _ body: () throws(BGAPIError) -> Void) {
        // The code's meaning in words follows it: "read_not_permitted (0x0402): The attribute cannot be read."
        do { try body() } catch {
            send(.failed(address, "\(address.map { "\($0): " } ?? "")\(error)\(error.code.map { ": " + $0.meaning } ?? "")"))
        }
    }

    private func execute(_ effect: Effect) {
        let now = { Date().timeIntervalSince1970 }
        switch effect {
        case .startScan:
            scanWanted.withLock { $0 = true }
            attempt(nil) { () throws(BGAPIError) in try backend.startScanning(active: true, discoverMode: .observation) }
        case .stopScan:
            scanWanted.withLock { $0 = false }
            attempt(nil) { () throws(BGAPIError) in try backend.stopScanning() }
        case let .cancelConnect(address):
            // The library gives up at once: its connect throws `.cancelled`, the radio stops initiating, and a
            // link that completes anyway is closed.
            let pending = connecting.withLock { c -> Bool in
                guard c[address] != nil else { return false }
                c[address] = true
                return true
            }
            guard pending else {
                // Too late: the link is up already; close it, as the user asked.
                try? device(address)?.disconnect()
                return
            }
            backend.cancelConnect(to: address)
        case let .connect(address, type):
            // One connect per device at a time: a second one while the first is still being given up (a
            // moment, now that cancelling is immediate) is refused with the reason.
            let started = connecting.withLock { c -> Bool in
                guard c[address] == nil else { return false }
                c[address] = false
                return true
            }
            guard started else {
                send(.failed(address, "\(address): the last connect is still being given up; try again in a moment"))
                return
            }
            let gaveUp = { self.connecting.withLock { $0[address] == true } }
            defer { connecting.withLock { $0[address] = nil } }
            do throws(BGAPIError) {
                // The dongle cannot scan while it connects; scanning resumes once the link is up (if wanted).
                try? backend.stopScanning()
                defer {
                    // Also after a cancelled connect (initiating superseded the scan on the dongle).
                    if scanWanted.withLock({ $0 }) { try? backend.startScanning(active: true, discoverMode: .observation) }
                }
                let d = try backend.connect(address: address, timeout: .seconds(10), addressType: type)
                devices.withLock { $0[address] = d }
                if gaveUp() {
                    try? d.disconnect(timeout: .seconds(2))
                    return
                }
                let p = d.parameters
                send(.connected(address, parameters: "\(milliseconds(p.interval)) ms interval · \(milliseconds(p.supervisionTimeout)) ms timeout · latency \(p.latency)",
                                encrypted: d.isEncrypted))
                if let slot = d.bond { send(.bondSlot(address, slot)) }
                let services = try d.discoverServices()
                send(.discovered(address, services))
                // User descriptions name vendor characteristics, presentation formats give their unit: fetch
                // them so the tree, log and charts can use them.
                for c in services.flatMap(\.characteristics) {
                    for desc in c.descriptors where desc.uuid.matches(BluetoothUUID(0x2901)) || desc.uuid.matches(BluetoothUUID(0x2904)) {
                        if let v = try? d.readHandle(desc.handle) { send(.fetched(address, desc.handle, v)) }
                    }
                }
            } catch {
                if !gaveUp() { send(.failed(address, "\(address): \(error)\(error.code.map { ": " + $0.meaning } ?? "")")) }
            }
        case let .disconnect(address):
            attempt(address) { () throws(BGAPIError) in try device(address)?.disconnect() }
        case let .read(address, handle):
            attempt(address) { () throws(BGAPIError) in
                guard let d = device(address) else { throw .notConnected }
                let first = try d.readHandle(handle)
                // A full first chunk may mean there is more: read the rest with read blob.
                let value = first.count >= 22 ? try d.readLongHandle(handle) : first
                send(.read(address, handle, value, now()))
            }
        case let .write(address, handle, bytes, withResponse):
            attempt(address) { () throws(BGAPIError) in
                guard let d = device(address) else { throw .notConnected }
                if bytes.count > BGAPIDevice.maximumWriteLength { try d.writeLongHandle(handle, bytes) }
                else { try d.writeHandle(handle, bytes, withResponse: withResponse) }
                send(.wrote(address, handle, bytes, now()))
            }
        case let .subscribe(address, handle, indication, enable):
            attempt(address) { () throws(BGAPIError) in
                guard let d = device(address) else { throw .notConnected }
                if enable { try d.subscribeHandle(handle, indication: indication) } else { try d.unsubscribeHandle(handle) }
                send(.subscribed(address, handle, indication: enable ? indication : nil))
            }
        case let .bond(address):
            attempt(address) { () throws(BGAPIError) in
                guard let d = device(address) else { throw .notConnected }
                try d.bond(permanent: true)
                send(.bonded(address))
                if let slot = d.bond { send(.bondSlot(address, slot)) }
            }
        case let .enterPasskey(address, passkey):
            attempt(address) { () throws(BGAPIError) in try device(address)?.enterPasskey(passkey) }
        case let .pollRSSI(address):
            if let d = device(address), let rssi = try? d.rssi() { send(.rssi(address, rssi)) }
        case .listBonds:
            attempt(nil) { () throws(BGAPIError) in send(.bondList(try backend.bonds())) }
        case let .deleteBond(bond):
            attempt(nil) { () throws(BGAPIError) in
                let r = try backend.send(SMDeleteBondingCommand(handle: bond))
                guard r.result.isSuccess else { throw BGAPIError(code: r.result) }
                send(.bondDeleted(bond))
            }
        case let .readRSSI(address):
            attempt(address) { () throws(BGAPIError) in
                guard let d = device(address) else { throw .notConnected }
                send(.rssi(address, try d.rssi()))
            }
        case let .export(path, contents, count):
            do {
                try Self.writeNew(path: path, contents: contents)
                send(.exported(path: path, count: count))
            } catch {
                send(.failed(nil, "export: \(error)"))
            }
        case let .clone(snapshot):
            guard let cloneScenario else { send(.failed(snapshot.address, "cloning is not available here")); return }
            do {
                let json = try cloneScenario(snapshot)
                try Self.writeNew(path: snapshot.path, contents: json)
                let characteristics = snapshot.services.flatMap(\.characteristics)
                let unread = characteristics.filter { snapshot.values[$0.valueHandle] == nil }.count
                send(.cloned(path: snapshot.path, summary: "\(snapshot.services.count) services, \(characteristics.count) characteristics"
                             + (unread > 0 ? ", \(unread) never read (marked unread)" : "")))
            } catch {
                send(.failed(snapshot.address, "clone: \(error)"))
            }
        case let .injectFault(request):
            guard let injectFault else { send(.failed(nil, "faults are for the virtual dongle only")); return }
            do { try injectFault(request) } catch { send(.failed(nil, "fault: \(error)")) }
        case let .saveNames(path, contents):
            do { try Self.replace(path: path, contents: contents) } catch { send(.failed(nil, "names: \(error)")) }
        case .reopenDongle:
            // No reset: a USB BLED112 would drop off the bus again. A port not back yet fails quietly; the
            // explorer asks again a second later.
            guard reopening.withLock({ r in defer { r = true }; return !r }) else { return }
            defer { reopening.withLock { $0 = false } }
            do throws(BGAPIError) {
                if !backend.isRunning { try backend.start(reset: false) }
                send(.dongleBack)
            } catch {}
        case .traceTraffic: break // handled in run, synchronously
        case .quit:
            for d in devices.withLock({ Array($0.values) }) { try? d.disconnect(timeout: .seconds(2)) }
        }
    }

    /// Writes `contents` to `path` through a temporary file and a rename, so a crash never leaves half a
    /// file; creates the folder when missing (the default names file lives in $XDG_CONFIG_HOME/blex/).
    public static func replace(path: String, contents: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(contents.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ExportError(message: "\(path): \(why)")
        }
    }

    /// Creates `path` and writes `contents`; an existing file is never replaced.
    public static func writeNew(path: String, contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw ExportError(message: code == EEXIST ? "\(path) already exists; choose another name"
                                                      : "\(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else { throw ExportError(message: "\(path): \(String(cString: strerror(errno)))") }
            written += n
        }
    }
}

/// `75` or `7.5`: a duration in milliseconds for the status line.
func milliseconds(_ d: Duration) -> String {
    let us = d.wholeMicroseconds
    return us % 1000 == 0 ? String(us / 1000) : String(Double(us) / 1000)
}

struct ExportError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Puts the backend's monotonic traffic times on the wall clock: the first record fixes the offset, so
/// the milliseconds between packets stay exact however late they are delivered.
public final class TrafficClock: Sendable {
    private let epoch = Mutex<Double?>(nil)

    /// A clock whose offset the first record fixes.
    public init() {}

    /// Wall-clock seconds (since 1970) of a record taken `time` after the backend's monotonic zero.
    public func wallTime(of time: Duration) -> Double {
        let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        let now = Date().timeIntervalSince1970
        return epoch.withLock { e in
            if e == nil { e = now - seconds }
            return e!
        } + seconds
    }
}
