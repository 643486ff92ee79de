import BGAPICore
import Dispatch
import Synchronization

// The async API: the same host procedures as the blocking calls, awaited instead of waited for. Cancelling the
// task ends a call at once with `CancellationError` and leaves the link usable (a procedure the dongle still
// runs keeps its slot until the dongle ends it); deadlines stay absolute.

/// A call's id once the backend queue has it, and whether its task was cancelled first.
private final class Ticket: Sendable {
    private let state = Mutex<(id: HostRequestID?, cancelled: Bool)>((nil, false))
    /// Records the id; `false` when the task was already cancelled.
    func register(_ id: HostRequestID) -> Bool {
        state.withLock { s in s.id = id; return !s.cancelled }
    }
    /// Marks the call cancelled; the id to cancel, if the queue has registered it.
    func cancel() -> HostRequestID? {
        state.withLock { s in s.cancelled = true; return s.id }
    }
}

extension BGAPIBackend {
    /// Runs one host operation as an awaited call; cancellation ends it with `CancellationError`.
    func perform(_ operation: HostOperation, within budget: CallBudget) async throws -> HostResult {
        try Task.checkCancellation()
        let ticket = Ticket()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HostResult, any Error>) in
                submit(operation, within: budget, registered: { [weak self] id in
                    if !ticket.register(id) { self?.cancel(id) }
                }, completion: { result in
                    switch result {
                    case let .success(value): continuation.resume(returning: value)
                    case .failure(.cancelled): continuation.resume(throwing: CancellationError())
                    case let .failure(error): continuation.resume(throwing: error)
                    }
                })
            }
        } onCancel: { [weak self] in
            if let id = ticket.cancel() { self?.cancel(id) }
        }
    }

    /// Runs one host operation as an awaited call with its own `timeout` from now.
    @discardableResult
    func perform(_ operation: HostOperation, timeout: Duration) async throws -> HostResult {
        try await perform(operation, within: budget(timeout))
    }

    /// Runs blocking library calls from async code without blocking a Swift concurrency thread: `body` runs
    /// on a global queue and the task resumes with its result, e.g.
    /// `let info = try await backend.perform { try $0.send(SystemGetInfoCommand()) }`.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (BGAPIBackend) throws -> T) async throws(BGAPIError) -> T {
        let result: Result<T, BGAPIError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: .success(try body(self)))
                } catch let error as BGAPIError {
                    continuation.resume(returning: .failure(error))
                } catch {
                    continuation.resume(returning: .failure(.unexpected("\(error)")))
                }
            }
        }
        return try result.get()
    }

    /// Opens the port and readies the dongle, like the blocking ``start(reset:delayAfterReset:reopenTimeout:)``
    /// (its reset wait and reopen loop run off the Swift concurrency threads).
    public func start(reset: Bool = true, delayAfterReset: Duration = .seconds(1),
                      reopenTimeout: Duration = .seconds(10)) async throws {
        try Task.checkCancellation()
        try await perform { try $0.start(reset: reset, delayAfterReset: delayAfterReset, reopenTimeout: reopenTimeout) }
    }

    /// Every backend event (links up and down with reasons, dongle reset or unplugged, notifications, scan
    /// reports, …) as an async sequence; each access makes a new, independent stream.
    public var events: AsyncStream<BGAPIBackendEvent> { makeEventStream() }

    /// Connects, as ``connect(address:timeout:addressType:intervalMin:intervalMax:supervisionTimeout:latency:)``;
    /// the same ``BGAPIDevice`` for an address connected before.
    public func connect(to address: BluetoothAddress, timeout: Duration = .seconds(5), addressType: AddressType = .public,
                        intervalMin: Duration = .microseconds(75_000), intervalMax: Duration = .microseconds(95_000),
                        supervisionTimeout: Duration = .seconds(1), latency: Int = 0) async throws -> BGAPIDevice {
        let command = try Self.connectCommand(address: address, addressType: addressType, intervalMin: intervalMin,
                                              intervalMax: intervalMax, supervisionTimeout: supervisionTimeout, latency: latency)
        if let existing = peripheral(address), existing.isConnected { return existing }
        guard case let .connected(info) = try await perform(.connect(command), timeout: timeout) else {
            throw BGAPIError.unexpected("connect")
        }
        return try boundDevice(for: info, command: command)
    }

    /// Advertisement reports while the stream is iterated. The scan starts when iteration begins; breaking
    /// out of the loop or cancelling the task ends it on the dongle (`gap_end_procedure`). A scan that cannot
    /// start, or a backend that stops, finishes the stream with the error. Bounded: the newest 4,096 reports
    /// are kept if the consumer falls behind.
    public func scan(interval: Duration = .microseconds(46_875), window: Duration = .microseconds(31_250),
                     active: Bool = true, discoverMode: GAPDiscoverMode = .observation)
        -> AsyncThrowingStream<AdvertisementReport, any Error> {
        let (stream, continuation) = AsyncThrowingStream<AdvertisementReport, any Error>.makeStream(
            bufferingPolicy: .bufferingNewest(4096))
        let key = ObjectIdentifier(ScanKey())
        let sink: @Sendable (AdvertisementReport) -> Void = { continuation.yield($0) }
        let starting = Task { [self] in
            do {
                let parameters = try Self.scanParameters(interval: interval, window: window, active: active)
                guard addScanContinuation(key, sink, onEnd: { continuation.finish(throwing: $0) }) else {
                    throw BGAPIError.notRunning
                }
                try await perform(.startScan(parameters, mode: discoverMode), timeout: commandTimeout)
            } catch {
                removeScanMailbox(key)
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { [weak self] _ in
            starting.cancel()
            guard let self else { return }
            self.removeScanMailbox(key)
            // The consumer is gone: end the discovery on the dongle (not on a Swift concurrency thread).
            DispatchQueue.global().async { [weak self] in try? self?.stopScanning() }
        }
        return stream
    }

    /// Ends a scan; not scanning is not an error, and a connect another caller has initiating is left alone.
    public func stopScanning() async throws {
        try await perform(.stopScan, timeout: commandTimeout)
    }

    /// The bonds stored in the dongle's flash, within one deadline.
    public func bonds(timeout: Duration = .seconds(5)) async throws -> [BondHandle] {
        guard case let .bonds(bonds) = try await perform(.bonds, timeout: timeout) else { throw BGAPIError.unexpected("sm_get_bonds") }
        return bonds
    }

    /// Sends any command and returns its response, whatever its result code (raw access).
    public func sendCommand(_ command: BGAPICommand, timeout: Duration? = nil) async throws -> BGAPIResponse? {
        guard case let .response(r) = try await perform(.command(command), timeout: timeout ?? commandTimeout) else {
            throw BGAPIError.unexpected("no response")
        }
        return r
    }
}

extension BGAPIDevice {
    private func run(_ operation: (LinkID) -> HostOperation, within budget: CallBudget) async throws -> HostResult {
        try await backend.perform(operation(try linkID()), within: budget)
    }

    /// Finds every service, include, characteristic and descriptor (see the blocking ``discoverServices(timeout:)``).
    @discardableResult
    public func discover(timeout: Duration = .seconds(30)) async throws -> [GATTService] {
        try await discover(within: backend.budget(timeout))
    }

    private func discover(within budget: CallBudget) async throws -> [GATTService] {
        guard case let .services(services) = try await run({ .discover($0) }, within: budget) else {
            throw BGAPIError.unexpected("discovery")
        }
        store(services: services)
        return services
    }

    private func characteristic(_ uuid: BluetoothUUID, within budget: CallBudget) async throws -> GATTCharacteristic {
        let all = try await servicesOrDiscover(within: budget)
        guard let c = all.flatMap(\.characteristics).first(where: { $0.uuid.matches(uuid) }) else {
            throw BGAPIError.notFound("no characteristic \(uuid) on \(address)")
        }
        return c
    }

    private func characteristic(at handle: AttributeHandle, within budget: CallBudget) async throws -> GATTCharacteristic {
        let all = try await servicesOrDiscover(within: budget)
        guard let c = all.flatMap(\.characteristics).first(where: { $0.valueHandle == handle }) else {
            throw BGAPIError.notFound("no characteristic value at handle \(handle) on \(address)")
        }
        return c
    }

    private func servicesOrDiscover(within budget: CallBudget) async throws -> [GATTService] {
        if let known = services { return known }
        return try await discover(within: budget)
    }

    /// Reads a characteristic's value by UUID (22 bytes at most; discovery, when needed, shares the deadline).
    public func read(_ uuid: BluetoothUUID, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        let budget = backend.budget(timeout)
        return try await read(try await characteristic(uuid, within: budget).valueHandle, long: false, within: budget)
    }

    /// Reads an attribute by handle.
    public func readHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await read(handle, long: false, within: backend.budget(timeout))
    }

    /// Reads a value of any length by UUID (read blob), within one deadline.
    public func readLong(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) async throws -> [UInt8] {
        let budget = backend.budget(timeout)
        return try await read(try await characteristic(uuid, within: budget).valueHandle, long: true, within: budget)
    }

    /// Reads a value of any length by handle.
    public func readLongHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(30)) async throws -> [UInt8] {
        try await read(handle, long: true, within: backend.budget(timeout))
    }

    private func read(_ handle: AttributeHandle, long: Bool, within budget: CallBudget) async throws -> [UInt8] {
        guard case let .value(v) = try await run({ long ? .readLong($0, handle) : .read($0, handle) }, within: budget) else {
            throw BGAPIError.unexpected("read")
        }
        return v
    }

    /// Writes by UUID, with a response or as a command (20 bytes at most; see `writeLong(_:_:timeout:)`).
    public func write(_ uuid: BluetoothUUID, _ value: [UInt8], withResponse: Bool = true,
                      timeout: Duration = .seconds(30)) async throws {
        let budget = backend.budget(timeout)
        try await write(try await characteristic(uuid, within: budget).valueHandle, value, withResponse: withResponse, within: budget)
    }

    /// Writes by handle, with a response or as a command.
    public func writeHandle(_ handle: AttributeHandle, _ value: [UInt8], withResponse: Bool = true,
                            timeout: Duration = .seconds(30)) async throws {
        try await write(handle, value, withResponse: withResponse, within: backend.budget(timeout))
    }

    private func write(_ handle: AttributeHandle, _ value: [UInt8], withResponse: Bool, within budget: CallBudget) async throws {
        try Self.checkWriteLength(value)
        _ = try await run({ withResponse ? .write($0, handle, value) : .writeWithoutResponse($0, handle, value) }, within: budget)
    }

    /// Writes up to 512 bytes by UUID with prepare/execute write, within one deadline.
    public func writeLong(_ uuid: BluetoothUUID, _ value: [UInt8], timeout: Duration = .seconds(30)) async throws {
        let budget = backend.budget(timeout)
        try await writeLong(try await characteristic(uuid, within: budget).valueHandle, value, within: budget)
    }

    /// Writes up to 512 bytes by handle with prepare/execute write.
    public func writeLongHandle(_ handle: AttributeHandle, _ value: [UInt8], timeout: Duration = .seconds(30)) async throws {
        try await writeLong(handle, value, within: backend.budget(timeout))
    }

    private func writeLong(_ handle: AttributeHandle, _ value: [UInt8], within budget: CallBudget) async throws {
        try Self.checkLongWriteLength(value)
        _ = try await run({ .writeLong($0, handle, value) }, within: budget)
    }

    /// Encrypts the link (bonding when `permanent`), entering `passkey` when the peer asks for one.
    public func bond(permanent: Bool = false, passkey: UInt32? = nil, timeout: Duration = .seconds(30)) async throws {
        if let passkey, passkey > 999_999 { throw BGAPIError.invalidArgument("passkey \(passkey) has more than six digits") }
        guard case let .encrypted(status) = try await run({ .bond($0, permanent: permanent, passkey: passkey) },
                                                          within: backend.budget(timeout)) else {
            throw BGAPIError.unexpected("encrypt")
        }
        update(from: status)
    }

    /// The link's RSSI in dBm, never a sentinel (see the blocking ``rssi()``).
    public func rssi() async throws -> Int8 {
        guard case let .rssi(value) = try await run({ .rssi($0) }, within: backend.budget(backend.commandTimeout + .milliseconds(300))) else {
            throw BGAPIError.unexpected("connection_get_rssi")
        }
        return value
    }

    /// Closes the link and waits for the dongle to confirm; no auto-reconnect follows.
    public func disconnect(timeout: Duration = .seconds(5)) async throws {
        markClosing()
        guard let link = try? linkID() else { return }
        do {
            try await backend.perform(.disconnect(link), timeout: timeout)
        } catch BGAPIError.notConnected {
            return
        }
    }

    /// The values the characteristic with `uuid` notifies (or indicates) while the sequence is iterated: the
    /// CCCD is written when iteration starts and cleared when it ends or the task is cancelled (unless other
    /// subscribers remain); a disconnect finishes it with the loss as the error.
    public func notifications(for uuid: BluetoothUUID, indication: Bool = false,
                              timeout: Duration = .seconds(30)) -> NotificationSequence {
        NotificationSequence(device: self, target: .uuid(uuid), indication: indication, timeout: timeout)
    }

    /// The values notified at a value handle while iterated (the characteristic must be known to discovery).
    public func notifications(forHandle handle: AttributeHandle, indication: Bool = false,
                              timeout: Duration = .seconds(30)) -> NotificationSequence {
        NotificationSequence(device: self, target: .handle(handle), indication: indication, timeout: timeout)
    }

    /// Starts a subscription for a sequence: registers `sink`, writes the CCCD; returns the token to end it.
    func beginStream(_ target: NotificationSequence.Target, indication: Bool, timeout: Duration,
                     sink: @escaping NotificationCallback, onEnd: @escaping @Sendable (LinkLoss) -> Void) async throws -> StreamToken {
        let budget = backend.budget(timeout)
        let c: GATTCharacteristic
        switch target {
        case let .uuid(uuid): c = try await characteristic(uuid, within: budget)
        case let .handle(handle): c = try await characteristic(at: handle, within: budget)
        }
        let (cccd, config) = try Self.subscription(for: c, indication: indication)
        let token = addStream(handle: c.valueHandle, indication: indication, sink: sink, onEnd: onEnd)
        do {
            _ = try await run({ .configure($0, descriptor: cccd.handle, config) }, within: budget)
        } catch {
            _ = removeStream(token)
            throw error
        }
        return token
    }

    /// Ends a sequence's subscription; clears the CCCD when nobody else listens to the characteristic.
    func endStream(_ token: StreamToken) {
        guard let (handle, last) = removeStream(token), last, isConnected,
              let cccd = services?.flatMap(\.characteristics).first(where: { $0.valueHandle == handle })?.configurationDescriptor,
              let link = try? linkID() else { return }
        // Fire and forget: the consumer is gone; the host serialises it with whatever else runs on the link.
        backend.submit(.configure(link, descriptor: cccd.handle, .off), within: backend.budget(.seconds(30))) { _ in }
    }
}

/// Identifies one async scan among the backend's scan sinks.
private final class ScanKey: Sendable {}

/// Identifies one notification sequence's subscription on a device.
struct StreamToken: Hashable, Sendable { let rawValue: UInt64 }

/// Notifications of one characteristic as an async sequence (see ``BGAPIDevice/notifications(for:indication:timeout:)``).
public struct NotificationSequence: AsyncSequence, Sendable {
    /// Each element is the notified value.
    public typealias Element = [UInt8]
    /// Which characteristic.
    enum Target: Sendable { case uuid(BluetoothUUID), handle(AttributeHandle) }

    let device: BGAPIDevice
    let target: Target
    let indication: Bool
    let timeout: Duration

    /// Starts nothing yet: the subscription begins with the first `next()`.
    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    /// Iterates the values; the first `next()` subscribes.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: NotificationSequence
        var stream: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?

        /// The next value; throws the link's loss when it drops, `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> [UInt8]? {
            if stream == nil { stream = try await start() }
            return try await stream?.next()
        }

        private func start() async throws -> AsyncThrowingStream<[UInt8], any Error>.AsyncIterator {
            let (values, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream(bufferingPolicy: .bufferingNewest(4096))
            let device = sequence.device
            let token = try await device.beginStream(sequence.target, indication: sequence.indication, timeout: sequence.timeout,
                                                     sink: { _, value in continuation.yield(value) },
                                                     onEnd: { loss in continuation.finish(throwing: loss.error) })
            continuation.onTermination = { _ in device.endStream(token) }
            return values.makeAsyncIterator()
        }
    }
}
