import BGAPICore
import Explorer
import Testing
import TUI

/// The bounded device table (Model/DeviceTable.swift) and the caps (Model/Caps.swift), on the pure state.
@Suite struct DeviceTableTests {
    static func address(_ i: Int) -> BluetoothAddress { BluetoothAddress(rawValue: 0xA000 + UInt64(i)) }

    /// A table of capacity 16 filled with devices 0…15, device i heard at time 100 + i (0 is the stalest),
    /// the freshest selected.
    static func fullTable() -> ExplorerState {
        var s = ExplorerState()
        var caps = ExplorerCaps()
        caps.devices = 16
        s.apply(caps)
        for i in 0 ..< 16 { send(&s, .advertisement(report(address(i), rssi: -50, name: "D\(i)"), 100 + Double(i))) }
        s.selectedDevice = address(15)
        return s
    }

    @Test func aNewDeviceInAFullTableEvictsTheStalest() {
        var s = Self.fullTable()
        #expect(s.devices.count == 16 && s.evictedDevices == 0)
        send(&s, .advertisement(report(Self.address(16), rssi: -50), 200))
        #expect(s.devices.count == 16 && s.evictedDevices == 1)
        #expect(s.devices[Self.address(0)] == nil, "the one heard longest ago goes")
        #expect(s.devices[Self.address(16)] != nil)
        send(&s, .advertisement(report(Self.address(17), rssi: -50), 201))
        #expect(s.devices[Self.address(1)] == nil && s.evictedDevices == 2, "then the next stalest")
    }

    @Test func aDeviceHeardAgainIsNoLongerStale() {
        var s = Self.fullTable()
        send(&s, .advertisement(report(Self.address(16), rssi: -50), 200)) // evicts 0; 1, 2, … are the candidates
        send(&s, .advertisement(report(Self.address(1), rssi: -50), 201)) // 1 is heard again: now the freshest
        send(&s, .advertisement(report(Self.address(17), rssi: -50), 202))
        #expect(s.devices[Self.address(1)] != nil, "heard since the search: kept")
        #expect(s.devices[Self.address(2)] == nil)
    }

    @Test func connectedSelectedBondedAndChartedDevicesAreNeverEvicted() {
        var s = Self.fullTable()
        s.selectedDevice = Self.address(0)
        press(&s, .enter) // connecting to 0: it has a connection entry now
        #expect(s.connections[Self.address(0)] != nil)
        s.selectedDevice = Self.address(1)
        send(&s, .advertisement(AdvertisementReport(address: Self.address(2), addressType: .public, packetType: .connectableAdvertisement,
                                                    rssi: -50, bond: BondHandle(rawValue: 0), data: AdvertisingData()), 102))
        s.chart = ChartTarget(address: Self.address(3), handle: nil)
        s.selectedDevice = Self.address(1)
        send(&s, .advertisement(report(Self.address(16), rssi: -50), 200), .advertisement(report(Self.address(17), rssi: -50), 201))
        #expect((0 ... 3).allSatisfy { s.devices[Self.address($0)] != nil }, "connected, selected, bonded, charted")
        #expect(s.devices[Self.address(4)] == nil && s.devices[Self.address(5)] == nil, "the stalest unprotected went")
        #expect(s.evictedDevices == 2)
    }

    @Test func whenEveryDeviceIsProtectedTheNewcomerIsNotKept() {
        var s = ExplorerState()
        s.deviceCapacity = 1
        send(&s, .advertisement(report(Self.address(0), rssi: -50), 1))
        #expect(s.selectedDevice == Self.address(0))
        send(&s, .advertisement(report(Self.address(1), rssi: -50), 2))
        #expect(s.devices.keys.sorted() == [Self.address(0)] && s.evictedDevices == 1)
    }

    @Test func anEvictedDeviceThatReturnsIsListedOnce() {
        var s = Self.fullTable()
        send(&s, .tick(120)) // the order is applied: 0…15
        (s.selectedDevice, s.selectionMoved) = (Self.address(15), true)
        send(&s, .advertisement(report(Self.address(16), rssi: -50), 200)) // evicts 0
        send(&s, .advertisement(report(Self.address(0), rssi: -50), 201)) // 0 is back, evicting 1
        let list = s.visibleAddresses
        #expect(list.count == 16 && Set(list).count == 16)
        #expect(list.contains(Self.address(0)) && !list.contains(Self.address(1)))
        #expect(ExplorerView.render(s).text.contains("Devices 16 · 2 evicted"))
    }

    @Test func theCapsBoundTheHistoriesAndSayWhatIsWrong() throws {
        var caps = ExplorerCaps()
        (caps.rssiHistorySeconds, caps.packetHistory, caps.log, caps.trace) = (10, 4, 3, 5)
        #expect(caps.problem == nil)
        var s = ExplorerState()
        s.apply(caps)
        for i in 0 ..< 30 { send(&s, .advertisement(report(hrmAddress, rssi: -50), 100 + Double(i) * 0.5)) }
        let d = try #require(s.devices[hrmAddress])
        #expect(d.history.samples.count == 10 && d.history.samples.last == -50)
        #expect(d.intervals.count == 4, "four gaps kept")
        #expect(s.traffic.packets.capacity == 5 && s.logCapacity == 3)
        caps.devices = 3
        #expect(caps.problem == "--device-capacity must lie in 16…1000000 (got 3)")
        caps.devices = 16
        caps.rssiHistorySeconds = 0
        #expect(caps.problem == "--rssi-history-seconds must lie in 4…3600 (got 0)")
    }

    @Test func theResortOrdersByKeysAsTheSortSays() {
        var s = ExplorerState()
        var generator = SplitMix(seed: 13) // many ties in RSSI, names and times
        for i in 0 ..< 300 {
            let name: String? = i % 4 == 0 ? nil : ["beta", "Alpha", "alpha", "gamma"][Int.random(in: 0 ..< 4, using: &generator)]
            send(&s, .advertisement(report(Self.address(Int.random(in: 0 ..< 400, using: &generator)), rssi: Int8.random(in: -90 ... -40, using: &generator),
                                           name: name), 100 + Double(Int.random(in: 0 ..< 50, using: &generator))))
        }
        for sort in ScanSort.allCases {
            s.sort = sort
            press(&s, ch("="))
            let list = s.visibleDevices
            let expected = list.sorted { a, b in
                switch sort {
                case .rssi: return (-Int(a.rssi), a.address) < (-Int(b.rssi), b.address)
                case .name: return (a.name == nil ? 1 : 0, a.name?.lowercased() ?? "", a.address) < (b.name == nil ? 1 : 0, b.name?.lowercased() ?? "", b.address)
                case .lastSeen: return (-a.lastSeen, a.address) < (-b.lastSeen, b.address)
                case .firstSeen: return (a.firstSeen, a.address) < (b.firstSeen, b.address)
                }
            }
            #expect(list.map(\.address) == expected.map(\.address), "\(sort)")
            #expect(list.count == s.devices.count)
        }
    }

    @Test func aCompactHistoryAveragesAndScrollsLikeTheOldOne() {
        var h = RSSIHistory(span: 4)
        h.add(-50, at: 10.1)
        h.add(-53, at: 10.9)
        h.add(127, at: 11)
        #expect(h.samples == [nil, nil, -51.5, 127])
        h.advance(to: 13)
        #expect(h.samples == [-51.5, 127, nil, nil])
        h.advance(to: 100)
        #expect(h.samples == [nil, nil, nil, nil])
        for _ in 0 ..< 2000 { h.add(-128, at: 100.5) }
        #expect(h.samples.last == -128, "a full bucket keeps its average")
    }
}

/// A seeded generator (SplitMix64), so a run repeats exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
