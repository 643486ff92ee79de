import BGAPICore
import Explorer
import Testing
import TUI
import TUITestSupport

/// Hostile radio input through the explorer's real `update` and `ExplorerView`, checked where the view
/// hands text to curses (`Screen.runs`, what `CursesTerminal.present` gives ncurses): no control, escape
/// or bidi control, every row exactly as wide as the terminal, nothing trapping.
@Suite struct HostileInputTests {
    static let sizes = [(120, 40), (80, 24), (40, 12), (20, 6)]

    /// Names as raw bytes: every hostile text, raw C1 bytes, invalid UTF-8, a 248-byte name, 246 bytes of CJK.
    static let rawNames: [[UInt8]] = hostileTexts.filter { $0.utf8.count <= 250 }.map { Array($0.utf8) } + [
        [0x80, 0x85, 0x9B, 0x33, 0x31, 0x6D, 0x9D, 0x30, 0x3B, 0x78, 0x9C, 0x9F],
        [0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0x1B, 0x5B, 0x32, 0x4A],
        Array(repeating: 0x41, count: 247) + [0x1B],
        Array(String(repeating: "漢", count: 82).utf8),
    ]

    /// AD payloads whose lengths lie: past the end, zero, a length byte alone, a structure with no type.
    static let brokenAD: [[UInt8]] = [
        [0x1F, 0x09, 0x61, 0x62, 0x63], [0x00, 0x00, 0x05, 0x09], [0x02, 0x01], [0xFF], [0x01],
        [0x02, 0x01, 0x06, 0x00, 0x1B, 0x5B], [0x05, 0xFF, 0x4C, 0x00], [0x03, 0x16, 0xAA, 0xFE, 0x09, 0x16, 0xAA, 0xFE, 0x10, 0x00, 0x03, 0x1B, 0x5B, 0x41],
    ]

    /// An advertisement exactly as the backend makes it from `gap_scan_response` (BGAPIBackend.route).
    static func advertisement(_ address: BluetoothAddress, _ bytes: [UInt8], rssi: Int8 = -60, at time: Timestamp) -> Message {
        .advertisement(AdvertisementReport(address: address, addressType: .random, packetType: .connectableAdvertisement,
                                           rssi: rssi, bond: .none, data: AdvertisingData(bytes: bytes)), time)
    }

    /// A user description (0x2901) and a string characteristic beside the fixture database.
    static let describedService = GATTService(uuid: BluetoothUUID(0xFFF0), startHandle: AttributeHandle(0x0030),
                                              endHandle: AttributeHandle(0x0033), characteristics: [
        GATTCharacteristic(uuid: BluetoothUUID(0xFFF1), declarationHandle: AttributeHandle(0x0031), valueHandle: AttributeHandle(0x0032),
                           properties: [.read, .notify],
                           descriptors: [GATTDescriptor(uuid: BluetoothUUID(0x2901), handle: AttributeHandle(0x0033))],
                           serviceUUID: BluetoothUUID(0xFFF0)),
    ])

    /// Connected to the heart-rate monitor, with every hostile name heard, a hostile device name and user
    /// description read, hostile values notified and logged, hostile packets in the traffic, hostile errors.
    static func hostileWorld() -> ExplorerState {
        var s = connectedState()
        var t = 1001.0
        for (i, name) in rawNames.enumerated() {
            let address = BluetoothAddress(rawValue: 0xEE00_0000_0000 + UInt64(i))
            let nameAD = name.count <= 254 ? ad(0x09, name) : []
            send(&s, advertisement(address, ad(0x01, [0x06]) + nameAD + ad(0xFF, [0x59, 0x00] + Array(name.prefix(8))), rssi: Int8(-40 - i), at: t))
            send(&s, advertisement(address, ad(0x08, Array(name.prefix(20))) + ad(0x24, Array(name.prefix(20))), at: t + 0.1))
            t += 0.2
        }
        for (i, bytes) in brokenAD.enumerated() {
            send(&s, advertisement(BluetoothAddress(rawValue: 0xEF00_0000_0000 + UInt64(i)), bytes, at: t))
        }
        send(&s, .discovered(hrmAddress, fixtureServices + [describedService]),
             .fetched(hrmAddress, AttributeHandle(0x0033), Array("\u{1B}]8;;http://evil\u{07}desc\u{202E}".utf8)),
             .read(hrmAddress, H.deviceName, rawNames[0] + [0x9B, 0x32, 0x4A], t),
             .notified(hrmAddress, AttributeHandle(0x0032), Array("漢\u{200D}\u{1B}[2J👨‍👩‍👧".utf8) + [0xFF], indication: false, t + 1),
             .notified(hrmAddress, H.measurement, [0x00, 0x1B, 0x9B], indication: false, t + 2),
             .packet(.event(.gapScanResponse(GAPScanResponseEvent(rssi: -40, packetType: .connectableAdvertisement, sender: hrmAddress,
                                                                  addressType: .public, bond: .none, data: ad(0x09, rawNames[1])))), t + 3),
             .packet(valueEvent(0, H.deviceName, rawNames[2]), t + 3.1),
             .traffic("! \u{1B}[2J torn \u{9B}1m"), .failed(hrmAddress, "read failed: \u{1B}[2J\u{202E}"),
             .tick(t + 4))
        return s
    }

    /// The screens a user can bring the hostile world to: each pane focused and zoomed, every hostile
    /// device's advertisement, the tree, the log, the traffic and a packet's detail.
    static func hostileScreens() -> [(String, ExplorerState)] {
        let world = hostileWorld()
        var out: [(String, ExplorerState)] = [("tree", world)]
        var s = world
        s.focus = .scan
        s.selectionMoved = true
        for address in world.devices.keys.sorted() where world.connections[address] == nil {
            s.selectedDevice = address
            out.append(("advertisement \(address)", s))
        }
        var log = world; log.focus = .log; out.append(("log", log))
        var zoomed = log; press(&zoomed, ch("z")); out.append(("log zoomed", zoomed))
        var traffic = log; press(&traffic, ch("t")); out.append(("traffic", traffic))
        var packet = traffic; press(&packet, ch("k"), ch("k"), .enter); out.append(("packet detail", packet))
        var scanZoom = world; scanZoom.focus = .scan; press(&scanZoom, ch("z")); out.append(("scan zoomed", scanZoom))
        return out
    }

    @Test func hostileNamesValuesAndPacketsReachCursesInertAndAligned() {
        for (name, state) in Self.hostileScreens() {
            for (w, h) in Self.sizes {
                var s = state
                send(&s, .resize(width: w, height: h))
                let screen = ExplorerView.render(s)
                let problems = boundaryProblems(screen.runs(since: nil, width: w, height: h), width: w, height: h)
                #expect(problems.isEmpty, "\(name) at \(w)×\(h): \(problems.prefix(4))")
            }
        }
    }

    @Test func theEscapesShowAsText() {
        var s = Self.hostileWorld()
        s.focus = .scan
        send(&s, .resize(width: 200, height: 60))
        let text = ExplorerView.render(s).text
        #expect(text.contains("\\e[31mred\\e[0m"), "an escape sequence in a name shows as its text")
        #expect(text.contains("abc\\u{202E}evil\\u{202C}"), "a bidi override shows as its code")
        #expect(text.contains("\\x85\\x8D\\x90\\x9F"), "C1 controls show as their codes")
        #expect(text.contains("漢字センサー"), "wide text is kept")
    }

    @Test func aFloodOfTenThousandAddressesKeepsTheListRight() throws {
        var s = ExplorerState()
        send(&s, .resize(width: 120, height: 40))
        var t = 5000.0
        for i in 0 ..< 10_000 {
            let address = BluetoothAddress(rawValue: 0xC000_0000_0000 + UInt64(i))
            send(&s, Self.advertisement(address, ad(0x01, [0x06]) + ad(0x09, "Flood \(i)"), rssi: Int8(-30 - i % 70), at: t))
            t += 0.0005
            if i % 1000 == 999 { send(&s, .tick(t)) }
            if i % 2500 == 2499 {
                let screen = ExplorerView.render(s)
                #expect(boundaryProblems(screen.runs(since: nil, width: 120, height: 40), width: 120, height: 40).isEmpty)
            }
        }
        send(&s, .tick(t + 3))
        #expect(s.devices.count == 10_000 && s.evictedDevices == 0)
        let list = s.visibleDevices
        #expect(list.count == 10_000 && Set(list.map(\.address)).count == 10_000, "every device once")
        #expect(zip(list, list.dropFirst()).allSatisfy { ($0.rssi, $1.address) >= ($1.rssi, $0.address) }, "strongest first")
        #expect(s.selectedDevice == list.first?.address, "the cursor is on row 1")
        let text = ExplorerView.render(s).text
        #expect(text.contains("Devices 10000 · RSSI"))
        #expect(text.contains(try #require(list.first?.name)))

        // 2,113 more: the table stays at its cap, the stalest go, the title says how many.
        for i in 10_000 ..< 12_113 {
            send(&s, Self.advertisement(BluetoothAddress(rawValue: 0xC000_0000_0000 + UInt64(i)), ad(0x09, "Late \(i)"), at: t))
            t += 0.0005
        }
        send(&s, .tick(t + 6))
        #expect(s.devices.count == 10_000 && s.evictedDevices == 2113)
        #expect(s.devices[BluetoothAddress(rawValue: 0xC000_0000_0000 + 12_112)] != nil, "the newest is kept")
        #expect(ExplorerView.render(s).text.contains("Devices 10000 · 2113 evicted · RSSI"))
        #expect(s.visibleAddresses.count == 10_000)
    }
}
