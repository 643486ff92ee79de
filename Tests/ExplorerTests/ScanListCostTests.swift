import BGAPICore
import Explorer
import ExplorerRuntime
import Testing

/// The scan list's cheap paths (issue 13, CPU): `visibleDevices` walks the applied order instead of sorting by
/// hashed ranks, and `firstVisibleAddress` (what the selection follows on every advertisement) finds the first row
/// without building the list. Both must give exactly what the plain definition gives, on many random states.
@Suite struct ScanListCostTests {
    /// The scan list as first written (filter, rank by the applied order, newcomers sorted): the reference.
    static func reference(_ s: ExplorerState) -> [BluetoothAddress] {
        // The random states carry no maker or services, so the text filter is the name or the address.
        let needle = s.filter.lowercased()
        let shown = s.devices.values.filter { d in
            let text = needle.isEmpty || (d.name ?? "").lowercased().contains(needle)
                || d.address.description.lowercased().contains(needle)
            return text && passesOtherFilters(s, d)
        }
        let rank = Dictionary(s.order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = shown.filter { rank[$0.address] != nil }.sorted { rank[$0.address]! < rank[$1.address]! }
        let fresh = shown.filter { rank[$0.address] == nil }.sorted { precedes(s.sort, $0, $1) }
        return (ranked + fresh).map(\.address)
    }

    static func passesOtherFilters(_ s: ExplorerState, _ d: DeviceEntry) -> Bool {
        if s.connections[d.address] != nil { return true }
        if s.hideStale && s.now - d.lastSeen > s.staleAfter { return false }
        if s.hideUnnamed && d.name == nil { return false }
        if let floor = s.rssiFloor, d.rssi < floor { return false }
        return true
    }

    static func precedes(_ sort: ScanSort, _ a: DeviceEntry, _ b: DeviceEntry) -> Bool {
        switch sort {
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

    /// A small deterministic generator (SplitMix64), so a failure names its seed.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    @Test(arguments: 0 ..< 200)
    func theCheapListsMatchThePlainDefinition(seed: Int) {
        var r = Random(state: UInt64(seed))
        var s = ExplorerState()
        s.sort = [ScanSort.rssi, .name, .lastSeen, .firstSeen][r.next(4)]
        var time = 100.0
        let names = ["Pulse", "pulse HRM", "Thermo", "Tag", nil, nil]
        let filters = ["", "", "pul", "THERMO", "zz", "00:00"]
        let count = r.next(30)
        for _ in 0 ..< count * 3 {
            let address = BluetoothAddress(rawValue: UInt64(1 + r.next(count + 1)))
            time += Double(r.next(100)) / 100
            _ = update(&s, .advertisement(report(address, rssi: Int8(-100 + r.next(60)), name: names[r.next(names.count)]), time))
            // Sometimes the order is applied mid-way, so some devices are ranked and later ones are newcomers.
            if r.next(10) == 0 { _ = update(&s, .tick(time + 3.5)) }
            // The filter changes while devices advertise (and their names change): the memo must never go stale.
            if r.next(8) == 0 { s.filter = filters[r.next(filters.count)] }
            if r.next(4) == 0 {
                #expect(s.visibleDevices.map(\.address) == Self.reference(s), "seed \(seed), mid-way")
            }
        }
        s.filter = filters[r.next(filters.count)]
        s.hideUnnamed = r.next(3) == 0
        s.rssiFloor = r.next(3) == 0 ? Int8(-90 + r.next(40)) : nil
        s.hideStale = r.next(3) == 0
        let expected = Self.reference(s)
        #expect(s.visibleDevices.map(\.address) == expected, "seed \(seed)")
        #expect(s.firstVisibleAddress == expected.first, "seed \(seed)")
    }

    @Test func withNothingRankedTheFirstNewcomerInSortOrderLeads() {
        var s = ExplorerState()
        s.sort = .rssi
        let weak = BluetoothAddress(rawValue: 1), strong = BluetoothAddress(rawValue: 2)
        _ = update(&s, .advertisement(report(weak, rssi: -90), 10))
        _ = update(&s, .advertisement(report(strong, rssi: -40), 10.1))
        #expect(s.order.isEmpty, "no order applied yet")
        #expect(s.firstVisibleAddress == strong)
        // The selection follows the first row on the next tick (not per packet), until the user moves it.
        _ = update(&s, .tick(10.2))
        #expect(s.selectedDevice == strong, "the selection follows the first row until the user moves it")
    }
}

/// Batched events keep their own times: the explorer stamps an advertisement or a notification with when the
/// backend received it (on the traffic clock), not when its batch reached the main thread.
@Suite struct EventTimeTests {
    @Test func messagesAreStampedWithTheReceiveTime() throws {
        let clock = TrafficClock()
        let report = AdvertisementReport(address: hrmAddress, addressType: .public, packetType: .connectableAdvertisement,
                                         rssi: -50, bond: .none, data: AdvertisingData(bytes: [2, 1, 6]))
        guard case let .advertisement(_, first)? = EffectRunner.message(for: .advertisement(report), at: .seconds(10), clock: clock),
              case let .notified(_, _, _, _, second)? = EffectRunner.message(
                  for: .notification(address: hrmAddress, handle: AttributeHandle(0x0C), value: [1], isIndication: false),
                  at: .milliseconds(10_250), clock: clock)
        else { Issue.record("unexpected messages"); return }
        #expect(abs(second - first - 0.25) < 1e-6, "250 ms apart on the backend's clock, 250 ms apart in the log")
    }
}
