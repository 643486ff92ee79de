import BGAPICore
import BGAPITransport
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a backend finds its dongle.
public enum BGAPIPort: Sendable {
    /// A device path: `/dev/ttyACM0`, `/dev/cu.usbmodem1411`, or an emulator's pty or `--link`.
    case path(String)
    /// The first BLED112 found by USB VID 0x2458 / PID 0x0001 (sysfs on Linux, `/dev/cu.usbmodem*` on macOS).
    case autoDiscover
    /// A transport made by the caller, e.g. an in-process virtual dongle; called again to reopen after a reset.
    case custom(name: String, open: @Sendable () throws(TransportError) -> any ByteTransport)
}

/// Something the dongle reported that no call was waiting for, delivered on the caller's queue in wire order.
public enum BGAPIBackendEvent: Sendable {
    /// An advertising or scan-response packet (while scanning).
    case advertisement(AdvertisementReport)
    /// A notification or indication from a connected device.
    case notification(address: BluetoothAddress, handle: AttributeHandle, value: [UInt8], isIndication: Bool)
    /// A link went down; `reason` is the code the dongle gave (0x0208 supervision timeout, 0x0213 remote, …).
    case disconnected(address: BluetoothAddress, connection: ConnectionHandle, reason: BGAPIErrorCode)
    /// The peer asks for a passkey: answer with ``BGAPIDevice/enterPasskey(_:)``.
    case passkeyRequested(address: BluetoothAddress)
    /// Show this passkey to the user, who types it on the peer.
    case passkeyDisplayed(address: BluetoothAddress, passkey: UInt32)
    /// A bond was stored in the dongle's flash.
    case bonded(BondHandle)
    /// Bytes the framer dropped (noise on the line, a torn packet), with why.
    case discarded(BGAPIDiscardedBytes)
    /// A packet whose payload contradicts its layout; the reader goes on.
    case malformed(String)
    /// The port closed under us (unplugged dongle, I/O error); start the backend again when it is back.
    case portClosed(String)
    /// Every message in either direction, when ``BGAPIBackend/tracesTraffic`` is on.
    case traffic(BGAPITrafficRecord)
    /// Any other event (system_boot, connection updates, …).
    case other(BGAPIEvent)
}

/// One message on the wire, for a traffic view.
public struct BGAPITrafficRecord: Sendable {
    /// Host → dongle (`true`) or dongle → host.
    public var isOutgoing: Bool
    /// The decoded message.
    public var message: BGAPIMessage
    /// When, on the backend's monotonic clock.
    public var time: Duration
}

/// A BLED112 on a serial port: pygatt's `BGAPIBackend` with real deadlines, typed errors and no lost events.
///
/// Blocking calls may be made from any thread except inside the backend itself, including from event and
/// notification callbacks, which run on the queue given at init and never while the backend holds a lock.
public final class BGAPIBackend: @unchecked Sendable {
    // @unchecked: every `var` below is touched only on `queue` (checked with dispatchPrecondition in `onQueue`).
    let queue = DispatchQueue(label: "blex.bgapi.backend")
    /// Where events and notification callbacks run (serial, targeting the caller's queue).
    public let callbackQueue: DispatchQueue
    /// Where the dongle is.
    public let port: BGAPIPort
    /// Inter-byte timeout of the framer: a partial packet older than this is dropped as torn.
    public let interByteTimeout: Duration
    /// Default deadline for a plain command (pygatt's 1 s was too short on some machines; issue #274).
    public var commandTimeout: Duration = .seconds(5)
    /// Whether ``BGAPIBackendEvent/traffic(_:)`` events are emitted for every message.
    public var tracesTraffic: Bool {
        get { queue.sync { traceTraffic } }
        set { queue.sync { traceTraffic = newValue } }
    }

    private let origin = DispatchTime.now()
    private var host = BGAPIHost()
    private var decoder: BGAPIFrameDecoder
    private var transport: (any ByteTransport)?
    private var timer: DispatchSourceTimer?
    private var nextID: UInt64 = 0
    private var waiters: [HostRequestID: Waiter<HostResult>] = [:]
    private var eventWaiters: [(predicate: @Sendable (BGAPIEvent) -> Bool, waiter: Waiter<BGAPIEvent>)] = []
    private var eventHandler: (@Sendable (BGAPIBackendEvent) -> Void)?
    private var traceTraffic = false
    var devices: [ConnectionHandle: BGAPIDevice] = [:]
    var scanSink: (@Sendable (AdvertisementReport) -> Void)?
    var bondSinks: [BondSink] = []
    private(set) var running = false
    /// The dongle's address, once ``macAddress()`` has asked.
    public var address: BluetoothAddress? { queue.sync { storedAddress } }
    func remember(address: BluetoothAddress) { queue.sync { storedAddress = address } }
    private var storedAddress: BluetoothAddress?

    /// A backend on `serialPort`, or the first BLED112 found when `nil` (pygatt's `serial_port=None`).
    public convenience init(serialPort: String? = nil, interByteTimeout: Duration = .milliseconds(100),
                            callbackQueue: DispatchQueue? = nil) {
        self.init(port: serialPort.map { .path($0) } ?? .autoDiscover, interByteTimeout: interByteTimeout,
                  callbackQueue: callbackQueue)
    }

    /// A backend on any ``BGAPIPort``; events and callbacks run on `callbackQueue` (a private serial queue if nil).
    public init(port: BGAPIPort, interByteTimeout: Duration = .milliseconds(100), callbackQueue: DispatchQueue? = nil) {
        self.port = port
        self.interByteTimeout = interByteTimeout
        self.callbackQueue = DispatchQueue(label: "blex.bgapi.callbacks", target: callbackQueue)
        var config = BGAPIFrameDecoder.Configuration(direction: .deviceToHost)
        config.interByteTimeout = interByteTimeout
        config.acceptsUnknownMessages = true
        decoder = BGAPIFrameDecoder(configuration: config)
    }

    deinit {
        timer?.cancel()
        transport?.close()
    }

    /// Receives every ``BGAPIBackendEvent`` on ``callbackQueue``; `nil` stops delivery.
    public func setEventHandler(_ handler: (@Sendable (BGAPIBackendEvent) -> Void)?) {
        queue.sync { eventHandler = handler }
    }

    // MARK: - Start and stop

    /// Opens the port and readies the dongle: optionally resets it (waiting for the USB port to come back,
    /// perhaps under a new name), then stops advertising, turns bonding off and ends any GAP procedure.
    public func start(reset: Bool = true, delayAfterReset: Duration = .seconds(1),
                      reopenTimeout: Duration = .seconds(10)) throws(BGAPIError) {
        dispatchPrecondition(condition: .notOnQueue(queue))
        if queue.sync(execute: { running }) { stop() }
        if reset {
            let first = try openTransport()
            if let bytes = try? SystemResetCommand(bootInDFU: false).encodedBytes() {
                do { try first.write(bytes) } catch { first.close(); throw .portClosed("\(error)") }
            }
            first.close()
            sleep(for: delayAfterReset)
            try attach(try reopen(within: reopenTimeout))
        } else {
            try attach(try openTransport())
        }
        do throws(BGAPIError) {
            try perform(.checkedCommand(.gapSetMode(.init(discover: .nonDiscoverable, connect: .nonConnectable))),
                        timeout: commandTimeout)
            try perform(.checkedCommand(.smSetBondableMode(.init(bondable: false))), timeout: commandTimeout)
            // Nothing to end is the usual answer (0x0181); anything else is a real failure.
            let end = try perform(.command(.gapEndProcedure(.init())), timeout: commandTimeout)
            if case let .response(r?) = end, let code = BGAPIHost.result(of: r), !code.isSuccess, code != .wrongState {
                throw BGAPIError(code: code)
            }
        } catch {
            stop()
            throw error
        }
    }

    /// Disconnects every device, closes the port and fails whatever is still pending with `.notRunning`.
    public func stop() {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let connected = queue.sync { Array(devices.values) }
        for device in connected { try? device.disconnect(timeout: .seconds(2)) }
        queue.sync { shutDown(.notRunning, event: nil) }
    }

    /// Whether the port is open and the backend answers calls.
    public var isRunning: Bool { queue.sync { running } }

    private func resolvePath() throws(BGAPIError) -> String? {
        switch port {
        case let .path(p): return p
        case .custom: return nil
        case .autoDiscover:
            guard let found = PortDiscovery().bled112Ports().first else {
                throw .noDongle("no BLED112 found (USB 2458:0001): plug one in, or pass the port path")
            }
            return found
        }
    }

    private func openTransport() throws(BGAPIError) -> any ByteTransport {
        if case let .custom(name, open) = port {
            do { return try open() } catch { throw .noDongle("\(name): \(error)") }
        }
        guard let path = try resolvePath() else { throw .noDongle("no port") }
        do { return try SerialPort.open(path: path) } catch { throw .noDongle("\(error)") }
    }

    /// After a reset the USB port disappears and comes back; keep trying until it opens.
    private func reopen(within limit: Duration) throws(BGAPIError) -> any ByteTransport {
        let deadline = now() + limit
        while true {
            do { return try openTransport() } catch {
                if now() >= deadline { throw error }
                sleep(for: .milliseconds(100))
            }
        }
    }

    private func attach(_ transport: any ByteTransport) throws(BGAPIError) {
        queue.sync {
            self.transport = transport
            host = BGAPIHost()
            decoder = BGAPIFrameDecoder(configuration: decoder.configuration)
            running = true
            transport.start(on: queue) { [weak self] event in self?.handle(event) }
        }
    }

    // MARK: - Calls

    /// Runs one host operation and blocks until it completes or its deadline passes.
    @discardableResult
    func perform(_ operation: HostOperation, timeout: Duration) throws(BGAPIError) -> HostResult {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let waiter = Waiter<HostResult>()
        let name = operation.command.payload.map { type(of: $0).descriptor.name } ?? "command"
        queue.async { [self] in
            guard running else { waiter.finish(.failure(.notRunning)); return }
            nextID += 1
            let id = HostRequestID(rawValue: nextID)
            waiters[id] = waiter
            apply(host.submit(operation, id: id, timeout: timeout, at: now()))
        }
        return try waiter.wait(backstop: timeout + .seconds(2), operation: name).get()
    }

    /// Sends any command and returns its response, whatever its result code (pygatt's `send_command` + `expect`).
    public func sendCommand(_ command: BGAPICommand, timeout: Duration? = nil) throws(BGAPIError) -> BGAPIResponse? {
        guard case let .response(r) = try perform(.command(command), timeout: timeout ?? commandTimeout) else {
            throw .unexpected("no response")
        }
        return r
    }

    /// Sends a typed command and returns its typed response (raw access; the result code is not checked).
    public func send<Command: BGAPICommandPayload>(_ command: Command, timeout: Duration? = nil)
        throws(BGAPIError) -> Command.Response {
        let packet: BGAPIPacket
        do { packet = try command.packet() } catch { throw .invalidArgument("\(error)") }
        let decoded: BGAPICommand
        do { decoded = try BGAPICommand(decoding: packet) } catch { throw .invalidArgument("\(error)") }
        let response = try sendCommand(decoded, timeout: timeout)
        guard let typed = response?.payload as? Command.Response else {
            throw .unexpected("\(String(describing: response)) is not \(Command.Response.self)")
        }
        return typed
    }

    /// Waits for the next event `matching` (pygatt's `expect_any`), arriving after this call begins.
    public func expect(timeout: Duration, matching: @escaping @Sendable (BGAPIEvent) -> Bool) throws(BGAPIError) -> BGAPIEvent {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let waiter = Waiter<BGAPIEvent>()
        queue.sync {
            guard running else { waiter.finish(.failure(.notRunning)); return }
            eventWaiters.append((matching, waiter))
        }
        let result = waiter.wait(backstop: timeout, operation: "expect")
        queue.sync { eventWaiters.removeAll { $0.waiter === waiter } }
        return try result.get()
    }

    /// Waits for the next event of a type (pygatt's `expect`), e.g. `expect(SystemBootEvent.self, timeout: .seconds(2))`.
    public func expect<Event: BGAPIEventPayload>(_ type: Event.Type, timeout: Duration) throws(BGAPIError) -> Event {
        let event = try expect(timeout: timeout) { $0.payload is Event }
        guard let typed = event.payload as? Event else { throw .unexpected("\(event)") }
        return typed
    }

    // MARK: - The backend queue

    func now() -> Duration {
        .nanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds))
    }

    private func handle(_ event: TransportEvent) {
        dispatchPrecondition(condition: .onQueue(queue))
        switch event {
        case let .received(bytes):
            let time = now()
            // Decode in place from the framer's buffer (no payload copies), then act once it is done.
            var decoded: [Result<BGAPIMessage, BGAPIDecodingError>] = []
            var dropped: [BGAPIDiscardedBytes] = []
            decoder.feed(bytes[...], at: time, frame: { header, payload in
                decoded.append(Result { () throws(BGAPIDecodingError) in
                    try BGAPIMessage(decoding: header, payload: payload, direction: .deviceToHost)
                })
            }, discarded: { dropped.append($0) })
            for d in dropped { emit(.discarded(d)) }
            for result in decoded { process(result, at: time) }
            rearm()
        case let .closed(error):
            guard running else { return }
            let why = error.map { "\($0)" } ?? "closed"
            shutDown(.portClosed(why), event: .portClosed(why))
        }
    }

    private func process(_ output: BGAPIFrameDecoderOutput, at time: Duration) {
        switch output {
        case let .discarded(dropped):
            emit(.discarded(dropped))
        case let .packet(packet):
            process(Result { () throws(BGAPIDecodingError) in try BGAPIMessage(decoding: packet, direction: .deviceToHost) },
                    at: time)
        }
    }

    private func process(_ decoded: Result<BGAPIMessage, BGAPIDecodingError>, at time: Duration) {
        switch decoded {
        case let .failure(error):
            emit(.malformed("\(error)"))
        case let .success(message):
            if traceTraffic { emit(.traffic(BGAPITrafficRecord(isOutgoing: false, message: message, time: time))) }
            apply(host.receive(message, at: time))
        }
    }

    func apply(_ actions: [HostAction]) {
        dispatchPrecondition(condition: .onQueue(queue))
        for action in actions {
            switch action {
            case let .write(bytes):
                if traceTraffic, let packet = try? BGAPIPacket(bytes: bytes),
                   let m = try? BGAPIMessage(decoding: packet, direction: .hostToDevice) {
                    emit(.traffic(BGAPITrafficRecord(isOutgoing: true, message: m, time: now())))
                }
                do { try transport?.write(bytes) } catch {
                    shutDown(.portClosed("\(error)"), event: .portClosed("\(error)"))
                    return
                }
            case let .complete(id, result):
                waiters.removeValue(forKey: id)?.finish(result)
            case let .event(event):
                route(event)
            case let .unmatchedResponse(response):
                emit(.malformed("response with no command waiting: \(response)"))
            }
        }
        rearm()
    }

    private func route(_ event: BGAPIEvent) {
        for entry in eventWaiters where entry.predicate(event) { entry.waiter.finish(.success(event)) }
        switch event {
        case let .gapScanResponse(e):
            let report = AdvertisementReport(address: e.sender, addressType: e.addressType, packetType: e.packetType,
                                             rssi: e.rssi, bond: e.bond, data: AdvertisingData(bytes: e.data))
            scanSink?(report)
            emit(.advertisement(report))
        case let .attClientAttributeValue(e):
            guard let device = devices[e.connection] else {
                emit(.other(event)) // a link we do not know (just closed): reported, never fatal
                return
            }
            let isIndication = e.type != .notify
            device.deliver(handle: e.attHandle, value: e.value, on: callbackQueue)
            emit(.notification(address: device.address, handle: e.attHandle, value: e.value, isIndication: isIndication))
        case let .connectionStatus(e):
            devices[e.connection]?.update(from: e)
            emit(.other(event))
        case let .connectionDisconnected(e):
            if let device = devices.removeValue(forKey: e.connection) {
                device.markDisconnected(reason: e.reason, on: callbackQueue)
                emit(.disconnected(address: device.address, connection: e.connection, reason: e.reason))
            } else {
                emit(.other(event))
            }
        case let .smPasskeyRequest(e):
            guard let device = devices[e.handle] else { emit(.other(event)); return }
            if let passkey = device.pendingPasskey {
                apply(host.submit(.checkedCommand(.smPasskeyEntry(.init(handle: e.handle, passkey: passkey))),
                                  id: nil, timeout: commandTimeout, at: now()))
            }
            emit(.passkeyRequested(address: device.address))
        case let .smPasskeyDisplay(e):
            emit(.passkeyDisplayed(address: devices[e.handle]?.address ?? BluetoothAddress(rawValue: 0), passkey: e.passkey))
        case let .smBondStatus(e):
            for sink in bondSinks { sink.receive(e.bond) }
            emit(.bonded(e.bond))
        default:
            emit(.other(event))
        }
    }

    private func emit(_ event: BGAPIBackendEvent) {
        guard let handler = eventHandler else { return }
        callbackQueue.async { handler(event) }
    }

    private func shutDown(_ error: BGAPIError, event: BGAPIBackendEvent?) {
        dispatchPrecondition(condition: .onQueue(queue))
        let wasRunning = running
        running = false
        transport?.close()
        transport = nil
        timer?.cancel()
        timer = nil
        for (_, waiter) in waiters { waiter.finish(.failure(error)) }
        waiters = [:]
        _ = host.failAll(error)
        for entry in eventWaiters { entry.waiter.finish(.failure(error)) }
        eventWaiters = []
        scanSink = nil
        let reason: BGAPIErrorCode = .connectionTerminatedByLocalHost
        for (handle, device) in devices {
            device.markDisconnected(reason: reason, on: callbackQueue)
            if wasRunning, event != nil { emit(.disconnected(address: device.address, connection: handle, reason: reason)) }
        }
        devices = [:]
        if wasRunning, let event { emit(event) }
    }

    private func rearm() {
        let deadline = [host.nextDeadline, decoder.expiryDeadline].compactMap { $0 }.min()
        guard running, let deadline else { timer?.cancel(); timer = nil; return }
        if timer == nil {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.setEventHandler { [weak self] in self?.fire() }
            t.resume()
            timer = t
        }
        let delay = max(.zero, deadline - now())
        timer?.schedule(deadline: .now() + .nanoseconds(Int(clamping: delay.nanoseconds)), leeway: .milliseconds(1))
    }

    private func fire() {
        let time = now()
        var outputs: [BGAPIFrameDecoderOutput] = []
        decoder.expire(at: time) { outputs.append($0) }
        for output in outputs { process(output, at: time) }
        apply(host.expire(at: time))
    }

    /// Runs `body` on the backend queue (for the device and scan code in this module).
    func onQueue<T>(_ body: () throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync(execute: body)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (s, a) = components
        let (product, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (s < 0 ? .min : .max) : product &+ a / 1_000_000_000
    }
}

/// Blocks the calling thread (never the backend queue) for `duration`.
func sleep(for duration: Duration) {
    var spec = timespec(tv_sec: Int(duration.components.seconds),
                        tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
    var left = timespec()
    while nanosleep(&spec, &left) != 0 && errno == EINTR { spec = left }
}
