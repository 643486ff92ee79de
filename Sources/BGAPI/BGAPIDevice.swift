import BGAPICore
import BGAPITransport
import Dispatch
import Synchronization

/// Called with the value handle and the bytes of each notification or indication.
public typealias NotificationCallback = @Sendable (AttributeHandle, [UInt8]) -> Void

/// A peripheral the backend has connected (pygatt's `BGAPIBLEDevice`): GATT discovery, reads, writes,
/// subscriptions, bonding. One object per address for the backend's life: a reconnect binds the same
/// object to the new link, so its subscriptions, callbacks and discovered services survive.
///
/// Every call blocks until done or until its own deadline; none may run on the backend's queue, all may run
/// from a notification callback.
public final class BGAPIDevice: Sendable, CustomStringConvertible {
    /// Link parameters as the last `connection_status` gave them.
    public struct ConnectionParameters: Hashable, Sendable {
        /// Connection interval.
        public var interval: Duration
        /// Supervision timeout.
        public var supervisionTimeout: Duration
        /// Slave latency, in connection events.
        public var latency: Int
    }

    struct State {
        var link: LinkID?
        var connection = ConnectionHandle(0)
        var loss: LinkLoss?
        var encrypted = false
        var bond: BondHandle?
        var parameters = ConnectionParameters(interval: .zero, supervisionTimeout: .zero, latency: 0)
        var services: [GATTService]?
        var callbacks: [AttributeHandle: [NotificationCallback]] = [:]
        var subscriptions: [AttributeHandle: Bool] = [:]  // value handle → indication
        var writtenOnLink: Set<AttributeHandle> = []       // CCCDs written on the current link
        var disconnectHandlers: [@Sendable (LinkLoss) -> Void] = []
        var connectCommand: GAPConnectDirectCommand?
        var closing = false
        var reconnectPolicy: ReconnectPolicy?
        var streams: [UInt64: (handle: AttributeHandle, sink: NotificationCallback, end: @Sendable (LinkLoss) -> Void)] = [:]
        var nextStream: UInt64 = 0
    }

    /// The backend that owns the link.
    public let backend: BGAPIBackend
    /// The peer's address.
    public let address: BluetoothAddress
    /// Public or random.
    public let addressType: AddressType
    private let state: Mutex<State>

    init(backend: BGAPIBackend, address: BluetoothAddress, addressType: AddressType) {
        self.backend = backend
        self.address = address
        self.addressType = addressType
        state = Mutex(State())
    }

    private static func parameters(of s: ConnectionStatusEvent) -> ConnectionParameters {
        ConnectionParameters(interval: .microseconds(Int64(s.connInterval) * 1250),
                             supervisionTimeout: .milliseconds(Int64(s.timeout) * 10), latency: Int(s.latency))
    }

    /// `C4:7C:8D:6A:10:01 (connection 0)`.
    public var description: String { "\(address) (connection \(connection))" }
    /// The dongle's handle for the current (or last) link.
    public var connection: ConnectionHandle { state.withLock { $0.connection } }
    /// Whether a link is up; a disconnect of any kind clears it, with ``disconnectReason``.
    public var isConnected: Bool { state.withLock { $0.link != nil } }
    /// Why the last link went down, once it has (cleared by a reconnect).
    public var disconnectReason: LinkLoss? { state.withLock { $0.loss } }
    /// Whether the link is encrypted.
    public var isEncrypted: Bool { state.withLock { $0.encrypted } }
    /// The bond handle in the dongle's flash, when bonded.
    public var bond: BondHandle? { state.withLock { $0.bond } }
    /// Interval, supervision timeout and latency in force.
    public var parameters: ConnectionParameters { state.withLock { $0.parameters } }
    /// The services found by the last discovery, if any.
    public var services: [GATTService]? { state.withLock { $0.services } }
    /// Value handles with notifications (`false`) or indications (`true`) enabled, kept across reconnects.
    public var subscriptions: [AttributeHandle: Bool] { state.withLock { $0.subscriptions } }

    /// Calls `handler` on the callback queue each time a link goes down, with why (pygatt had none: #306).
    public func onDisconnect(_ handler: @escaping @Sendable (LinkLoss) -> Void) {
        state.withLock { $0.disconnectHandlers.append(handler) }
    }

    /// Brings the link back by itself when it drops (not when you disconnect or stop), then writes every
    /// subscription again; `nil` turns it off. Outcomes arrive as ``BGAPIBackendEvent/reconnected(address:)``
    /// and ``BGAPIBackendEvent/reconnectFailed(address:error:)``.
    public func setAutoReconnect(_ policy: ReconnectPolicy?) {
        state.withLock { $0.reconnectPolicy = policy }
    }

    // MARK: - Backend hooks (backend queue)

    func bind(_ link: LinkInfo) {
        state.withLock { s in
            s.link = link.id
            s.writtenOnLink = []  // a new link: a peer that is not bonded starts with every CCCD off
            s.connection = link.connection
            s.loss = nil
            s.closing = false
            s.encrypted = link.status.flags.contains(.encrypted)
            if link.status.bonding.isBonded { s.bond = link.status.bonding }
            s.parameters = Self.parameters(of: link.status)
        }
    }

    func isBound(to link: LinkID) -> Bool { state.withLock { $0.link == link } }

    func remember(connectCommand: GAPConnectDirectCommand) { state.withLock { $0.connectCommand = connectCommand } }

    func update(from status: ConnectionStatusEvent) {
        state.withLock { s in
            s.encrypted = status.flags.contains(.encrypted)
            if status.bonding.isBonded { s.bond = status.bonding }
            s.parameters = Self.parameters(of: status)
        }
    }

    func deliver(handle: AttributeHandle, value: [UInt8], on queue: DispatchQueue, beforePosting: () -> Void = {}) {
        let (callbacks, sinks) = state.withLock { s in
            (s.callbacks[handle] ?? [], s.streams.isEmpty ? [] : s.streams.values.filter { $0.handle == handle }.map(\.sink))
        }
        // Async sequences buffer on their own; they take values on the backend queue, in order.
        for sink in sinks { sink(handle, value) }
        guard !callbacks.isEmpty else { return }
        beforePosting()
        queue.async { for callback in callbacks { callback(handle, value) } }
    }

    func store(services: [GATTService]) { state.withLock { $0.services = services } }

    func markClosing() { state.withLock { $0.closing = true } }

    /// Adds a notification sequence's sink and records the subscription (for reconnects).
    func addStream(handle: AttributeHandle, indication: Bool, sink: @escaping NotificationCallback,
                   onEnd: @escaping @Sendable (LinkLoss) -> Void) -> StreamToken {
        state.withLock { s in
            s.nextStream += 1
            s.streams[s.nextStream] = (handle, sink, onEnd)
            s.subscriptions[handle] = indication
            return StreamToken(rawValue: s.nextStream)
        }
    }

    /// Removes a sequence's sink: its value handle, and whether nobody listens to it any more.
    func removeStream(_ token: StreamToken) -> (AttributeHandle, Bool)? {
        state.withLock { s in
            guard let removed = s.streams.removeValue(forKey: token.rawValue) else { return nil }
            let others = s.streams.values.contains { $0.handle == removed.handle } || !(s.callbacks[removed.handle] ?? []).isEmpty
            if !others { s.subscriptions[removed.handle] = nil }
            return (removed.handle, !others)
        }
    }

    static func checkWriteLength(_ value: [UInt8]) throws(BGAPIError) {
        guard value.count <= maximumWriteLength else {
            throw .invalidArgument("\(value.count) bytes do not fit one write (at most \(maximumWriteLength)); use a long write")
        }
    }

    static func checkLongWriteLength(_ value: [UInt8]) throws(BGAPIError) {
        guard value.count <= maximumLongWriteLength else {
            throw .invalidArgument("\(value.count) bytes exceed the 512-byte attribute limit")
        }
    }

    /// The CCCD and the value to write for a subscription, or why the characteristic cannot be subscribed.
    static func subscription(for c: GATTCharacteristic, indication: Bool) throws(BGAPIError) -> (GATTDescriptor, ClientConfiguration) {
        guard let cccd = c.configurationDescriptor else {
            throw .notFound("characteristic \(c.uuid) at \(c.valueHandle) has no configuration descriptor (0x2902)")
        }
        let wanted: CharacteristicProperties = indication ? .indicate : .notify
        guard c.properties.contains(wanted) else {
            throw .invalidArgument("characteristic \(c.uuid) does not allow \(indication ? "indications" : "notifications") (\(c.properties))")
        }
        return (cccd, indication ? .indications : .notifications)
    }

    /// The link is gone: runs the disconnect handlers, and says whether to reconnect by itself.
    func markDown(link: LinkID, loss: LinkLoss, on queue: DispatchQueue) -> ReconnectPolicy? {
        let (handlers, policy, ends) = state.withLock { s -> ([@Sendable (LinkLoss) -> Void], ReconnectPolicy?, [@Sendable (LinkLoss) -> Void]) in
            guard s.link == link else { return ([], nil, []) }
            s.link = nil
            s.loss = loss
            s.encrypted = false
            let policy = ReconnectPolicy.shouldReconnect(after: loss, closedLocally: s.closing) ? s.reconnectPolicy : nil
            // A disconnect finishes every notification sequence with the loss.
            let ends = s.streams.values.map(\.end)
            for handle in Set(s.streams.values.map(\.handle)) where (s.callbacks[handle] ?? []).isEmpty { s.subscriptions[handle] = nil }
            s.streams = [:]
            return (s.disconnectHandlers, policy, ends)
        }
        for end in ends { end(loss) }
        if !handlers.isEmpty { queue.async { for handler in handlers { handler(loss) } } }
        return policy
    }

    /// Runs an auto-reconnect on a thread of its own: waits, connects, resubscribes, as the policy says.
    func runReconnect(policy: ReconnectPolicy, scheduler: any HostScheduler) -> Result<Void, BGAPIError> {
        var last = BGAPIError.notConnected
        var attempt = 1
        while let delay = policy.delay(beforeAttempt: attempt) {
            scheduler.sleep(for: delay)
            guard state.withLock({ $0.reconnectPolicy != nil && !$0.closing }) else { return .failure(.notConnected) }
            do throws(BGAPIError) {
                try reconnect(timeout: policy.attemptTimeout)
                try resubscribeAll(timeout: policy.attemptTimeout)
                return .success(())
            } catch {
                last = error
                if case .notRunning = error { return .failure(error) }
            }
            attempt += 1
        }
        return .failure(last)
    }

    // MARK: - Calls

    func linkID() throws(BGAPIError) -> LinkID {
        guard let link = state.withLock({ $0.link }) else { throw .notConnected }
        return link
    }

    @discardableResult
    private func run(_ operation: (LinkID) -> HostOperation, deadline: CallBudget) throws(BGAPIError) -> HostResult {
        try backend.perform(operation(try linkID()), within: deadline)
    }

    private func deadline(_ timeout: Duration) -> CallBudget { backend.budget(timeout) }

    /// Connects again with the parameters of the last connect; the same object, its subscriptions kept
    /// (write them again with ``resubscribeAll(timeout:)`` unless the peer is bonded and remembers them).
    public func reconnect(timeout: Duration = .seconds(5)) throws(BGAPIError) {
        if isConnected { return }
        let command = state.withLock { $0.connectCommand }
            ?? GAPConnectDirectCommand(address: address, addressType: addressType, connIntervalMin: 60, connIntervalMax: 76,
                                       timeout: 100, latency: 0)
        _ = try backend.connect(command, timeout: timeout)
    }

    // MARK: - Discovery

    /// Finds every service (primary and secondary, with includes), characteristic (with properties) and
    /// descriptor; results are kept by handle, so characteristics that share a UUID all survive (pygatt #249).
    @discardableResult
    public func discoverServices(timeout: Duration = .seconds(30)) throws(BGAPIError) -> [GATTService] {
        try discover(deadline: deadline(timeout))
    }

    private func discover(deadline: CallBudget) throws(BGAPIError) -> [GATTService] {
        guard case let .services(services) = try run({ .discover($0) }, deadline: deadline) else {
            throw .unexpected("discovery")
        }
        state.withLock { $0.services = services }
        return services
    }

    /// Every characteristic, discovering first if needed (pygatt's `discover_characteristics`, keyed by handle).
    public func discoverCharacteristics(timeout: Duration = .seconds(30)) throws(BGAPIError) -> [GATTCharacteristic] {
        try discoverServices(timeout: timeout).flatMap(\.characteristics)
    }

    func knownCharacteristics(deadline: CallBudget) throws(BGAPIError) -> [GATTCharacteristic] {
        if let services = state.withLock({ $0.services }) { return services.flatMap(\.characteristics) }
        return try discover(deadline: deadline).flatMap(\.characteristics)
    }

    /// The characteristics with `uuid`, in handle order (several when a device repeats a UUID).
    public func characteristics(matching uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) -> [GATTCharacteristic] {
        try knownCharacteristics(deadline: deadline(timeout)).filter { $0.uuid.matches(uuid) }
    }

    /// The first characteristic with `uuid` (discovering on first use); use handles to reach the others.
    public func characteristic(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) -> GATTCharacteristic {
        try characteristic(uuid, deadline: deadline(timeout))
    }

    private func characteristic(_ uuid: BluetoothUUID, deadline: CallBudget) throws(BGAPIError) -> GATTCharacteristic {
        guard let c = try knownCharacteristics(deadline: deadline).first(where: { $0.uuid.matches(uuid) }) else {
            throw .notFound("no characteristic \(uuid) on \(address)")
        }
        return c
    }

    private func characteristic(at handle: AttributeHandle, deadline: CallBudget) throws(BGAPIError) -> GATTCharacteristic {
        guard let c = try knownCharacteristics(deadline: deadline).first(where: { $0.valueHandle == handle }) else {
            throw .notFound("no characteristic value at handle \(handle) on \(address)")
        }
        return c
    }

    /// The value handle of the first characteristic with `uuid` (pygatt's `get_handle`).
    public func handle(for uuid: BluetoothUUID) throws(BGAPIError) -> AttributeHandle {
        try characteristic(uuid).valueHandle
    }

    // MARK: - Reading

    /// Reads a characteristic's value by UUID (the first 22 bytes; see `readLong(_:timeout:)`); discovery,
    /// when needed, counts against the same deadline.
    public func read(_ uuid: BluetoothUUID, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [UInt8] {
        let end = deadline(timeout)
        return try read(try characteristic(uuid, deadline: end).valueHandle, long: false, deadline: end)
    }

    /// Reads an attribute by handle; a notification on the same handle is never mistaken for the answer.
    public func readHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [UInt8] {
        try read(handle, long: false, deadline: deadline(timeout))
    }

    /// Reads a value of any length (read blob, 22 bytes a round trip), within one deadline.
    public func readLong(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) -> [UInt8] {
        let end = deadline(timeout)
        return try read(try characteristic(uuid, deadline: end).valueHandle, long: true, deadline: end)
    }

    /// Reads a value of any length by handle.
    public func readLongHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(30)) throws(BGAPIError) -> [UInt8] {
        try read(handle, long: true, deadline: deadline(timeout))
    }

    private func read(_ handle: AttributeHandle, long: Bool, deadline: CallBudget) throws(BGAPIError) -> [UInt8] {
        guard case let .value(v) = try run({ long ? .readLong($0, handle) : .read($0, handle) }, deadline: deadline) else {
            throw .unexpected("read")
        }
        return v
    }

    // MARK: - Writing

    /// Largest value one write carries at the BLED112's fixed ATT MTU of 23.
    public static let maximumWriteLength = 20
    /// Largest value a long write may carry (an attribute value is at most 512 bytes).
    public static let maximumLongWriteLength = 512
    /// Bytes per prepare_write chunk (MTU 23 − 5).
    public static let longWriteChunkLength = 18

    /// Writes by UUID, with a response (errors from the peer are thrown) or as a command.
    public func write(_ uuid: BluetoothUUID, _ value: [UInt8], withResponse: Bool = true,
                      timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let end = deadline(timeout)
        try write(try characteristic(uuid, deadline: end).valueHandle, value, withResponse: withResponse, deadline: end)
    }

    /// Writes by handle; a value over 20 bytes is refused before anything is sent (use `writeLongHandle(_:_:timeout:)`).
    public func writeHandle(_ handle: AttributeHandle, _ value: [UInt8], withResponse: Bool = true,
                            timeout: Duration = .seconds(30)) throws(BGAPIError) {
        try write(handle, value, withResponse: withResponse, deadline: deadline(timeout))
    }

    private func write(_ handle: AttributeHandle, _ value: [UInt8], withResponse: Bool, deadline: CallBudget) throws(BGAPIError) {
        try Self.checkWriteLength(value)
        try run({ withResponse ? .write($0, handle, value) : .writeWithoutResponse($0, handle, value) }, deadline: deadline)
    }

    /// Writes a value of up to 512 bytes by UUID with prepare/execute write, within one deadline.
    public func writeLong(_ uuid: BluetoothUUID, _ value: [UInt8], timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let end = deadline(timeout)
        try writeLong(try characteristic(uuid, deadline: end).valueHandle, value, deadline: end)
    }

    /// Writes a value of up to 512 bytes by handle in 18-byte prepared chunks, then commits; a failed chunk
    /// cancels the queued ones and throws.
    public func writeLongHandle(_ handle: AttributeHandle, _ value: [UInt8], timeout: Duration = .seconds(30)) throws(BGAPIError) {
        try writeLong(handle, value, deadline: deadline(timeout))
    }

    private func writeLong(_ handle: AttributeHandle, _ value: [UInt8], deadline: CallBudget) throws(BGAPIError) {
        try Self.checkLongWriteLength(value)
        try run({ .writeLong($0, handle, value) }, deadline: deadline)
    }

    // MARK: - Notifications

    /// Turns on notifications (or indications) of the characteristic with `uuid`, writing the CCCD found by
    /// discovery, and calls `callback` on the callback queue for each value.
    public func subscribe(_ uuid: BluetoothUUID, indication: Bool = false, timeout: Duration = .seconds(30),
                          callback: NotificationCallback? = nil) throws(BGAPIError) {
        let end = deadline(timeout)
        try subscribe(try characteristic(uuid, deadline: end), indication: indication, deadline: end, callback: callback)
    }

    /// Subscribes by value handle (the characteristic must be known to discovery, for its CCCD).
    public func subscribeHandle(_ handle: AttributeHandle, indication: Bool = false, timeout: Duration = .seconds(30),
                                callback: NotificationCallback? = nil) throws(BGAPIError) {
        let end = deadline(timeout)
        try subscribe(try characteristic(at: handle, deadline: end), indication: indication, deadline: end, callback: callback)
    }

    private func subscribe(_ c: GATTCharacteristic, indication: Bool, deadline: CallBudget,
                           callback: NotificationCallback?) throws(BGAPIError) {
        let (cccd, config) = try Self.subscription(for: c, indication: indication)
        // Register first: the first value may follow the CCCD write at once.
        if let callback { state.withLock { $0.callbacks[c.valueHandle, default: []].append(callback) } }
        // Written on this link already: nothing to do. Recorded from an earlier link only: write it again.
        if state.withLock({ $0.subscriptions[c.valueHandle] == indication && $0.writtenOnLink.contains(c.valueHandle) }) { return }
        try run({ .configure($0, descriptor: cccd.handle, config) }, deadline: deadline)
        state.withLock { $0.subscriptions[c.valueHandle] = indication; $0.writtenOnLink.insert(c.valueHandle) }
    }

    /// Turns notifications off for `uuid` and drops its callbacks.
    public func unsubscribe(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let end = deadline(timeout)
        try unsubscribe(try characteristic(uuid, deadline: end), deadline: end)
    }

    /// Turns notifications off by value handle and drops its callbacks.
    public func unsubscribeHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let end = deadline(timeout)
        try unsubscribe(try characteristic(at: handle, deadline: end), deadline: end)
    }

    private func unsubscribe(_ c: GATTCharacteristic, deadline: CallBudget) throws(BGAPIError) {
        let was = state.withLock { s -> Bool in
            s.callbacks[c.valueHandle] = nil
            return s.subscriptions.removeValue(forKey: c.valueHandle) != nil
        }
        guard was, isConnected, let cccd = c.configurationDescriptor else { return }
        try run({ .configure($0, descriptor: cccd.handle, .off) }, deadline: deadline)
    }

    /// Writes every subscription's CCCD again, within one deadline: after a reconnect, a peer that is not
    /// bonded starts with notifications off (Core Vol 3 Part G 3.3.3.3), though the subscriptions are kept here.
    public func resubscribeAll(timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let end = deadline(timeout)
        let subscriptions = state.withLock { $0.subscriptions }
        for (handle, indication) in subscriptions.sorted(by: { $0.key < $1.key }) {
            guard let cccd = try characteristic(at: handle, deadline: end).configurationDescriptor else { continue }
            try run({ .configure($0, descriptor: cccd.handle, indication ? .indications : .notifications) }, deadline: end)
            state.withLock { _ = $0.writtenOnLink.insert(handle) }
        }
    }

    // MARK: - Security and link

    /// Encrypts the link and, when `permanent`, stores a bond in the dongle's flash. When the peer asks for a
    /// passkey, `passkey` is entered; without one, answer the ``BGAPIBackendEvent/passkeyRequested(address:)``
    /// event with ``enterPasskey(_:)``.
    public func bond(permanent: Bool = false, passkey: UInt32? = nil, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        if let passkey, passkey > 999_999 { throw .invalidArgument("passkey \(passkey) has more than six digits") }
        guard case let .encrypted(status) = try run({ .bond($0, permanent: permanent, passkey: passkey) },
                                                    deadline: deadline(timeout)) else { throw .unexpected("encrypt") }
        update(from: status)
    }

    /// Answers the peer's passkey request (six digits, 0…999999).
    public func enterPasskey(_ passkey: UInt32) throws(BGAPIError) {
        guard passkey <= 999_999 else { throw .invalidArgument("passkey \(passkey) has more than six digits") }
        _ = try linkID()
        try backend.perform(.checkedCommand(.smPasskeyEntry(.init(handle: connection, passkey: passkey))),
                            timeout: backend.commandTimeout)
    }

    /// The link's RSSI in dBm; readings that are no readings (25, 127, 0, above +20) are asked again,
    /// 100 ms apart, and never returned.
    public func rssi() throws(BGAPIError) -> Int8 {
        guard case let .rssi(value) = try run({ .rssi($0) }, deadline: deadline(backend.commandTimeout + .milliseconds(300))) else {
            throw .unexpected("connection_get_rssi")
        }
        return value
    }

    /// The ATT MTU: the BLED112's v1 firmware cannot exchange MTUs and always uses 23, whatever is asked.
    public func exchangeMTU(_ requested: Int) throws(BGAPIError) -> Int {
        _ = try linkID()
        guard (23 ... 517).contains(requested) else { throw .invalidArgument("MTU \(requested) is not in 23…517") }
        return 23
    }

    /// Closes the link and waits for the dongle to confirm; no auto-reconnect follows.
    public func disconnect(timeout: Duration = .seconds(5)) throws(BGAPIError) {
        markClosing()
        guard let l = try? linkID() else { return }
        do {
            try backend.perform(.disconnect(l), timeout: timeout)
        } catch .notConnected {
            return  // the host marked it down already
        }
    }
}
