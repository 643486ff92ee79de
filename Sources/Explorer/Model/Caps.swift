/// The explorer's memory bounds: how many devices, seconds of RSSI, packet gaps, log entries and traffic
/// packets it keeps. Each is a blex flag (docs/cli.md); beyond a bound the oldest or stalest go.
public struct ExplorerCaps: Hashable, Sendable {
    /// Devices in the scan table (`--device-capacity`); beyond it the stalest unprotected one is evicted.
    public var devices = ExplorerState.defaultDeviceCapacity
    /// Seconds of RSSI per device for its sparkline (`--rssi-history-seconds`).
    public var rssiHistorySeconds = RSSIHistory.defaultSpan
    /// Gaps between advertising packets per device, for its interval (`--packet-history-capacity`).
    public var packetHistory = DeviceEntry.defaultIntervalCapacity
    /// Entries in the notification log (`--log-capacity`); the oldest go first.
    public var log = 10_000
    /// BGAPI packets in the traffic pane (`--trace-capacity`); the oldest go first.
    public var trace = 20_000

    /// The allowed range of each bound, by flag.
    public static let ranges: [(flag: String, range: ClosedRange<Int>)] = [
        ("--device-capacity", 16 ... 1_000_000), ("--rssi-history-seconds", 4 ... 3600),
        ("--packet-history-capacity", 1 ... 1024), ("--log-capacity", 1 ... 1_000_000), ("--trace-capacity", 1 ... 1_000_000),
    ]

    /// The defaults.
    public init() {}

    /// Why these bounds cannot be used (`--device-capacity must lie in 16…1000000 (got 3)`), or nil.
    public var problem: String? {
        let values = [devices, rssiHistorySeconds, packetHistory, log, trace]
        for (limit, value) in zip(Self.ranges, values) where !limit.range.contains(value) {
            return "\(limit.flag) must lie in \(limit.range.lowerBound)…\(limit.range.upperBound) (got \(value))"
        }
        return nil
    }
}

extension ExplorerState {
    /// Applies memory bounds (at start-up): devices and histories heard from now on, the log and the traffic.
    public mutating func apply(_ caps: ExplorerCaps) {
        deviceCapacity = max(1, caps.devices)
        rssiHistorySeconds = max(1, caps.rssiHistorySeconds)
        packetHistoryCapacity = max(1, caps.packetHistory)
        logCapacity = max(1, caps.log)
        log.setCapacity(logCapacity)
        traffic.packets.setCapacity(caps.trace)
    }
}
