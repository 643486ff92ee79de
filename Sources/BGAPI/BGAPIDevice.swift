import BGAPICore
import Dispatch
import Synchronization

/// Called with the value handle and the bytes of each notification or indication.
public typealias NotificationCallback = @Sendable (AttributeHandle, [UInt8]) -> Void

/// A connected peripheral (pygatt's `BGAPIBLEDevice`): GATT discovery, reads, writes, subscriptions, bonding.
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
        var connection: ConnectionHandle
        var connected = true
        var disconnectReason: BGAPIErrorCode?
        var encrypted = false
        var bond: BondHandle?
        var parameters: ConnectionParameters
        var services: [GATTService]?
        var callbacks: [AttributeHandle: [NotificationCallback]] = [:]
        var subscriptions: [AttributeHandle: Bool] = [:]  // value handle → indication
        var disconnectHandlers: [@Sendable (BGAPIErrorCode) -> Void] = []
        var passkey: UInt32?
    }

    /// The backend that owns the link.
    public let backend: BGAPIBackend
    /// The peer's address.
    public let address: BluetoothAddress
    /// Public or random.
    public let addressType: AddressType
    private let state: Mutex<State>

    init(backend: BGAPIBackend, address: BluetoothAddress, addressType: AddressType, status: ConnectionStatusEvent) {
        self.backend = backend
        self.address = address
        self.addressType = addressType
        state = Mutex(State(connection: status.connection, encrypted: status.flags.contains(.encrypted),
                            bond: status.bonding.isBonded ? status.bonding : nil,
                            parameters: Self.parameters(of: status)))
    }

    private static func parameters(of s: ConnectionStatusEvent) -> ConnectionParameters {
        ConnectionParameters(interval: .microseconds(Int64(s.connInterval) * 1250),
                             supervisionTimeout: .milliseconds(Int64(s.timeout) * 10), latency: Int(s.latency))
    }

    /// `C4:7C:8D:6A:10:01 (connection 0)`.
    public var description: String { "\(address) (connection \(connection))" }
    /// The dongle's handle for the link.
    public var connection: ConnectionHandle { state.withLock { $0.connection } }
    /// Whether the link is up; a remote disconnect clears it with ``disconnectReason``.
    public var isConnected: Bool { state.withLock { $0.connected } }
    /// Why the link went down, once it has.
    public var disconnectReason: BGAPIErrorCode? { state.withLock { $0.disconnectReason } }
    /// Whether the link is encrypted.
    public var isEncrypted: Bool { state.withLock { $0.encrypted } }
    /// The bond handle in the dongle's flash, when bonded.
    public var bond: BondHandle? { state.withLock { $0.bond } }
    /// Interval, supervision timeout and latency in force.
    public var parameters: ConnectionParameters { state.withLock { $0.parameters } }
    /// The services found by the last discovery, if any.
    public var services: [GATTService]? { state.withLock { $0.services } }
    var pendingPasskey: UInt32? { state.withLock { $0.passkey } }

    /// Calls `handler` on the callback queue when the link goes down, with the reason (pygatt had none: #306).
    public func onDisconnect(_ handler: @escaping @Sendable (BGAPIErrorCode) -> Void) {
        state.withLock { $0.disconnectHandlers.append(handler) }
    }

    // MARK: - Backend hooks (backend queue)

    func update(from status: ConnectionStatusEvent) {
        state.withLock { s in
            s.encrypted = status.flags.contains(.encrypted)
            if status.bonding.isBonded { s.bond = status.bonding }
            s.parameters = Self.parameters(of: status)
        }
    }

    func deliver(handle: AttributeHandle, value: [UInt8], on queue: DispatchQueue) {
        let callbacks = state.withLock { $0.callbacks[handle] ?? [] }
        guard !callbacks.isEmpty else { return }
        queue.async { for callback in callbacks { callback(handle, value) } }
    }

    func markDisconnected(reason: BGAPIErrorCode, on queue: DispatchQueue) {
        let handlers = state.withLock { s -> [@Sendable (BGAPIErrorCode) -> Void] in
            guard s.connected else { return [] }
            s.connected = false
            s.disconnectReason = reason
            return s.disconnectHandlers
        }
        queue.async { for handler in handlers { handler(reason) } }
    }

    private func link() throws(BGAPIError) -> ConnectionHandle {
        let (connected, handle) = state.withLock { ($0.connected, $0.connection) }
        guard connected else { throw .notConnected }
        return handle
    }

    @discardableResult
    private func gatt(_ procedure: GATTProcedure, _ command: BGAPICommand, timeout: Duration) throws(BGAPIError) -> HostResult {
        try backend.perform(.gatt(try link(), procedure, command), timeout: timeout)
    }

    // MARK: - Discovery

    /// Finds every service, characteristic (with properties) and descriptor; results are kept by handle,
    /// so characteristics that share a UUID all survive (pygatt #249).
    @discardableResult
    public func discoverServices(timeout: Duration = .seconds(30)) throws(BGAPIError) -> [GATTService] {
        let c = try link()
        let deadline = backend.now() + timeout
        func remaining() throws(BGAPIError) -> Duration {
            let left = deadline - backend.now()
            guard left > .zero else { throw .timeout(operation: "discovery", after: timeout) }
            return left
        }
        guard case let .services(groups) = try gatt(.discoverServices, .attClientReadByGroupType(
            .init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2800))), timeout: try remaining()) else {
            throw .unexpected("read_by_group_type")
        }
        guard case let .values(declarations) = try gatt(.readByType, .attClientReadByType(
            .init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2803))), timeout: try remaining()) else {
            throw .unexpected("read_by_type")
        }
        // Declaration value: properties u8, value handle u16, UUID (2 or 16 bytes). Malformed ones are skipped.
        struct Declaration { var handle: AttributeHandle; var properties: UInt8; var value: AttributeHandle; var uuid: BluetoothUUID }
        let parsed = declarations.compactMap { e -> Declaration? in
            let v = e.value
            guard v.count == 5 || v.count == 19 else { return nil }
            return Declaration(handle: e.attHandle, properties: v[0],
                               value: AttributeHandle(UInt16(v[1]) | UInt16(v[2]) << 8),
                               uuid: BluetoothUUID(littleEndianBytes: Array(v[3...])))
        }.sorted { $0.handle < $1.handle }
        var services: [GATTService] = []
        for g in groups.sorted(by: { $0.start < $1.start }) {
            let inside = parsed.filter { $0.handle > g.start && $0.handle <= g.end }
            var characteristics: [GATTCharacteristic] = []
            for (i, d) in inside.enumerated() {
                let last = i + 1 < inside.count ? AttributeHandle(inside[i + 1].handle.rawValue - 1) : g.end
                var descriptors: [GATTDescriptor] = []
                if d.value < last {
                    let first = AttributeHandle(d.value.rawValue + 1)
                    guard case let .descriptors(found) = try gatt(.discoverDescriptors, .attClientFindInformation(
                        .init(connection: c, start: first, end: last)), timeout: try remaining()) else {
                        throw .unexpected("find_information")
                    }
                    descriptors = found.filter { $0.chrHandle >= first && $0.chrHandle <= last }
                        .map { GATTDescriptor(uuid: $0.uuid, handle: $0.chrHandle) }
                }
                characteristics.append(GATTCharacteristic(uuid: d.uuid, declarationHandle: d.handle, valueHandle: d.value,
                                                          properties: CharacteristicProperties(rawValue: d.properties),
                                                          descriptors: descriptors, serviceUUID: g.uuid))
            }
            services.append(GATTService(uuid: g.uuid, startHandle: g.start, endHandle: g.end, characteristics: characteristics))
        }
        state.withLock { $0.services = services }
        return services
    }

    /// Every characteristic, discovering first if needed (pygatt's `discover_characteristics`, keyed by handle).
    public func discoverCharacteristics(timeout: Duration = .seconds(30)) throws(BGAPIError) -> [GATTCharacteristic] {
        try discoverServices(timeout: timeout).flatMap(\.characteristics)
    }

    private func knownCharacteristics() throws(BGAPIError) -> [GATTCharacteristic] {
        if let services = state.withLock({ $0.services }) { return services.flatMap(\.characteristics) }
        return try discoverCharacteristics()
    }

    /// The characteristics with `uuid`, in handle order (several when a device repeats a UUID).
    public func characteristics(matching uuid: BluetoothUUID) throws(BGAPIError) -> [GATTCharacteristic] {
        try knownCharacteristics().filter { $0.uuid.matches(uuid) }
    }

    /// The first characteristic with `uuid` (discovering on first use); use handles to reach the others.
    public func characteristic(_ uuid: BluetoothUUID) throws(BGAPIError) -> GATTCharacteristic {
        guard let c = try characteristics(matching: uuid).first else {
            throw .notFound("no characteristic \(uuid) on \(address)")
        }
        return c
    }

    /// The value handle of the first characteristic with `uuid` (pygatt's `get_handle`).
    public func handle(for uuid: BluetoothUUID) throws(BGAPIError) -> AttributeHandle {
        try characteristic(uuid).valueHandle
    }

    // MARK: - Reading

    /// Reads a characteristic's value by UUID (the first 22 bytes; see ``readLong(_:timeout:)``).
    public func read(_ uuid: BluetoothUUID, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [UInt8] {
        try readHandle(try handle(for: uuid), timeout: timeout)
    }

    /// Reads an attribute by handle; a notification on the same handle is never mistaken for the answer.
    public func readHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [UInt8] {
        let c = try link()
        guard case let .value(v) = try gatt(.read(handle), .attClientReadByHandle(.init(connection: c, chrHandle: handle)),
                                            timeout: timeout) else { throw .unexpected("read") }
        return v
    }

    /// Reads a value of any length (read blob, 22 bytes a round trip).
    public func readLong(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) -> [UInt8] {
        try readLongHandle(try handle(for: uuid), timeout: timeout)
    }

    /// Reads a value of any length by handle.
    public func readLongHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(30)) throws(BGAPIError) -> [UInt8] {
        let c = try link()
        guard case let .value(v) = try gatt(.readLong(handle), .attClientReadLong(.init(connection: c, chrHandle: handle)),
                                            timeout: timeout) else { throw .unexpected("read_long") }
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
        try writeHandle(try handle(for: uuid), value, withResponse: withResponse, timeout: timeout)
    }

    /// Writes by handle; a value over 20 bytes is refused before anything is sent (use ``writeLongHandle(_:_:timeout:)``).
    public func writeHandle(_ handle: AttributeHandle, _ value: [UInt8], withResponse: Bool = true,
                            timeout: Duration = .seconds(30)) throws(BGAPIError) {
        guard value.count <= Self.maximumWriteLength else {
            throw .invalidArgument("\(value.count) bytes do not fit one write (at most \(Self.maximumWriteLength)); use a long write")
        }
        let c = try link()
        if withResponse {
            try gatt(.write, .attClientAttributeWrite(.init(connection: c, attHandle: handle, data: value)), timeout: timeout)
        } else {
            try backend.perform(.checkedCommand(.attClientWriteCommand(.init(connection: c, attHandle: handle, data: value))),
                                timeout: timeout)
        }
    }

    /// Writes a value of up to 512 bytes by UUID with prepare/execute write.
    public func writeLong(_ uuid: BluetoothUUID, _ value: [UInt8], timeout: Duration = .seconds(30)) throws(BGAPIError) {
        try writeLongHandle(try handle(for: uuid), value, timeout: timeout)
    }

    /// Writes a value of up to 512 bytes by handle in 18-byte prepared chunks, then commits; a failed chunk
    /// cancels the queued ones and throws.
    public func writeLongHandle(_ handle: AttributeHandle, _ value: [UInt8], timeout: Duration = .seconds(30)) throws(BGAPIError) {
        guard value.count <= Self.maximumLongWriteLength else {
            throw .invalidArgument("\(value.count) bytes exceed the 512-byte attribute limit")
        }
        let c = try link()
        var offset = 0
        repeat {
            let chunk = Array(value[offset ..< min(value.count, offset + Self.longWriteChunkLength)])
            do {
                try gatt(.write, .attClientPrepareWrite(.init(connection: c, attHandle: handle, offset: UInt16(offset), data: chunk)),
                         timeout: timeout)
            } catch {
                if isConnected {
                    _ = try? gatt(.write, .attClientExecuteWrite(.init(connection: c, commit: false)), timeout: timeout)
                }
                throw error
            }
            offset += chunk.count
        } while offset < value.count
        try gatt(.write, .attClientExecuteWrite(.init(connection: c, commit: true)), timeout: timeout)
    }

    // MARK: - Notifications

    /// Turns on notifications (or indications) of the characteristic with `uuid`, writing the CCCD found by
    /// discovery, and calls `callback` on the callback queue for each value.
    public func subscribe(_ uuid: BluetoothUUID, indication: Bool = false, timeout: Duration = .seconds(30),
                          callback: NotificationCallback? = nil) throws(BGAPIError) {
        try subscribe(try characteristic(uuid), indication: indication, timeout: timeout, callback: callback)
    }

    /// Subscribes by value handle (the characteristic must be known to discovery, for its CCCD).
    public func subscribeHandle(_ handle: AttributeHandle, indication: Bool = false, timeout: Duration = .seconds(30),
                                callback: NotificationCallback? = nil) throws(BGAPIError) {
        try subscribe(try characteristic(at: handle), indication: indication, timeout: timeout, callback: callback)
    }

    private func characteristic(at handle: AttributeHandle) throws(BGAPIError) -> GATTCharacteristic {
        guard let c = try knownCharacteristics().first(where: { $0.valueHandle == handle }) else {
            throw .notFound("no characteristic value at handle \(handle) on \(address)")
        }
        return c
    }

    private func subscribe(_ c: GATTCharacteristic, indication: Bool, timeout: Duration,
                           callback: NotificationCallback?) throws(BGAPIError) {
        guard let cccd = c.configurationDescriptor else {
            throw .notFound("characteristic \(c.uuid) at \(c.valueHandle) has no configuration descriptor (0x2902)")
        }
        let wanted: CharacteristicProperties = indication ? .indicate : .notify
        guard c.properties.contains(wanted) else {
            throw .invalidArgument("characteristic \(c.uuid) does not allow \(indication ? "indications" : "notifications") (\(c.properties))")
        }
        // Register first: the first value may follow the CCCD write at once.
        if let callback { state.withLock { $0.callbacks[c.valueHandle, default: []].append(callback) } }
        let already = state.withLock { $0.subscriptions[c.valueHandle] == indication }
        if already { return }
        try writeHandle(cccd.handle, indication ? [0x02, 0x00] : [0x01, 0x00], timeout: timeout)
        state.withLock { $0.subscriptions[c.valueHandle] = indication }
    }

    /// Turns notifications off for `uuid` and drops its callbacks.
    public func unsubscribe(_ uuid: BluetoothUUID, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        try unsubscribe(try characteristic(uuid), timeout: timeout)
    }

    /// Turns notifications off by value handle and drops its callbacks.
    public func unsubscribeHandle(_ handle: AttributeHandle, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        try unsubscribe(try characteristic(at: handle), timeout: timeout)
    }

    private func unsubscribe(_ c: GATTCharacteristic, timeout: Duration) throws(BGAPIError) {
        let was = state.withLock { s -> Bool in
            s.callbacks[c.valueHandle] = nil
            return s.subscriptions.removeValue(forKey: c.valueHandle) != nil
        }
        guard was, let cccd = c.configurationDescriptor else { return }
        try writeHandle(cccd.handle, [0x00, 0x00], timeout: timeout)
    }

    /// Writes every subscription's CCCD again (after a reconnect to a device that forgot them).
    public func resubscribeAll(timeout: Duration = .seconds(30)) throws(BGAPIError) {
        let subscriptions = state.withLock { $0.subscriptions }
        for (handle, indication) in subscriptions.sorted(by: { $0.key < $1.key }) {
            guard let cccd = try characteristic(at: handle).configurationDescriptor else { continue }
            try writeHandle(cccd.handle, indication ? [0x02, 0x00] : [0x01, 0x00], timeout: timeout)
        }
    }

    // MARK: - Security and link

    /// Encrypts the link and, when `permanent`, stores a bond in the dongle's flash. When the peer asks for a
    /// passkey, `passkey` is entered; without one, answer the ``BGAPIBackendEvent/passkeyRequested(address:)``
    /// event with ``enterPasskey(_:)``.
    public func bond(permanent: Bool = false, passkey: UInt32? = nil, timeout: Duration = .seconds(30)) throws(BGAPIError) {
        if let passkey, passkey > 999_999 { throw .invalidArgument("passkey \(passkey) has more than six digits") }
        let c = try link()
        if permanent { try backend.setBondable(true) }
        state.withLock { $0.passkey = passkey }
        defer { state.withLock { $0.passkey = nil } }
        guard case let .encrypted(status) = try backend.perform(.encrypt(.init(handle: c, bonding: permanent)),
                                                                timeout: timeout) else { throw .unexpected("encrypt") }
        update(from: status)
    }

    /// Answers the peer's passkey request (six digits, 0…999999).
    public func enterPasskey(_ passkey: UInt32) throws(BGAPIError) {
        guard passkey <= 999_999 else { throw .invalidArgument("passkey \(passkey) has more than six digits") }
        try backend.perform(.checkedCommand(.smPasskeyEntry(.init(handle: try link(), passkey: passkey))),
                            timeout: backend.commandTimeout)
    }

    /// The link's RSSI in dBm; the BLED112's bogus reading of 25 is retried (3 tries, 100 ms apart).
    public func rssi() throws(BGAPIError) -> Int8 {
        for attempt in 0 ..< 3 {
            if attempt > 0 { sleep(for: .milliseconds(100)) }
            guard case let .response(.connectionGetRSSI(r)?) = try backend.perform(
                .command(.connectionGetRSSI(.init(connection: try link()))), timeout: backend.commandTimeout) else {
                throw .unexpected("connection_get_rssi")
            }
            if r.rssi != 25 { return r.rssi }
        }
        throw .unexpected("the dongle reported its invalid RSSI value 25 three times")
    }

    /// The ATT MTU: the BLED112's v1 firmware cannot exchange MTUs and always uses 23, whatever is asked.
    public func exchangeMTU(_ requested: Int) throws(BGAPIError) -> Int {
        _ = try link()
        guard (23 ... 517).contains(requested) else { throw .invalidArgument("MTU \(requested) is not in 23…517") }
        return 23
    }

    /// Closes the link and waits for the dongle to confirm; the device is then disconnected for good.
    public func disconnect(timeout: Duration = .seconds(5)) throws(BGAPIError) {
        guard let c = try? link() else { return }
        do {
            try backend.perform(.disconnect(c), timeout: timeout)
        } catch .notConnected {
            markDisconnected(reason: .connectionTerminatedByLocalHost, on: backend.callbackQueue)
        }
    }
}
