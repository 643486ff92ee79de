import BGAPICore
import BGAPITransport
import Dispatch
import Synchronization

/// Where a backend finds its dongle.
public enum BGAPIPort: Sendable {
    /// A device path: `/dev/ttyACM0`, `/dev/cu.usbmodem1411`, or an emulator's pty or `--link`.
    case path(String)
    /// The first BLED112 found by USB VID 0x2458 / PID 0x0001 (sysfs on Linux). On macOS a `cu.usbmodem*` port
    /// cannot be confirmed to be one, so it is named in the error instead of being reset: pass its path.
    case autoDiscover
    /// Auto-discovery with a discovery of the caller's (fake roots, or another strategy, in tests).
    case discover(PortDiscovery)
    /// A transport made by the caller, e.g. an in-process virtual dongle; called again to reopen after a reset.
    case custom(name: String, open: @Sendable () throws(TransportError) -> any ByteTransport)
}

/// Something the dongle reported that no call was waiting for, delivered on the caller's queue in wire order.
public enum BGAPIBackendEvent: Sendable {
    /// An advertising or scan-response packet (while scanning).
    case advertisement(AdvertisementReport)
    /// A link came up (a connect, a reconnect, or a link the dongle already had).
    case connected(address: BluetoothAddress, connection: ConnectionHandle)
    /// A notification or indication from a connected device.
    case notification(address: BluetoothAddress, handle: AttributeHandle, value: [UInt8], isIndication: Bool)
    /// A link went down, with why: the dongle's reason code, a dongle reset, the port closing, a stop.
    case disconnected(address: BluetoothAddress, connection: ConnectionHandle, reason: LinkLoss)
    /// The dongle reset underneath the backend: every call and link ended; the backend is usable again.
    case dongleReset
    /// An auto-reconnect brought the link back and re-enabled its subscriptions.
    case reconnected(address: BluetoothAddress)
    /// An auto-reconnect gave up.
    case reconnectFailed(address: BluetoothAddress, error: BGAPIError)
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
    /// Any other event (system_boot, connection updates, stray values, …).
    case other(BGAPIEvent)
}

/// A call's absolute deadline and the timeout it came from (for the error), shared by all of its steps.
struct CallBudget: Sendable {
    let deadline: Duration
    let timeout: Duration
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
/// notification callbacks, which run on the queue given at init and never on the backend's own queue.
public final class BGAPIBackend: @unchecked Sendable {
    // @unchecked: every `var` below is touched only on `queue` (checked with dispatchPrecondition in `sync`
    // and in every entry point that runs there); settings shared with callers live in a Mutex.
    let queue = DispatchQueue(label: "blex.bgapi.backend")
    /// Where events and notification callbacks run (serial, targeting the caller's queue).
    public let callbackQueue: DispatchQueue
    /// Where the dongle is.
    public let port: BGAPIPort
    /// Inter-byte timeout of the framer: a partial packet older than this is dropped as torn.
    public let interByteTimeout: Duration
    /// The clock and timers the backend runs on.
    public let scheduler: any HostScheduler

    private struct Settings: Sendable {
        var commandTimeout: Duration = .seconds(5)
        var traceTraffic = false
    }
    private let settings = Mutex(Settings())

    /// Default deadline for a plain command (pygatt's 1 s was too short on some machines; issue #274).
    public var commandTimeout: Duration {
        get { settings.withLock { $0.commandTimeout } }
        set { settings.withLock { $0.commandTimeout = newValue } }
    }
    /// Whether ``BGAPIBackendEvent/traffic(_:)`` events are emitted for every message.
    public var tracesTraffic: Bool {
        get { settings.withLock { $0.traceTraffic } }
        set { settings.withLock { $0.traceTraffic = newValue } }
    }

    private var host = BGAPIHost()
    private var decoder: BGAPIFrameDecoder
    private var transport: (any ByteTransport)?
    private var timer: (any ScheduledTimer)?
    private var timerDeadline: Duration?
    private var nextID: UInt64 = 0
    typealias Completion = @Sendable (Result<HostResult, BGAPIError>) -> Void
    private var waiters: [HostRequestID: Completion] = [:]
    private var rawCalls: Set<HostRequestID> = []
    private var finished: [(Completion, Result<HostResult, BGAPIError>)] = []
    private var eventStreams: [UInt64: AsyncStream<BGAPIBackendEvent>.Continuation] = [:]
    private var nextStream: UInt64 = 0
    private var eventHandler: (@Sendable (BGAPIBackendEvent, Duration) -> Void)?
    /// Events emitted this turn, for the handler: they reach the callback queue as one block at the end of the
    /// turn (a read burst of advertisements wakes the caller's queue once, not once per packet).
    private var outbox: [(BGAPIBackendEvent, Duration)] = []
    /// How long events may wait in the outbox to go out together (zero: at the end of the turn).
    private var eventDelay: Duration = .zero
    private var outboxTimer: (any ScheduledTimer)?
    /// Events since the last raw command's response, for ``expect(timeout:matching:)`` (pygatt's queue).
    private var rawEvents: [BGAPIEvent] = []
    private static let rawEventLimit = 256
    private var expectations: [ObjectIdentifier: Mailbox<BGAPIEvent>] = [:]
    private var scanMailboxes: [ObjectIdentifier: Mailbox<AdvertisementReport>] = [:]
    private var scanStreams: [ObjectIdentifier: (sink: @Sendable (AdvertisementReport) -> Void,
                                                 end: @Sendable (BGAPIError) -> Void)] = [:]
    var scanSink: (@Sendable (AdvertisementReport) -> Void)?
    /// Every peripheral connected, by address: the same object across reconnects (at most
    /// ``peripheralLimit``; the longest-disconnected are forgotten first).
    private var peripherals: [BluetoothAddress: BGAPIDevice] = [:]
    private var peripheralOrder: [BluetoothAddress] = []   // least recently up first
    /// How many peripherals the backend remembers for reconnects.
    public static let peripheralLimit = 256
    /// The device bound to each link that is up.
    private var linked: [LinkID: BGAPIDevice] = [:]
    private(set) var running = false
    private var storedAddress: BluetoothAddress?

    /// A backend on `serialPort`, or the first BLED112 found when `nil` (pygatt's `serial_port=None`).
    public convenience init(serialPort: String? = nil, interByteTimeout: Duration = .milliseconds(100),
                            callbackQueue: DispatchQueue? = nil) {
        self.init(port: serialPort.map { .path($0) } ?? .autoDiscover, interByteTimeout: interByteTimeout,
                  callbackQueue: callbackQueue)
    }

    /// A backend on any ``BGAPIPort``; events and callbacks run on `callbackQueue` (a private serial queue if
    /// nil); deadlines run on `scheduler` (the real clock unless a test passes a manual one).
    public init(port: BGAPIPort, interByteTimeout: Duration = .milliseconds(100), callbackQueue: DispatchQueue? = nil,
                scheduler: any HostScheduler = DispatchScheduler()) {
        self.port = port
        self.interByteTimeout = interByteTimeout
        self.scheduler = scheduler
        self.callbackQueue = DispatchQueue(label: "blex.bgapi.callbacks", target: callbackQueue)
        var config = BGAPIFrameDecoder.Configuration(direction: .deviceToHost)
        config.interByteTimeout = interByteTimeout
        config.acceptsUnknownMessages = true
        decoder = BGAPIFrameDecoder(configuration: config)
    }

    deinit {
        outboxTimer?.cancel()
        timer?.cancel()
        transport?.close()
    }

    /// Receives every ``BGAPIBackendEvent`` on ``callbackQueue``; `nil` stops delivery.
    public func setEventHandler(_ handler: (@Sendable (BGAPIBackendEvent) -> Void)?) {
        guard let handler else { setEventHandler(batchingFor: .zero, nil); return }
        setEventHandler(batchingFor: .zero) { event, _ in handler(event) }
    }

    /// Receives every event with the backend time it was received (the scheduler's clock, as traffic records'
    /// `time`). Events wait up to `delay` and arrive together, in order, in one block on ``callbackQueue``: a
    /// UI that redraws a few times a second is then woken about 1/`delay` times a second, not once per packet.
    public func setEventHandler(batchingFor delay: Duration, _ handler: (@Sendable (BGAPIBackendEvent, Duration) -> Void)?) {
        sync {
            eventHandler = handler
            eventDelay = max(.zero, delay)
        }
    }

    // MARK: - Start and stop

    /// Opens the port and readies the dongle: optionally resets it (waiting for the USB port to come back,
    /// perhaps under a new name), then stops advertising, turns bonding off and ends any GAP procedure.
    public func start(reset: Bool = true, delayAfterReset: Duration = .seconds(1),
                      reopenTimeout: Duration = .seconds(10)) throws(BGAPIError) {
        dispatchPrecondition(condition: .notOnQueue(queue))
        if sync({ running }) { stop() }
        if reset {
            // The node the reset goes to: after it, a BLED112 leaves the bus and comes back as a new node.
            let before = try resolvePath().flatMap(SerialPort.identity(of:))
            let first = try openTransport()
            let reset = SystemResetCommand(bootInDFU: false)
            if let bytes = try? reset.encodedBytes() {
                do { try first.write(bytes) } catch { first.close(); throw .portClosed("\(error)") }
                // Written before the backend runs, so traced here: a traffic view shows the reset too.
                if tracesTraffic {
                    let record = BGAPITrafficRecord(isOutgoing: true, message: .command(.systemReset(reset)), time: now())
                    sync { emit(.traffic(record)) }
                }
            }
            first.close()
            scheduler.sleep(for: delayAfterReset)
            try attach(try reopen(within: reopenTimeout, notBefore: before))
        } else {
            try attach(try openTransport())
        }
        // A UART module announces its boot (system_boot) while this runs; that resets the host and fails the
        // step in flight, so the sequence is tried again once.
        for attempt in 1 ... 2 {
            do throws(BGAPIError) {
                try perform(.checkedCommand(.gapSetMode(.init(discover: .nonDiscoverable, connect: .nonConnectable))),
                            timeout: commandTimeout)
                try perform(.checkedCommand(.smSetBondableMode(.init(bondable: false))), timeout: commandTimeout)
                try perform(.stopScan, timeout: commandTimeout)
                return
            } catch .dongleReset where attempt == 1 {
                continue
            } catch {
                stop()
                throw error
            }
        }
    }

    /// Disconnects every device, closes the port and fails whatever is still pending with `.notRunning`.
    public func stop() {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let connected = sync { Array(linked.values) }
        for device in connected { try? device.disconnect(timeout: .seconds(2)) }
        sync { shutDown(.notRunning, loss: .stopped, event: nil) }
    }

    /// Whether the port is open and the backend answers calls.
    public var isRunning: Bool { sync { running } }

    /// The dongle's address, once ``macAddress()`` has asked.
    public var address: BluetoothAddress? { sync { storedAddress } }
    func remember(address: BluetoothAddress) { sync { storedAddress = address } }

    private func resolvePath() throws(BGAPIError) -> String? {
        switch port {
        case let .path(p): return p
        case .custom: return nil
        case .autoDiscover: return try Self.discovered(by: PortDiscovery())
        case let .discover(discovery): return try Self.discovered(by: discovery)
        }
    }

    /// The first confirmed BLED112; unconfirmed candidates are named, never opened (a reset would go to
    /// whatever USB modem they are).
    static func discovered(by discovery: PortDiscovery) throws(BGAPIError) -> String {
        let candidates = discovery.candidates()
        if let confirmed = candidates.first(where: \.isConfirmed) { return confirmed.path }
        if !candidates.isEmpty {
            throw .noDongle("cannot tell whether \(candidates.map(\.path).joined(separator: ", ")) is a BLED112 (no USB ids "
                            + "on this system): pass the port path, e.g. --port \(candidates[0].path)")
        }
        throw .noDongle("no BLED112 found (USB 2458:0001): plug one in, or pass the port path")
    }

    private func openTransport() throws(BGAPIError) -> any ByteTransport {
        if case let .custom(name, open) = port {
            do { return try open() } catch { throw .noDongle("\(name): \(error)") }
        }
        guard let path = try resolvePath() else { throw .noDongle("no port") }
        do { return try SerialPort.open(path: path) } catch { throw .noDongle("\(error)") }
    }

    /// After a reset the USB port disappears and comes back; keep trying until it opens. The node the reset
    /// went to is not reopened for up to a second (it is about to vanish: opening it would give a port that
    /// closes under us); after that it is taken as it is (a UART module keeps its port).
    private func reopen(within limit: Duration, notBefore old: SerialPort.DeviceIdentity?) throws(BGAPIError) -> any ByteTransport {
        let started = now()
        let deadline = started + limit
        while true {
            let stale = old != nil && now() < started + .seconds(1)
                && (try? resolvePath()).flatMap { $0 }.flatMap(SerialPort.identity(of:)) == old
            if !stale {
                do { return try openTransport() } catch {
                    if now() >= deadline { throw error }
                }
            }
            scheduler.sleep(for: .milliseconds(stale ? 10 : 100))
        }
    }

    private func attach(_ transport: any ByteTransport) throws(BGAPIError) {
        sync {
            self.transport = transport
            // The host keeps its link numbering across restarts (failAll left it otherwise as new), so a
            // LinkID is never reused for the backend's whole life.
            decoder = BGAPIFrameDecoder(configuration: decoder.configuration)
            rawEvents = []
            running = true
            transport.start(on: queue) { [weak self] event in self?.turn { self?.handle(event) } }
        }
    }

    // MARK: - Calls

    /// Runs one host operation and blocks until it completes or the budget's deadline (backend time) passes.
    @discardableResult
    func perform(_ operation: HostOperation, within budget: CallBudget) throws(BGAPIError) -> HostResult {
        let deadline = budget.deadline
        dispatchPrecondition(condition: .notOnQueue(queue))
        let waiter = Waiter<HostResult>()
        submit(operation, within: budget) { waiter.finish($0) }
        return try waiter.wait(backstop: max(.zero, deadline - now()) + .seconds(2), operation: operation.name).get()
    }

    /// Submits one host operation from any thread; `completion` runs once, on the backend queue at the end of
    /// the turn that finished it. `registered` hears the call's id (to cancel it) before anything is sent.
    func submit(_ operation: HostOperation, within budget: CallBudget,
                registered: (@Sendable (HostRequestID) -> Void)? = nil, completion: @escaping Completion) {
        let raw: Bool
        if case .command = operation { raw = true } else { raw = false }
        queue.async { [self] in
            turn {
                guard running else { completion(.failure(.notRunning)); return }
                nextID += 1
                let id = HostRequestID(rawValue: nextID)
                waiters[id] = completion
                if raw { rawCalls.insert(id) }
                registered?(id)
                apply(host.submit(operation, id: id, deadline: budget.deadline, timeout: budget.timeout, at: now()))
            }
        }
    }

    /// Cancels a call submitted with ``submit(_:within:registered:completion:)``; it completes with `.cancelled`.
    func cancel(_ id: HostRequestID) {
        queue.async { [self] in turn { apply(host.cancel(id, at: now())) } }
    }

    /// Gives up on every connect to `address` now (from any thread): a blocking `connect` throws
    /// `.cancelled` (an async one `CancellationError`), the radio stops initiating, and a link that completes
    /// anyway is closed.
    public func cancelConnect(to address: BluetoothAddress) {
        queue.async { [self] in turn { apply(host.cancelConnect(to: address, at: now())) } }
    }

    /// A new stream of every backend event, in wire order, from now until the consumer goes away (across
    /// stops and starts; bounded: the newest 4,096 are kept if the consumer falls behind).
    func makeEventStream() -> AsyncStream<BGAPIBackendEvent> {
        let (stream, continuation) = AsyncStream<BGAPIBackendEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let key = sync { () -> UInt64 in
            nextStream += 1
            eventStreams[nextStream] = continuation
            return nextStream
        }
        let queue = self.queue
        continuation.onTermination = { [weak self] _ in
            queue.async { [weak self] in self?.eventStreams[key] = nil }
        }
        return stream
    }

    /// Runs one host operation with its own `timeout` from now.
    @discardableResult
    func perform(_ operation: HostOperation, timeout: Duration) throws(BGAPIError) -> HostResult {
        try perform(operation, within: budget(timeout))
    }

    /// One absolute deadline for a call made of several steps, from `timeout` starting now.
    func budget(_ timeout: Duration) -> CallBudget { CallBudget(deadline: now() + timeout, timeout: timeout) }

    /// Sends any command and returns its response, whatever its result code (pygatt's `send_command` + `expect`).
    /// Commands that have no response (`system_reset`, `dfu_reset`, `system_delay_reset`) return `nil` once sent.
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
        if Command.Response.self == NoResponse.self, response == nil, let none = NoResponse() as? Command.Response {
            return none
        }
        guard let typed = response?.payload as? Command.Response else {
            throw .unexpected("\(String(describing: response)) is not \(Command.Response.self)")
        }
        return typed
    }

    /// Waits for the next event `matching` (pygatt's `expect_any`): events that followed the last raw
    /// command's response count, however the bytes were chunked, so `send` then `expect` never misses one.
    /// `matching` runs on the calling thread, never on the backend's queue.
    public func expect(timeout: Duration, matching: @escaping @Sendable (BGAPIEvent) -> Bool) throws(BGAPIError) -> BGAPIEvent {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let mailbox = Mailbox<BGAPIEvent>(capacity: 4096)
        let key = ObjectIdentifier(mailbox)
        // Events already seen since the last raw response are offered first, then new ones as they come.
        let alive = sync { () -> Bool in
            guard running else { return false }
            for e in rawEvents { mailbox.put(e) }
            expectations[key] = mailbox
            return true
        }
        guard alive else { throw .notRunning }
        defer { sync { expectations[key] = nil } }
        let deadline = now() + timeout
        while true {
            switch mailbox.take(within: deadline - now()) {
            case let .failure(error): throw error
            case .success(nil): throw .timeout(operation: "expect", after: timeout)
            case let .success(event?):
                if matching(event) {
                    sync { if let i = rawEvents.firstIndex(of: event) { rawEvents.remove(at: i) } }
                    return event
                }
            }
        }
    }

    /// Waits for the next event of a type (pygatt's `expect`), e.g. `expect(SystemBootEvent.self, timeout: .seconds(2))`.
    public func expect<Event: BGAPIEventPayload>(_ type: Event.Type, timeout: Duration) throws(BGAPIError) -> Event {
        let event = try expect(timeout: timeout) { $0.payload is Event }
        guard let typed = event.payload as? Event else { throw .unexpected("\(event)") }
        return typed
    }

    // MARK: - The backend queue

    /// Backend time (the scheduler's clock).
    func now() -> Duration { scheduler.now }

    /// Runs `body` on the backend queue from a caller's thread; re-entry from the queue itself is a bug.
    func sync<T>(_ body: () throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync {
            defer { flushEvents() }
            return try body()
        }
    }

    /// One turn of the backend queue: callers waiting for what it finished wake only after the whole turn
    /// (a whole read burst), so a link that came up and went down in one burst is already down when they look.
    private func turn(_ body: () -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        body()
        flushEvents()
        let done = finished
        finished = []
        for (completion, result) in done { completion(result) }
    }

    private func handle(_ event: TransportEvent) {
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
            shutDown(.portClosed(why), loss: .portClosed(why), event: .portClosed(why))
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
            guard running else { return }
            if tracesTraffic { emit(.traffic(BGAPITrafficRecord(isOutgoing: false, message: message, time: time))) }
            if case let .event(e) = message {
                rawEvents.append(e)
                if rawEvents.count > Self.rawEventLimit { rawEvents.removeFirst(rawEvents.count - Self.rawEventLimit) }
                for box in expectations.values { box.put(e) }
            }
            apply(host.receive(message, at: time))
        }
    }

    func apply(_ actions: [HostAction]) {
        dispatchPrecondition(condition: .onQueue(queue))
        for action in actions {
            switch action {
            case let .write(bytes):
                if tracesTraffic, let packet = try? BGAPIPacket(bytes: bytes),
                   let m = try? BGAPIMessage(decoding: packet, direction: .hostToDevice) {
                    emit(.traffic(BGAPITrafficRecord(isOutgoing: true, message: m, time: now())))
                }
                do { try transport?.write(bytes) } catch {
                    shutDown(.portClosed("\(error)"), loss: .portClosed("\(error)"), event: .portClosed("\(error)"))
                    return
                }
            case let .complete(id, result):
                // A raw command's answer starts a new exchange: `expect` looks at what follows it.
                if rawCalls.remove(id) != nil { rawEvents = [] }
                if let completion = waiters.removeValue(forKey: id) { finished.append((completion, result)) }
            case let .linkUp(info):
                let device = peripherals[info.address] ?? BGAPIDevice(backend: self, address: info.address,
                                                                       addressType: info.addressType)
                peripherals[info.address] = device
                peripheralOrder.removeAll { $0 == info.address }
                peripheralOrder.append(info.address)
                if peripheralOrder.count > Self.peripheralLimit,
                   let stale = peripheralOrder.first(where: { peripherals[$0]?.isConnected == false }) {
                    peripherals[stale] = nil
                    peripheralOrder.removeAll { $0 == stale }
                }
                device.bind(info)
                linked[info.id] = device
                emit(.connected(address: info.address, connection: info.connection))
            case let .linkUpdated(info):
                linked[info.id]?.update(from: info.status)
            case let .linkDown(info, loss):
                guard let device = linked.removeValue(forKey: info.id) else { break }
                postEvents() // what the device puts on the callback queue comes after the events before it
                let reconnect = device.markDown(link: info.id, loss: loss, on: callbackQueue)
                emit(.disconnected(address: info.address, connection: info.connection, reason: loss))
                if let reconnect { startReconnecting(device, policy: reconnect) }
            case let .notification(info, handle, value, isIndication):
                // A value callback comes after the events before it (posted first when there is one).
                linked[info.id]?.deliver(handle: handle, value: value, on: callbackQueue) { postEvents() }
                emit(.notification(address: info.address, handle: handle, value: value, isIndication: isIndication))
            case .dongleReset:
                scanSink = nil
                emit(.dongleReset)
            case let .event(event):
                route(event)
            case let .unmatchedResponse(response):
                emit(.malformed("response with no command waiting: \(response)"))
            }
        }
        rearm()
    }

    private func device(on handle: ConnectionHandle) -> BGAPIDevice? {
        host.activeLinks.first { $0.connection == handle }.flatMap { linked[$0.id] }
    }

    private func route(_ event: BGAPIEvent) {
        switch event {
        case let .gapScanResponse(e):
            let report = AdvertisementReport(address: e.sender, addressType: e.addressType, packetType: e.packetType,
                                             rssi: e.rssi, bond: e.bond, data: AdvertisingData(bytes: e.data))
            for box in scanMailboxes.values { box.put(report) }
            for stream in scanStreams.values { stream.sink(report) }
            if let sink = scanSink {
                postEvents()
                callbackQueue.async { sink(report) }
            }
            emit(.advertisement(report))
        case let .smPasskeyRequest(e):
            guard let device = device(on: e.handle) else { emit(.other(event)); return }
            emit(.passkeyRequested(address: device.address))
        case let .smPasskeyDisplay(e):
            emit(.passkeyDisplayed(address: device(on: e.handle)?.address ?? BluetoothAddress(rawValue: 0), passkey: e.passkey))
        case let .smBondStatus(e):
            emit(.bonded(e.bond))
        default:
            emit(.other(event))
        }
    }

    private func emit(_ event: BGAPIBackendEvent) {
        for stream in eventStreams.values { stream.yield(event) }
        if eventHandler != nil { outbox.append((event, now())) }
    }

    /// Hands the events emitted so far to the handler, in order, in one block on the callback queue. Runs at the
    /// end of every turn and of every `sync`, and before anything else the backend puts on the callback queue,
    /// so an event is never overtaken and never held past the block that emitted it.
    private func flushEvents() {
        guard !outbox.isEmpty else { return }
        guard eventDelay > .zero else { postEvents(); return }
        guard outboxTimer == nil else { return }
        outboxTimer = scheduler.schedule(at: now() + eventDelay, on: queue) { [weak self] in
            guard let self else { return }
            // A source that has fired is cancelled, never just dropped.
            outboxTimer?.cancel()
            outboxTimer = nil
            postEvents()
        }
    }

    /// Posts the outbox to the handler now, as one block on the callback queue.
    private func postEvents() {
        guard !outbox.isEmpty else { return }
        let batch = outbox
        outbox = []
        guard let handler = eventHandler else { return }
        callbackQueue.async { for (event, time) in batch { handler(event, time) } }
    }

    private func shutDown(_ error: BGAPIError, loss: LinkLoss, event: BGAPIBackendEvent?) {
        dispatchPrecondition(condition: .onQueue(queue))
        let wasRunning = running
        running = false
        transport?.close()
        transport = nil
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        apply(host.failAll(error, loss: loss))
        for (_, completion) in waiters { finished.append((completion, .failure(error))) }
        waiters = [:]
        rawCalls = []
        for box in expectations.values { box.close(error) }
        for box in scanMailboxes.values { box.close(error) }
        for stream in scanStreams.values { stream.end(error) }
        scanStreams = [:]
        scanSink = nil
        if wasRunning, let event { emit(event) }
        outboxTimer?.cancel()
        outboxTimer = nil
        postEvents()
    }

    private func rearm() {
        let deadline = [host.nextDeadline, decoder.expiryDeadline].compactMap { $0 }.min()
        guard running, let deadline else { timer?.cancel(); timer = nil; timerDeadline = nil; return }
        if timerDeadline == deadline, timer != nil { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = scheduler.schedule(at: deadline, on: queue) { [weak self] in self?.turn { self?.fire() } }
    }

    private func fire() {
        // A source that has fired is cancelled, never just dropped: libdispatch must not keep a released one.
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        guard running else { return }
        let time = now()
        var outputs: [BGAPIFrameDecoderOutput] = []
        decoder.expire(at: time) { outputs.append($0) }
        for output in outputs { process(output, at: time) }
        apply(host.expire(at: time))
    }

    // MARK: - Module hooks (called from the device and scan code through `sync`)

    /// Registers a mailbox for advertisement reports; returns a key to remove it.
    func addScanMailbox(_ box: Mailbox<AdvertisementReport>) -> ObjectIdentifier? {
        sync {
            guard running else { return nil }
            scanMailboxes[ObjectIdentifier(box)] = box
            return ObjectIdentifier(box)
        }
    }

    func removeScanMailbox(_ key: ObjectIdentifier) { sync { scanMailboxes[key] = nil; scanStreams[key] = nil } }

    /// Registers an async scan's sink (reports, in order, on the backend queue) and how to end it.
    func addScanContinuation(_ key: ObjectIdentifier, _ sink: @escaping @Sendable (AdvertisementReport) -> Void,
                             onEnd: @escaping @Sendable (BGAPIError) -> Void) -> Bool {
        sync {
            guard running else { return false }
            scanStreams[key] = (sink, onEnd)
            return true
        }
    }

    /// The device object for `address`, if the backend has ever connected it.
    func peripheral(_ address: BluetoothAddress) -> BGAPIDevice? { sync { peripherals[address] } }

    /// The device bound to the link, if that link is up.
    func device(for link: LinkID) -> BGAPIDevice? { sync { linked[link] } }

    /// Devices with a link up, by connection handle.
    var linkedDevices: [BGAPIDevice] { sync { linked.values.sorted { $0.connection.rawValue < $1.connection.rawValue } } }

    private func startReconnecting(_ device: BGAPIDevice, policy: ReconnectPolicy) {
        // Blocking calls cannot run here or on the callback queue: the retries get a thread of their own.
        let events = callbackQueue
        let handler = eventHandler
        DispatchQueue.global().async { [weak self] in
            guard let self else { return }
            switch device.runReconnect(policy: policy, scheduler: self.scheduler) {
            case .success: if let handler { events.async { handler(.reconnected(address: device.address), self.now()) } }
            case let .failure(error): if let handler { events.async { handler(.reconnectFailed(address: device.address, error: error), self.now()) } }
            }
        }
    }
}
