import BGAPICore
import Dispatch
import Synchronization

extension BGAPIBackend {
    /// The dongle's own public address (pygatt's `get_mac`, which returned nothing; this returns it).
    public func macAddress() throws(BGAPIError) -> BluetoothAddress {
        guard case let .response(.systemAddressGet(r)?) = try perform(.command(.systemAddressGet(.init())),
                                                                      timeout: commandTimeout) else {
            throw .unexpected("system_address_get")
        }
        remember(address: r.address)
        return r.address
    }

    /// Allows or forbids bonding on the dongle; needed before ``BGAPIDevice/bond(permanent:passkey:timeout:)``.
    public func setBondable(_ bondable: Bool) throws(BGAPIError) {
        try perform(.checkedCommand(.smSetBondableMode(.init(bondable: bondable))), timeout: commandTimeout)
    }

    /// Sets the pairing requirements and the dongle's IO capabilities (what makes passkey pairing possible).
    public func setSecurityParameters(requireMITM: Bool, minimumKeySize: UInt8 = 7,
                                      ioCapabilities: SMIOCapabilities) throws(BGAPIError) {
        guard (7 ... 16).contains(minimumKeySize) else { throw .invalidArgument("key size \(minimumKeySize) is not in 7…16") }
        try perform(.checkedCommand(.smSetParameters(.init(mitm: requireMITM, minKeySize: minimumKeySize,
                                                           ioCapabilities: ioCapabilities))), timeout: commandTimeout)
    }

    /// Stops the dongle from advertising (it is a central here).
    public func disableAdvertising() throws(BGAPIError) {
        try perform(.checkedCommand(.gapSetMode(.init(discover: .nonDiscoverable, connect: .nonConnectable))),
                    timeout: commandTimeout)
    }

    /// The bonds stored in the dongle's flash.
    public func bonds(timeout: Duration = .seconds(5)) throws(BGAPIError) -> [BondHandle] {
        // Register for the bond_status events before asking, so none slips past.
        let collected = Mutex<[BondHandle]>([])
        let done = Waiter<Void>()
        let expected = Mutex<Int?>(nil)
        let token = onQueue { () -> ObjectIdentifier in
            let sink = BondSink { bond in
                let count = collected.withLock { $0.append(bond); return $0.count }
                if let want = expected.withLock({ $0 }), count >= want { done.finish(.success(())) }
            }
            bondSinks.append(sink)
            return ObjectIdentifier(sink)
        }
        defer { onQueue { bondSinks.removeAll { ObjectIdentifier($0) == token } } }
        guard case let .response(.smGetBonds(r)?) = try perform(.command(.smGetBonds(.init())), timeout: timeout) else {
            throw .unexpected("sm_get_bonds")
        }
        expected.withLock { $0 = Int(r.bonds) }
        if collected.withLock({ $0.count }) < Int(r.bonds) {
            _ = try done.wait(backstop: timeout, operation: "sm_get_bonds").get()
        }
        return collected.withLock { $0 }
    }

    /// Deletes the bond with `address`, or every bond when `nil` (pygatt's `clear_bond`).
    public func clearBond(address: BluetoothAddress? = nil) throws(BGAPIError) {
        if address == nil {
            for bond in try bonds() {
                try perform(.checkedCommand(.smDeleteBonding(.init(handle: bond))), timeout: commandTimeout)
            }
            return
        }
        // The dongle keys bonds by handle; a connected device tells us its handle.
        let handles = onQueue { devices.values.filter { $0.address == address }.compactMap(\.bond) }
        guard !handles.isEmpty else { throw .notFound("no bond known for \(address!); connect to it first, or clear all") }
        for bond in handles {
            try perform(.checkedCommand(.smDeleteBonding(.init(handle: bond))), timeout: commandTimeout)
        }
    }

    // MARK: - Scanning

    /// Scans for `timeout` and returns every device heard (pygatt's `scan`). `onReport` runs on the callback
    /// queue for each packet; returning `true` stops the scan early. Interval and window are real durations.
    public func scan(timeout: Duration = .seconds(10), interval: Duration = .microseconds(46_875),
                     window: Duration = .microseconds(31_250), active: Bool = true,
                     discoverMode: GAPDiscoverMode = .observation,
                     onReport: (@Sendable (AdvertisementReport) -> Bool)? = nil) throws(BGAPIError) -> [ScanResult] {
        let results = Mutex<[BluetoothAddress: ScanResult]>([:])
        let order = Mutex<[BluetoothAddress]>([])
        let stop = Waiter<Void>()
        let callbacks = callbackQueue
        try startScanning(interval: interval, window: window, active: active, discoverMode: discoverMode) { report in
            results.withLock { r in
                if r[report.address] == nil {
                    r[report.address] = ScanResult(first: report)
                    order.withLock { $0.append(report.address) }
                } else {
                    r[report.address]!.add(report)
                }
            }
            if let onReport { callbacks.async { if onReport(report) { stop.finish(.success(())) } } }
        }
        _ = stop.wait(backstop: timeout, operation: "scan")
        try stopScanning()
        let r = results.withLock { $0 }
        return order.withLock { $0 }.compactMap { r[$0] }
    }

    /// Scans, keeping the devices whose name contains `nameFilter` (case-sensitive, as pygatt).
    public func filteredScan(nameFilter: String, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [ScanResult] {
        try scan(timeout: timeout).filter { ($0.name ?? "").contains(nameFilter) }
    }

    /// Starts a scan that runs until ``stopScanning()``; reports arrive as ``BGAPIBackendEvent/advertisement(_:)``
    /// and, when given, to `sink` on the backend's own queue (keep it short).
    public func startScanning(interval: Duration = .microseconds(46_875), window: Duration = .microseconds(31_250),
                              active: Bool = true, discoverMode: GAPDiscoverMode = .observation,
                              sink: (@Sendable (AdvertisementReport) -> Void)? = nil) throws(BGAPIError) {
        let units = { (d: Duration) in d.nanoseconds / 625_000 }
        let i = units(interval), w = units(window)
        guard (4 ... 16384).contains(i) else { throw .invalidArgument("scan interval \(interval) is not in 2.5 ms…10.24 s") }
        guard (4 ... 16384).contains(w), w <= i else { throw .invalidArgument("scan window \(window) must be 2.5 ms…interval") }
        try perform(.checkedCommand(.gapSetScanParameters(.init(scanInterval: UInt16(i), scanWindow: UInt16(w),
                                                                 active: active))), timeout: commandTimeout)
        onQueue { scanSink = sink }
        do {
            try perform(.checkedCommand(.gapDiscover(.init(mode: discoverMode))), timeout: commandTimeout)
        } catch {
            onQueue { scanSink = nil }
            throw error
        }
    }

    /// Ends a scan (or any GAP procedure); not scanning is not an error.
    public func stopScanning() throws(BGAPIError) {
        onQueue { scanSink = nil }
        let end = try perform(.command(.gapEndProcedure(.init())), timeout: commandTimeout)
        if case let .response(r?) = end, let code = BGAPIHost.result(of: r), !code.isSuccess, code != .wrongState {
            throw BGAPIError(code: code)
        }
    }

    // MARK: - Connecting

    /// Connects (pygatt's `connect`): intervals in real time (7.5 ms…4 s), supervision timeout 100 ms…32 s,
    /// latency 0…499 intervals; all checked against the Core spec before anything is sent.
    public func connect(address: BluetoothAddress, timeout: Duration = .seconds(5), addressType: AddressType = .public,
                        intervalMin: Duration = .microseconds(75_000), intervalMax: Duration = .microseconds(95_000),
                        supervisionTimeout: Duration = .seconds(1), latency: Int = 0) throws(BGAPIError) -> BGAPIDevice {
        let minUnits = intervalMin.nanoseconds / 1_250_000, maxUnits = intervalMax.nanoseconds / 1_250_000
        let timeoutUnits = supervisionTimeout.nanoseconds / 10_000_000
        guard (6 ... 3200).contains(minUnits), (6 ... 3200).contains(maxUnits), minUnits <= maxUnits else {
            throw .invalidArgument("connection interval \(intervalMin)…\(intervalMax) must lie in 7.5 ms…4 s, min ≤ max")
        }
        guard (10 ... 3200).contains(timeoutUnits) else {
            throw .invalidArgument("supervision timeout \(supervisionTimeout) must lie in 100 ms…32 s")
        }
        guard (0 ... 499).contains(latency) else { throw .invalidArgument("latency \(latency) must lie in 0…499") }
        // Core spec: the supervision timeout must exceed (1 + latency) × interval_max × 2.
        guard timeoutUnits * 10 > (1 + Int64(latency)) * maxUnits * 5 / 2 else {
            throw .invalidArgument("supervision timeout \(supervisionTimeout) is too short for latency \(latency) at \(intervalMax)")
        }
        if let existing = onQueue({ devices.values.first { $0.address == address && $0.isConnected } }) {
            return existing
        }
        let command = GAPConnectDirectCommand(address: address, addressType: addressType,
                                              connIntervalMin: UInt16(minUnits), connIntervalMax: UInt16(maxUnits),
                                              timeout: UInt16(timeoutUnits), latency: UInt16(latency))
        guard case let .connected(status) = try perform(.connect(command), timeout: timeout) else {
            throw .unexpected("connect")
        }
        let device = BGAPIDevice(backend: self, address: address, addressType: addressType, status: status)
        onQueue { devices[status.connection] = device }
        return device
    }

    /// Devices connected now.
    public var connectedDevices: [BGAPIDevice] {
        onQueue { devices.values.sorted { $0.connection.rawValue < $1.connection.rawValue } }
    }
}

/// Receives bond_status events while ``BGAPIBackend/bonds(timeout:)`` lists them.
final class BondSink: Sendable {
    let receive: @Sendable (BondHandle) -> Void
    init(_ receive: @escaping @Sendable (BondHandle) -> Void) { self.receive = receive }
}
