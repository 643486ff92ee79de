import BGAPICore

// The scan list that holds still: the order is re-applied at most every `resortInterval` seconds (or on
// demand), new devices join at the bottom until then, and the filters (text, service, RSSI floor, unnamed,
// stale) decide what shows.

extension DeviceEntry {
    /// Service UUIDs it advertises (lists and service data), each once.
    public var advertisedServices: [BluetoothUUID] {
        var seen: [BluetoothUUID] = []
        for data in advertisements.values {
            for u in data.serviceUUIDs + data.serviceData.map(\.uuid) where !seen.contains(u) { seen.append(u) }
        }
        return seen
    }

    /// Whether the filter text matches its name, address, maker, or an advertised service (UUID or SIG name).
    func matches(lowercased needle: String) -> Bool {
        if needle.isEmpty { return true }
        if (name ?? "").lowercased().contains(needle) || address.description.lowercased().contains(needle) { return true }
        if (companyID.flatMap(companyName) ?? "").lowercased().contains(needle) { return true }
        return advertisedServices.contains { u in
            u.description.lowercased().contains(needle) || (serviceName(u) ?? "").lowercased().contains(needle)
        }
    }
}

extension ScanSort {
    /// Whether `a` comes before `b` in this order (ties broken by address, so the order is total).
    func precedes(_ a: DeviceEntry, _ b: DeviceEntry) -> Bool {
        switch self {
        case .rssi: return (a.rssi, b.address) > (b.rssi, a.address)
        case .name:
            switch (a.name, b.name) {
            case let (x?, y?): return (x.lowercased(), a.address) < (y.lowercased(), b.address)
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.address < b.address
            }
        case .lastSeen: return (a.lastSeen, b.address) > (b.lastSeen, a.address)
        case .firstSeen: return (a.firstSeen, a.address) < (b.firstSeen, b.address)
        }
    }
}

/// Whether each device matches the filter text (lowercased `needle`), noted as it advertises: the first row is
/// looked for on every advertisement, and matching a name, address, maker and services costs microseconds a
/// device. Derived from the devices, so it takes no part in equality; bounded by the devices kept.
public struct FilterMemo: Hashable, Sendable {
    var needle = ""
    var matches: [BluetoothAddress: Bool] = [:]

    /// An empty memo.
    public init() {}

    /// Whether nothing is noted.
    public var isEmpty: Bool { matches.isEmpty }

    /// Notes whether `d` (which just changed) matches `needle`; a new needle starts the memo afresh.
    mutating func note(_ d: DeviceEntry, needle: String, devices: Int) {
        if needle != self.needle || matches.count > 2 * devices + 64 { self = FilterMemo(); self.needle = needle }
        matches[d.address] = d.matches(lowercased: needle)
    }

    /// Whether `d` matches `needle`: the noted answer while it is for this needle, else worked out now.
    func matches(_ d: DeviceEntry, needle: String) -> Bool {
        if needle.isEmpty { return true }
        if needle == self.needle, let known = matches[d.address] { return known }
        return d.matches(lowercased: needle)
    }

    public static func == (_: FilterMemo, _: FilterMemo) -> Bool { true }
    public func hash(into _: inout Hasher) {}
}

extension ExplorerState {
    /// Whether `d` passes the filters (a connected device is never hidden as stale, unnamed or weak).
    func shows(_ d: DeviceEntry, needle: String) -> Bool {
        guard filterMemo.matches(d, needle: needle) else { return false }
        if connections[d.address] != nil { return true }
        if hideStale && now - d.lastSeen > staleAfter { return false }
        if hideUnnamed && d.name == nil { return false }
        if let floor = rssiFloor, d.rssi < floor { return false }
        return true
    }

    /// The scan list as shown: filtered, in the order last applied, devices heard since at the bottom.
    public var visibleDevices: [DeviceEntry] { visibleAddresses.map { devices[$0]! } }

    /// The addresses of the scan list as shown (`visibleDevices` without copying the entries): one pass over
    /// the order last applied, then the devices heard since, sorted. No sort of the whole table per frame.
    public var visibleAddresses: [BluetoothAddress] {
        let needle = filter.lowercased()
        var out: [BluetoothAddress] = []
        out.reserveCapacity(devices.count)
        let unfiltered = needle.isEmpty && !hideStale && !hideUnnamed && rssiFloor == nil
        for address in order {
            // Looked up by index: `devices[address]` would copy each entry (and retain its buffers) to test it.
            guard let i = devices.index(forKey: address) else { continue }
            if unfiltered || shows(devices.values[i], needle: needle) { out.append(address) }
        }
        return out + freshDevices(needle: needle).map(\.address)
    }

    /// The first row of the scan list, without building the list (the order's first shown device is
    /// usually its first entry).
    public var firstVisibleAddress: BluetoothAddress? {
        let needle = filter.lowercased()
        for address in order {
            if let i = devices.index(forKey: address), shows(devices.values[i], needle: needle) { return address }
        }
        var first: DeviceEntry?
        for address in unsorted where rank[address] == nil {
            if let d = devices[address], shows(d, needle: needle), first.map({ sort.precedes(d, $0) }) ?? true { first = d }
        }
        return first?.address
    }

    /// Devices heard since the order was applied that pass the filters, in the sort order.
    private func freshDevices(needle: String) -> [DeviceEntry] {
        unsorted.compactMap { address in
            devices[address].flatMap { rank[address] == nil && shows($0, needle: needle) ? $0 : nil }
        }.sorted { sort.precedes($0, $1) }
    }
}

/// Applies the sort order now (at most every `resortInterval` seconds by the tick, or on demand).
func resort(_ state: inout ExplorerState) {
    state.order = sortedAddresses(state.devices, by: state.sort)
    state.rank = Dictionary(uniqueKeysWithValues: state.order.enumerated().map { ($1, $0) })
    state.unsorted = []
    state.lastSort = state.now
    followFirstRow(&state)
}

/// Every address in `sort`'s order (the order of `ScanSort.precedes`), sorting small keys rather than
/// copies of the entries: with ten thousand devices a copy of the table every few seconds is megabytes.
func sortedAddresses(_ devices: [BluetoothAddress: DeviceEntry], by sort: ScanSort) -> [BluetoothAddress] {
    func sorted<Key: Comparable>(_ key: (DeviceEntry) -> Key) -> [BluetoothAddress] {
        var keys: [(key: Key, address: BluetoothAddress)] = []
        keys.reserveCapacity(devices.count)
        var i = devices.startIndex
        while i != devices.endIndex {
            keys.append((key(devices.values[i]), devices.keys[i]))
            devices.formIndex(after: &i)
        }
        keys.sort { ($0.key, $0.address) < ($1.key, $1.address) }
        return keys.map(\.address)
    }
    switch sort {
    case .rssi: return sorted { -Int($0.rssi) }
    case .name: return sorted { d in d.name.map { NameKey(0, $0.lowercased()) } ?? NameKey(1, "") }
    case .lastSeen: return sorted { -$0.lastSeen }
    case .firstSeen: return sorted { $0.firstSeen }
    }
}

/// Named devices first, by lowercased name; then the unnamed (the address breaks ties in both).
private struct NameKey: Comparable {
    var group: Int, name: String
    init(_ group: Int, _ name: String) { (self.group, self.name) = (group, name) }
    static func < (a: NameKey, b: NameKey) -> Bool { (a.group, a.name) < (b.group, b.name) }
}

/// Until the user moves the selection, it stays on the list's first row.
func followFirstRow(_ state: inout ExplorerState) {
    guard !state.selectionMoved, state.focus == .scan || state.selectedDevice == nil else { return }
    if let first = state.firstVisibleAddress { state.selectedDevice = first }
}

/// `>` and `<`: the RSSI floor in 5 dB steps from -100 to -30 dBm; below -100 it is off.
func stepRSSIFloor(_ state: inout ExplorerState, by step: Int) {
    let current = state.rssiFloor.map(Int.init) ?? -105
    let next = min(-30, max(-105, current + step))
    state.rssiFloor = next < -100 ? nil : Int8(next)
}

extension RSSIHistory {
    /// Seconds a heard value is held, so a device heard every 2 s (or a link polled every 2 s) draws a
    /// continuous line rather than holes; a longer silence shows as a gap.
    public static let holdSeconds = 5

    /// Per-second values, oldest first, each heard value held for up to `holdSeconds` seconds.
    public var heldSamples: [Double?] {
        var out = samples
        var last: Double?
        var age = 0
        for i in out.indices {
            if let v = out[i] {
                last = v
                age = 0
            } else {
                age += 1
                if age <= Self.holdSeconds { out[i] = last }
            }
        }
        return out
    }

    /// Seconds each of `width` sparkline columns covers, so the columns span as much of a `span`-second
    /// history as fits.
    public static func secondsPerColumn(width: Int, span: Int = RSSIHistory.defaultSpan) -> Int {
        Swift.max(1, span / Swift.max(1, width))
    }

    /// `width` columns, newest last, covering the last `width × secondsPerColumn(width)` seconds; each is
    /// the mean of the held values in its seconds (nil when none).
    public func columns(width: Int) -> [Double?] {
        guard width > 0 else { return [] }
        let perColumn = Self.secondsPerColumn(width: width, span: span)
        let held = Array(heldSamples.suffix(width * perColumn))
        var out: [Double?] = []
        var end = held.count
        while end > 0, out.count < width {
            let chunk = held[Swift.max(0, end - perColumn) ..< end].compactMap { $0 }
            out.append(chunk.isEmpty ? nil : chunk.reduce(0, +) / Double(chunk.count))
            end -= perColumn
        }
        return out.reversed()
    }
}
