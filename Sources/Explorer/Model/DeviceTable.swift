import BGAPICore

// The device table is bounded: at most `deviceCapacity` devices. A new device heard when it is full evicts
// the stalest device (the one heard longest ago; ties: the lower address) that is not protected: a device
// with a connection (connecting, up, or dropped with its tree still shown), the selected one, a bonded one,
// or the one whose chart is open. If every device is protected, the new one is not kept. Either way
// `evictedDevices` counts it and the scan pane's title says so ("Devices 10000 · 2113 evicted").
//
// Finding the stalest is a pass over the table, so one pass keeps the `evictionBatch` stalest unprotected
// devices as candidates for the evictions that follow. A candidate heard again since (its `lastSeen`
// changed) or protected now is skipped. That is exact: a device heard since the pass is fresher than every
// candidate. A device that loses its protection after a pass waits for the next one (at most
// `evictionBatch` evictions later).

/// A device the next evictions may take, with when it had last been heard at the search that found it.
struct EvictionCandidate: Hashable, Sendable {
    var address: BluetoothAddress
    var lastSeen: Timestamp
}

extension ExplorerState {
    /// Candidates one pass over a full table keeps.
    static let evictionBatch = 64

    /// Whether eviction leaves the device alone: it has a connection, is selected, bonded, or charted.
    func isProtectedFromEviction(_ d: DeviceEntry) -> Bool {
        d.bonded || d.address == selectedDevice || connections[d.address] != nil || chart?.address == d.address
    }
}

/// Folds an advertisement into the device table, evicting the stalest unprotected device to make room
/// for a new one when the table is full.
func hear(_ state: inout ExplorerState, _ report: AdvertisementReport, at time: Timestamp) {
    let address = report.address
    if state.devices[address] != nil {
        state.devices[address]!.add(report, at: time)
        return
    }
    while state.devices.count >= max(1, state.deviceCapacity) {
        state.evictedDevices += 1
        guard let victim = nextEviction(&state) else { return } // all protected: the newcomer is not kept
        state.devices[victim] = nil
    }
    state.devices[address] = DeviceEntry(report, at: time, historySeconds: state.rssiHistorySeconds,
                                         intervalCapacity: state.packetHistoryCapacity)
    if state.rank[address] == nil {
        state.unsorted.append(address)
        // Evicted addresses linger here until the next re-sort; a flood of new ones between two sorts is bounded.
        if state.unsorted.count > 2 * max(1, state.deviceCapacity) {
            state.unsorted.removeAll { state.devices[$0] == nil }
        }
    }
}

/// The stalest unprotected device, from the candidates of the last pass (or a new pass when they are used up).
func nextEviction(_ state: inout ExplorerState) -> BluetoothAddress? {
    for pass in 0 ..< 2 {
        while !state.evictionCandidates.isEmpty {
            let c = state.evictionCandidates.removeFirst()
            guard let d = state.devices[c.address], d.lastSeen == c.lastSeen, !state.isProtectedFromEviction(d) else { continue }
            return c.address
        }
        if pass == 0 { state.evictionCandidates = stalestUnprotected(state, count: ExplorerState.evictionBatch) }
    }
    return nil
}

/// The `count` stalest unprotected devices, stalest first (ties: the lower address first).
func stalestUnprotected(_ state: ExplorerState, count: Int) -> [EvictionCandidate] {
    var kept: [EvictionCandidate] = []
    kept.reserveCapacity(count + 1)
    func staler(_ a: EvictionCandidate, _ b: EvictionCandidate) -> Bool { (a.lastSeen, a.address) < (b.lastSeen, b.address) }
    for d in state.devices.values {
        let c = EvictionCandidate(address: d.address, lastSeen: d.lastSeen)
        if kept.count == count, let worst = kept.last, !staler(c, worst) { continue }
        guard !state.isProtectedFromEviction(d) else { continue }
        var low = 0, high = kept.count
        while low < high {
            let mid = (low + high) / 2
            if staler(kept[mid], c) { low = mid + 1 } else { high = mid }
        }
        kept.insert(c, at: low)
        if kept.count > count { kept.removeLast() }
    }
    return kept
}
