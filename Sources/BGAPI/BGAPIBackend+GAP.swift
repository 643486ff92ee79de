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

    /// Allows or forbids bonding on the dongle; needed before `BGAPIDevice.bond(permanent:passkey:timeout:)`.
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

    /// The bonds stored in the dongle's flash (`sm_get_bonds` and the bond_status events that follow it),
    /// within one deadline.
    public func bonds(timeout: Duration = .seconds(5)) throws(BGAPIError) -> [BondHandle] {
        guard case let .bonds(bonds) = try perform(.bonds, timeout: timeout) else { throw .unexpected("sm_get_bonds") }
        return bonds
    }

    /// Deletes the bond with `address`, or every bond when `nil` (pygatt's `clear_bond`), within one deadline.
    public func clearBond(address: BluetoothAddress? = nil, timeout: Duration = .seconds(5)) throws(BGAPIError) {
        let deadline = budget(timeout)
        let handles: [BondHandle]
        if let address {
            // The dongle keys bonds by handle and sm_get_bonds gives no addresses; a device we bonded tells us.
            handles = [peripheral(address)?.bond].compactMap { $0 }
            guard !handles.isEmpty else { throw .notFound("no bond known for \(address); connect to it first, or clear all") }
        } else {
            guard case let .bonds(all) = try perform(.bonds, within: deadline) else { throw .unexpected("sm_get_bonds") }
            handles = all
        }
        for bond in handles {
            try perform(.checkedCommand(.smDeleteBonding(.init(handle: bond))), within: deadline)
        }
    }

    // MARK: - Scanning

    /// Scans for `timeout` and returns every device heard (pygatt's `scan`). `onReport` runs on the calling
    /// thread for each packet (so a scan started from a callback still sees its reports); returning `true`
    /// stops the scan early. Interval and window are real durations. Memory grows with devices, not time.
    public func scan(timeout: Duration = .seconds(10), interval: Duration = .microseconds(46_875),
                     window: Duration = .microseconds(31_250), active: Bool = true,
                     discoverMode: GAPDiscoverMode = .observation,
                     onReport: (@Sendable (AdvertisementReport) -> Bool)? = nil) throws(BGAPIError) -> [ScanResult] {
        let deadline = now() + timeout
        let mailbox = Mailbox<AdvertisementReport>(capacity: 8192)
        guard let key = addScanMailbox(mailbox) else { throw .notRunning }
        defer { removeScanMailbox(key) }
        try startScanning(interval: interval, window: window, active: active, discoverMode: discoverMode, sink: nil)
        var results: [BluetoothAddress: ScanResult] = [:]
        var order: [BluetoothAddress] = []
        var failure: BGAPIError?
        reading: while true {
            switch mailbox.take(within: deadline - now()) {
            case .success(nil): break reading
            case let .failure(error): failure = error; break reading
            case let .success(report?):
                if results[report.address] == nil {
                    results[report.address] = ScanResult(first: report)
                    order.append(report.address)
                } else {
                    results[report.address]!.add(report)
                }
                if let onReport, onReport(report) { break reading }
            }
        }
        if let failure { throw failure }
        try stopScanning()
        return order.compactMap { results[$0] }
    }

    /// Scans, keeping the devices whose name contains `nameFilter` (case-sensitive, as pygatt).
    public func filteredScan(nameFilter: String, timeout: Duration = .seconds(10)) throws(BGAPIError) -> [ScanResult] {
        try scan(timeout: timeout).filter { ($0.name ?? "").contains(nameFilter) }
    }

    /// Starts a scan that runs until `stopScanning()`; reports arrive as ``BGAPIBackendEvent/advertisement(_:)``
    /// and, when given, to `sink` on the callback queue. Waits for a connect that is initiating to finish first.
    public func startScanning(interval: Duration = .microseconds(46_875), window: Duration = .microseconds(31_250),
                              active: Bool = true, discoverMode: GAPDiscoverMode = .observation,
                              sink: (@Sendable (AdvertisementReport) -> Void)? = nil) throws(BGAPIError) {
        let parameters = try Self.scanParameters(interval: interval, window: window, active: active)
        if let sink { sync { scanSink = sink } }
        do {
            try perform(.startScan(parameters, mode: discoverMode), timeout: commandTimeout)
        } catch {
            if sink != nil { sync { scanSink = nil } }
            throw error
        }
    }

    /// Scan interval and window in BGAPI's 0.625 ms units, checked against the Core spec (2.5 ms…10.24 s).
    static func scanParameters(interval: Duration, window: Duration, active: Bool) throws(BGAPIError) -> GAPSetScanParametersCommand {
        let i = interval.wholeMicroseconds * 1000 / 625_000, w = window.wholeMicroseconds * 1000 / 625_000
        guard (4 ... 16384).contains(i) else { throw .invalidArgument("scan interval \(interval) is not in 2.5 ms…10.24 s") }
        guard (4 ... 16384).contains(w), w <= i else { throw .invalidArgument("scan window \(window) must be 2.5 ms…interval") }
        return GAPSetScanParametersCommand(scanInterval: UInt16(i), scanWindow: UInt16(w), active: active)
    }

    /// Ends a scan; not scanning is not an error, and a connect another caller has initiating is left alone.
    public func stopScanning() throws(BGAPIError) {
        sync { scanSink = nil }
        try perform(.stopScan, timeout: commandTimeout)
    }

    // MARK: - Connecting

    /// Connects (pygatt's `connect`): intervals in real time (7.5 ms…4 s), supervision timeout 100 ms…32 s,
    /// latency 0…499 intervals; all checked against the Core spec before anything is sent. Calls from several
    /// threads are queued and run one at a time. Connecting to an address connected before returns the
    /// same ``BGAPIDevice``, with its subscriptions (see ``BGAPIDevice/resubscribeAll(timeout:)``).
    public func connect(address: BluetoothAddress, timeout: Duration = .seconds(5), addressType: AddressType = .public,
                        intervalMin: Duration = .microseconds(75_000), intervalMax: Duration = .microseconds(95_000),
                        supervisionTimeout: Duration = .seconds(1), latency: Int = 0) throws(BGAPIError) -> BGAPIDevice {
        try connect(Self.connectCommand(address: address, addressType: addressType, intervalMin: intervalMin,
                                        intervalMax: intervalMax, supervisionTimeout: supervisionTimeout, latency: latency),
                    timeout: timeout)
    }

    /// The `gap_connect_direct` for these parameters, checked against the Core spec before anything is sent.
    static func connectCommand(address: BluetoothAddress, addressType: AddressType, intervalMin: Duration,
                               intervalMax: Duration, supervisionTimeout: Duration,
                               latency: Int) throws(BGAPIError) -> GAPConnectDirectCommand {
        let minUnits = intervalMin.wholeMicroseconds / 1250, maxUnits = intervalMax.wholeMicroseconds / 1250
        let timeoutUnits = supervisionTimeout.wholeMilliseconds / 10
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
        return GAPConnectDirectCommand(address: address, addressType: addressType,
                                       connIntervalMin: UInt16(minUnits), connIntervalMax: UInt16(maxUnits),
                                       timeout: UInt16(timeoutUnits), latency: UInt16(latency))
    }

    /// Runs a connect and returns the device the backend bound to the new link on its own queue.
    func connect(_ command: GAPConnectDirectCommand, timeout: Duration) throws(BGAPIError) -> BGAPIDevice {
        if let existing = peripheral(command.address), existing.isConnected { return existing }
        guard case let .connected(info) = try perform(.connect(command), timeout: timeout) else {
            throw .unexpected("connect")
        }
        return try boundDevice(for: info, command: command)
    }

    /// The device the backend bound to a new link on its own queue; one that failed to be established in the
    /// same burst (connection_status, then connection_disconnected 0x023E) is already down here, and throws.
    func boundDevice(for info: LinkInfo, command: GAPConnectDirectCommand) throws(BGAPIError) -> BGAPIDevice {
        guard let device = peripheral(command.address) else { throw .unexpected("connect: no device bound") }
        device.remember(connectCommand: command)
        guard device.isBound(to: info.id) else {
            throw .disconnected(reason: device.disconnectReason?.code ?? .connectionFailedToBeEstablished)
        }
        return device
    }

    /// Deletes one bond from the dongle's flash by its handle (as `bonds()` lists them).
    public func deleteBond(_ bond: BondHandle) throws(BGAPIError) {
        try perform(.checkedCommand(.smDeleteBonding(.init(handle: bond))), timeout: commandTimeout)
    }

    /// Devices connected now.
    public var connectedDevices: [BGAPIDevice] { linkedDevices }
}
