import BGAPICore
import Explorer
import Testing
import TUI

/// The explorer's screens, rendered from states built with messages.
@Suite struct ViewTests {
    static let hostileAddress = BluetoothAddress("DE:AD:BE:EF:00:09")!
    /// `ESC[31m EVIL ESC[0m BEL FF FE CR LF` as a Complete Local Name.
    static let hostileName: [UInt8] = [0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x45, 0x56, 0x49, 0x4C, 0x1B, 0x5B, 0x30, 0x6D, 0x07,
                                       0xFF, 0xFE, 0x0D, 0x0A]

    static func hostileState() -> ExplorerState {
        var s = ExplorerState()
        let data = AdvertisingData(bytes: ad(0x01, [0x06]) + ad(0x09, hostileName))
        send(&s, .advertisement(AdvertisementReport(address: hostileAddress, addressType: .public,
                                                    packetType: .connectableAdvertisement, rssi: -77, bond: .none,
                                                    data: data), 10))
        return s
    }

    /// Connected to the heart-rate monitor, subscribed to its measurement (selected), two notifications logged.
    static func treeState() -> ExplorerState {
        var s = connectedState()
        s.utcOffset = 3600
        select(.characteristic(H.measurement), in: &s)
        press(&s, ch("n"))
        send(&s, .subscribed(hrmAddress, H.measurement, indication: false),
             .notified(hrmAddress, H.measurement, [0x00, 0x47], indication: false, 1_764_062_000.25),
             .notified(hrmAddress, H.measurement, [0x00, 0x48], indication: false, 1_764_062_001.25))
        return s
    }

    /// Every kind of screen: scan, advertisement detail, tree, log, editor, each prompt, help, traffic.
    static func allStates() -> [(String, ExplorerState)] {
        var out: [(String, ExplorerState)] = [("empty", ExplorerState()), ("scan", scannedState()),
                                              ("hostile", hostileState()), ("tree", treeState())]
        var s = treeState(); s.focus = .log; out.append(("log", s))
        s = treeState(); select(.characteristic(H.controlPoint), in: &s); press(&s, ch("w")); typeText(&s, "01z")
        out.append(("editor", s))
        s = scannedState(); press(&s, ch("/")); typeText(&s, "pul"); out.append(("filter", s))
        s = treeState(); press(&s, ch("e")); out.append(("export", s))
        s = treeState(); press(&s, ch("q")); out.append(("quit", s))
        s = treeState(); send(&s, .passkeyRequested(hrmAddress)); typeText(&s, "12"); out.append(("passkey", s))
        s = treeState(); press(&s, ch("?")); out.append(("help", s))
        s = treeState(); s.focus = .log; press(&s, ch("t")); send(&s, .traffic("→ \u{1B}[2J gap_discover"), .traffic("! torn"))
        out.append(("traffic", s))
        s = treeState(); s.ascii = true; out.append(("ascii", s))
        // Issue 9: the traffic pane with real packets (held, filtered), a packet's and an entry's detail, a
        // zoomed pane, a dropped link's greyed tree, a long value, an iBeacon.
        s = treeState(); s.focus = .log; press(&s, ch("t"))
        send(&s, .packet(linkUp(0, hrmAddress), 5), .packet(readCommand(0, H.bodySensor), 6), .packet(readResponse(0), 6.1),
             .packet(valueEvent(0, H.bodySensor, [0x1B, 0x5B, 0x32, 0x4A] + Array(repeating: 0x41, count: 40)), 6.2),
             .packet(scanResponse(hostileAddress), 7), .traffic("! 3 bytes dropped\u{7}"))
        out.append(("traffic packets", s))
        var held = s; press(&held, ch("k"), ch("k"), ch("p")); send(&held, .packet(scanResponse(hrmAddress), 8))
        out.append(("traffic held", held))
        var filtered = s; press(&filtered, ch("S"), ch("C"), ch("o")); out.append(("traffic filtered", filtered))
        var packet = s; press(&packet, ch("k"), ch("k"), .enter); out.append(("packet detail", packet))
        var search = s; press(&search, ch("/")); typeText(&search, "read"); out.append(("search", search))
        s = treeState(); s.focus = .log; press(&s, .enter); out.append(("entry detail", s))
        s = treeState(); press(&s, ch("z")); out.append(("zoomed", s))
        s = treeState(); send(&s, .disconnected(hrmAddress, reason: "supervision timeout\u{1B}[2J")); out.append(("dropped", s))
        s = treeState(); select(.characteristic(H.bodySensor), in: &s); send(&s, .read(hrmAddress, H.bodySensor, Array(0 ..< 200), 9))
        out.append(("long value", s))
        s = ExplorerState()
        send(&s, .advertisement(report(beaconAddress, rssi: -70, packetType: .nonConnectableAdvertisement, extra: iBeaconData), 10))
        out.append(("ibeacon", s))
        s = BondListTests.bondedState(); press(&s, ch("B")); out.append(("bonds asking", s))
        send(&s, .bondList([BondHandle(rawValue: 1), BondHandle(rawValue: 0)])); press(&s, ch("D")); out.append(("bonds", s))
        s = treeState(); send(&s, .failed(nil, "dongle gone\u{7}")); out.append(("error", s))
        // Issue 10 in issue 9's modes: the chart (a value, and RSSI alone), help over it, the naming prompt.
        s = treeState(); s.now = 1_764_062_001.25; s.focus = .details; press(&s, ch("v")); out.append(("chart", s))
        press(&s, ch("?")); out.append(("help over chart", s))
        s = treeState(); s.focus = .scan; press(&s, ch("v")); out.append(("rssi chart", s))
        s = treeState(); s.focus = .details; press(&s, ch("N")); typeText(&s, "Strap"); out.append(("naming", s))
        return out
    }

    static let sizes: [(Int, Int)] = [(120, 40), (80, 24), (60, 20), (59, 11), (40, 12), (20, 6), (10, 3), (1, 1), (0, 0)]

    /// Each cell's text holds no scalar a terminal would act on.
    static func controlCells(_ screen: Screen) -> [String] {
        var found: [String] = []
        for y in 0 ..< screen.height {
            for x in 0 ..< screen.width where screen[x, y].text.unicodeScalars.contains(where: isControl) {
                found.append("(\(x),\(y)) \(screen[x, y].text.debugDescription)")
            }
        }
        return found
    }

    @Test func everyScreenRendersAtEverySizeWithoutControlCharacters() {
        for (name, state) in Self.allStates() {
            for (w, h) in Self.sizes {
                var s = state
                send(&s, .resize(width: w, height: h))
                let screen = ExplorerView.render(s)
                #expect(screen.width == w && screen.height == h, "\(name) at \(w)×\(h)")
                #expect(screen.lines.count == h)
                #expect(screen.lines.allSatisfy { TextWidth.of($0) == w }, "\(name) at \(w)×\(h): every row fills the width")
                #expect(Self.controlCells(screen).isEmpty, "\(name) at \(w)×\(h): \(Self.controlCells(screen).prefix(5))")
            }
        }
    }

    @Test func negativeResizeIsClamped() {
        var s = scannedState()
        send(&s, .resize(width: -5, height: -1))
        #expect(s.width == 0 && s.height == 0)
        #expect(ExplorerView.render(s).text == "")
    }

    @Test func statusBarSaysSimulatedOnTheVirtualDongle() {
        var s = scannedState()
        send(&s, .resize(width: 80, height: 24))
        s.portName = "virtual BLED112 (demo)"
        #expect(!ExplorerView.render(s).lines[23].contains("SIMULATED"))
        s.simulated = true
        let status = ExplorerView.render(s).lines[23]
        #expect(status.contains("SIMULATED"))
        #expect(status.contains("virtual BLED112 (demo)"))
        #expect(status.contains("scanning") && status.contains("0 connected") && status.contains("? help"))
    }

    @Test func statusBarShowsTheErrorAndTheConnectionCount() {
        var s = Self.treeState()
        s.width = 80
        s.height = 24
        #expect(ExplorerView.render(s).lines[23].contains("1 connected"))
        send(&s, .failed(hrmAddress, "read failed: \u{1B}[2J"))
        let status = ExplorerView.render(s).lines[23]
        #expect(status.contains("read failed: \\e[2J"), "errors are made inert too")
    }

    @Test func scanPaneShowsDeviceNames() {
        var s = scannedState()
        send(&s, .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1000.2), .resize(width: 80, height: 24))
        let text = ExplorerView.render(s).text
        #expect(text.contains("Pulse HRM"))
        #expect(text.contains("Thermo TH-1"))
        #expect(text.contains("Devices 3 · RSSI"))
        #expect(text.contains("C4:7C:8D:6A:10:01 P"))
        #expect(text.contains("D6:1E:0B:EA:C0:06 R"), "random addresses are marked")
        send(&s, .key(ch("/")))
        typeText(&s, "thermo")
        send(&s, .key(.enter))
        let scan = ExplorerLayout(width: 80, height: 24, focus: .scan).scan
        let filtered = ExplorerView.render(s).lines[scan.y ..< scan.maxY].joined(separator: "\n")
        #expect(filtered.contains("Devices 1/3 · RSSI · /thermo"))
        #expect(filtered.contains("Thermo TH-1"))
        #expect(!filtered.contains("Pulse HRM"))
    }

    @Test func hostileNameRendersInertWithVisibleEscapes() {
        for (w, h) in [(120, 40), (80, 24), (40, 12)] {
            var s = Self.hostileState()
            send(&s, .resize(width: w, height: h))
            let screen = ExplorerView.render(s)
            #expect(Self.controlCells(screen).isEmpty, "\(w)×\(h): \(Self.controlCells(screen).prefix(5))")
            #expect(screen.text.contains("\\e[31mEVIL\\e[0m"), "\(w)×\(h): the escape shows as text")
        }
        var s = Self.hostileState()
        send(&s, .resize(width: 80, height: 24))
        let text = ExplorerView.render(s).text
        #expect(text.contains("\\e[31mEVIL\\e[0m\\a\u{FFFD}\u{FFFD}\\r\\n"), "the whole name, every byte accounted for")
        #expect(text.contains("Name: \"\\e[31mEVIL\\e[0m\\a\u{FFFD}\u{FFFD}\\r\\n\""), "the detail pane too")
    }

    @Test func sparklineShowsTheRSSIHistory() throws {
        var s = ExplorerState()
        for i in 0 ..< 12 {
            send(&s, .advertisement(report(hrmAddress, rssi: Int8(-95 + 6 * i), name: "Pulse HRM"), 1000 + Double(i)))
        }
        send(&s, .advertisement(report(thermoAddress, rssi: -60, name: "Thermo"), 1011), .resize(width: 80, height: 24))
        let lines = ExplorerView.render(s).lines
        let ramp = Set(Glyphs.unicode.sparkRamp)
        let hrmRow = try #require(lines.first { $0.contains("Pulse HRM") })
        let thermoRow = try #require(lines.first { $0.contains("Thermo") })
        // 16 columns of 3 s (the header says 48 s): 12 seconds heard fill 4 columns.
        #expect(RSSIHistory.secondsPerColumn(width: 16) == 3 && lines.joined().contains("RSSI, last 48 s"))
        #expect(hrmRow.filter { ramp.contains($0) }.count == 4, "one bar per 3 s heard: \(hrmRow)")
        #expect(thermoRow.filter { ramp.contains($0) }.count == 1)
        // Rising RSSI: the bars rise too, weakest first.
        let bars = hrmRow.filter { ramp.contains($0) }.map { Glyphs.unicode.sparkRamp.firstIndex(of: $0)! }
        #expect(bars == bars.sorted() && bars.first! < bars.last!, "\(bars)")

        s.ascii = true
        let asciiRow = try #require(ExplorerView.render(s).lines.first { $0.contains("Pulse HRM") })
        #expect(asciiRow.unicodeScalars.allSatisfy { $0.isASCII }, "ASCII mode draws no Unicode")
    }

    @Test func gattTreeShowsSIGNamesPropertiesAndValues() {
        var s = Self.treeState()
        send(&s, .read(hrmAddress, H.battery, [0x5F], 1_764_062_002), .resize(width: 120, height: 40))
        let text = ExplorerView.render(s).text
        for expected in ["GATT · Pulse HRM", "Generic Access", "Heart Rate", "0x180D 0x000A–0x0012", "Heart Rate Measurement [N]",
                         "72 bpm  N 0x000C", "Body Sensor Location", "R 0x000F", "Heart Rate Control Point", "W 0x0011",
                         "Battery Service", "95 %  R N 0x0015", "Nordic UART Service", "W Wn 0x0022", "Wn 0x0024",
                         "Health Thermometer", "Temperature Measurement", "I 0x0027", "30 ms interval"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains("Device Name"), "Generic Access stays collapsed")
        // The selected value, whole, under the tree.
        #expect(text.contains("Heart Rate Measurement · 2 bytes"))
        #expect(text.contains("0000  00 48"))
    }

    @Test func logShowsDecodedNotifications() {
        var s = Self.treeState()
        send(&s, .resize(width: 120, height: 40))
        let lines = ExplorerView.render(s).lines
        #expect(lines.contains { $0.contains("10:13:20.250 N Pulse HRM    Heart Rate Measurement       71 bpm  00 47") })
        #expect(lines.contains { $0.contains("10:13:21.250 N Pulse HRM    Heart Rate Measurement       72 bpm  00 48") })
        #expect(lines.contains { $0.contains("Notifications 2") })
    }

    @Test func editorOverlayShowsTheErrorForInvalidInput() throws {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"))
        typeText(&s, "01z")
        send(&s, .resize(width: 80, height: 24))
        var screen = ExplorerView.render(s)
        #expect(screen.text.contains("Write Heart Rate Control Point 0x0011"))
        #expect(screen.text.contains("[hex] UTF-8 u8"))
        let y = try #require(screen.lines.firstIndex { $0.contains("✗ 'z' is not a hex digit — nothing will be sent") })
        let x = try #require((0 ..< screen.width).first { screen[$0, y].text == "'" })
        #expect(screen[x, y].style.foreground == .red && screen[x, y].style.bold, "the verdict is red")
        #expect(screen.text.contains("01z"))
        #expect(screen.text.contains("^R with response"))

        press(&s, .backspace)
        screen = ExplorerView.render(s)
        #expect(!screen.text.contains("✗"))
        #expect(screen.text.contains("1 byte"))
        #expect(screen.text.contains("u8: 1"), "other views preview the value")
    }

    @Test func helpListsEveryBinding() {
        var s = scannedState()
        press(&s, ch("?"))
        send(&s, .resize(width: 120, height: 40))
        // Two pages at 120×40 (the chart's keys are on the second): every page's text together.
        var text = ExplorerView.render(s).text
        #expect(text.contains("Keys — j/k page, any other key closes") && text.contains("page 1/2"))
        press(&s, ch("j"))
        let second = ExplorerView.render(s).text
        #expect(second.contains("page 2/2"))
        text += second
        for b in Keymap.bindings {
            #expect(text.contains(b.description), "help misses \(b.action): \(b.description)")
            #expect(text.contains(b.label), "help misses the keys of \(b.action): \(b.label)")
        }
        for e in Keymap.editorHelp { #expect(text.contains(e.description)) }
        for e in Keymap.chartHelp { #expect(text.contains(e.description), "help misses the chart's \(e.keys)") }
        for section in Set(Keymap.bindings.map(\.section)) { #expect(text.contains(section)) }
    }

    @Test func everyActionHasABindingAndKeysDoNotCollide() {
        #expect(Set(Keymap.bindings.map(\.action)) == Set(Action.allCases))
        for pane in Pane.allCases {
            var seen: [Key: Action] = [:]
            for b in Keymap.bindings where b.panes?.contains(pane) ?? true {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k) is bound twice in \(pane)")
                    seen[k] = b.action
                    #expect(Keymap.action(for: k, in: pane) == b.action)
                }
            }
        }
        #expect(Keymap.action(for: ch("r"), in: .scan) == nil, "GATT keys only in the details pane")
        #expect(Keymap.action(for: ch("R"), in: .scan) == .rssi)
    }

    // MARK: - Snapshots

    @Test func snapshotScanPane40x12() {
        var s = ExplorerState()
        send(&s, .advertisement(report(hrmAddress, rssi: -52, name: "Pulse HRM"), 1000),
             .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1000.1),
             .resize(width: 40, height: 12))
        let screen = ExplorerView.render(s)
        #expect(screen.lines == [
            "┌─ Devices 2 · RSSI ───────────────────┐",
            "│Name                              RSSI│",
            "│Pulse HRM                          -52│",
            "│Thermo TH-1                        -67│",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "└──────────────────────────────────────┘",
            " blex   scanning 0 connected     ? help ",
        ])
        #expect(screen[1, 2].style.reverse && !screen[1, 3].style.reverse, "the selected row is highlighted")
    }

    @Test func snapshotTree60x20() {
        var s = Self.treeState()
        send(&s, .resize(width: 60, height: 20))
        let screen = ExplorerView.render(s)
        #expect(screen.lines == [
            "┌─ Devices 2 · RSSI ───────────────────────────────────────┐",
            "│Name                  Address             RSSI 56 s     CB│",
            "│Pulse HRM             C4:7C:8D:6A:10:01 P  -52        ▆ ● │",
            "│(unnamed)             D6:1E:0B:EA:C0:06 R  -80        ▃ - │",
            "│                                                          │",
            "│                                                          │",
            "└──────────────────────────────────────────────────────────┘",
            "┌─ GATT · Pulse HRM ───────────────────────────────────────┐",
            "│30 ms interval                                            │",
            "│▸ Generic Access                      0x1800 0x0001–0x0009│",
            "│▾ Heart Rate                          0x180D 0x000A–0x0012│",
            "│  ▸ Heart Rate Measurement [N]            72 bpm  N 0x000C│",
            "│    Body Sensor Location                          R 0x000F│",
            "└──────────────────────────────────────────────────────────┘",
            "┌─ Notifications 2 + 2 events ─────────────────────────────┐",
            "│01:16:40.100 S Pulse HRM    Heart Rate Measurement subscr…│",
            "│10:13:20.250 N Pulse HRM    Heart Rate Measurement 71 bpm…│",
            "│10:13:21.250 N Pulse HRM    Heart Rate Measurement 72 bpm…│",
            "└──────────────────────────────────────────────────────────┘",
            " blex   scanning 1 connected                         ? help ",
        ])
        // The focused pane's selection is in reverse video; the scan list's selection is underlined.
        #expect(screen[3, 11].style.reverse, "Heart Rate Measurement is the selected row")
        #expect(!screen[3, 12].style.reverse)
        #expect(screen[1, 2].style.underline && !screen[1, 2].style.reverse)
    }
}
