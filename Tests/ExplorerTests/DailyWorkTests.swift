import BGAPICore
import Explorer
import Testing
import TUI

/// Apple manufacturer data holding an iBeacon frame: UUID, major 4660 (0x1234), minor 22136 (0x5678), -59 dBm.
let iBeaconData: [UInt8] = ad(0xFF, [0x4C, 0x00, 0x02, 0x15] + Array(0x10 ... 0x1F) + [0x12, 0x34, 0x56, 0x78, 0xC5])

// Issue 9's "nothing truncated silently" and "a list that holds still".
@Suite struct WholeValuesTests {
    @Test(arguments: [(200, 50), (120, 40), (80, 24)])
    func iBeaconMajorAndMinorShowAtEveryWidth(width: Int, height: Int) {
        var s = ExplorerState()
        send(&s, .advertisement(report(beaconAddress, rssi: -70, packetType: .nonConnectableAdvertisement, extra: iBeaconData), 10),
             .resize(width: width, height: height))
        var text = ExplorerView.render(s).lines.joined(separator: "\n")
        if height < 30 {
            #expect(text.contains("more lines: Tab, j/k"), "cut at \(width)×\(height), and said so")
            s.focus = .details
            press(&s, ch("G"))
            text = ExplorerView.render(s).lines.joined(separator: "\n")
        }
        #expect(text.contains("major 4660 · minor 22136 · power -59 dBm"), "\(width)×\(height)")
        #expect(text.contains("UUID 10111213-1415-1617-1819-1A1B1C1D1E1F"), "\(width)×\(height)")
    }

    @Test func aTallAdvertisementScrollsAndSaysSo() throws {
        var s = ExplorerState()
        send(&s, .advertisement(report(beaconAddress, rssi: -70, name: "Beacon", extra: iBeaconData), 10),
             .resize(width: 80, height: 24))
        press(&s, ch("a"))
        s.focus = .details
        let overflow = ExplorerView.render(s).text
        #expect(overflow.contains("more lines: Tab, j/k"), "a cut pane says so")
        press(&s, ch("G"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"), ch("j"))
        #expect(s.advertisementScroll > 0)
        #expect(ExplorerView.render(s).text.contains("above: k"), "scrolled to the end, the top is marked")
        press(&s, ch("g"))
        #expect(s.advertisementScroll == 0)
    }

    @Test func aLongValueShowsWholeWhenThereIsRoomAndIsMarkedWhenCut() {
        var s = connectedState()
        s.width = 120
        s.height = 40
        select(.characteristic(H.bodySensor), in: &s)
        send(&s, .read(hrmAddress, H.bodySensor, Array(0 ..< 56), 5))
        var text = ExplorerView.render(s).text
        #expect(text.contains("56 bytes"))
        #expect(text.contains("30 31 32 33 34 35 36 37"), "the last row of 56 bytes shows (it was cut at 32)")
        #expect(!text.contains("not shown"))
        send(&s, .resize(width: 120, height: 16))
        text = ExplorerView.render(s).text
        #expect(text.contains("bytes not shown: z zooms"), "cut, and said so")
        press(&s, ch("z"))
        #expect(s.zoomed)
        #expect(ExplorerView.render(s).text.contains("30 31 32 33 34 35 36 37"), "zoomed, it fits again")
        press(&s, .escape)
        #expect(!s.zoomed, "Esc leaves the zoom")
    }

    @Test func zoomGivesTheFocusedPaneTheWholeBody() {
        let plain = ExplorerLayout(width: 120, height: 40, focus: .log)
        let zoomed = ExplorerLayout(width: 120, height: 40, focus: .log, zoomed: true)
        #expect(zoomed.log == Rect(x: 0, y: 0, width: 120, height: 39) && zoomed.scan.isEmpty && zoomed.details.isEmpty)
        #expect(plain.log.height < zoomed.log.height)
    }

    @Test func theLogScalesWithTheTerminalHeight() {
        let heights = [24, 40, 60, 80].map { ExplorerLayout(width: 120, height: $0).log.height }
        #expect(heights == heights.sorted() && Set(heights).count == heights.count, "\(heights)")
        #expect(ExplorerLayout(width: 120, height: 60).log.height >= 17)
    }

    @Test func enterOnALogEntryOpensItWhole() throws {
        var s = connectedState()
        s.width = 100
        s.height = 30
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 0x48] + Array(repeating: 0xAB, count: 60), indication: false, 7))
        s.focus = .log
        press(&s, .enter)
        guard case let .entry(e)? = s.detail?.subject else { Issue.record("Enter opens the entry"); return }
        #expect(e.value.count == 62)
        let text = ExplorerView.render(s).text
        #expect(text.contains("62 bytes") && text.contains("Heart Rate Measurement"))
        #expect(!text.contains("…"), "nothing is cut in the detail view")
        press(&s, ch("k"))
        #expect(s.detail != nil, "k scrolls, it does not close")
        press(&s, ch("x"))
        #expect(s.detail == nil)
    }
}

@Suite struct StillListTests {
    static let a = BluetoothAddress(rawValue: 0xA), b = BluetoothAddress(rawValue: 0xB), c = BluetoothAddress(rawValue: 0xC)

    @Test func rowsHoldStillBetweenResortsAndTheSelectionFollowsTheDevice() {
        var s = ExplorerState()
        send(&s, .advertisement(report(Self.a, rssi: -40, name: "A"), 10), .advertisement(report(Self.b, rssi: -60, name: "B"), 10),
             .advertisement(report(Self.c, rssi: -80, name: "C"), 10), .tick(10))
        #expect(s.visibleDevices.map(\.address) == [Self.a, Self.b, Self.c])
        press(&s, ch("j"))
        #expect(s.selectedDevice == Self.b)
        // C grows strongest: within the re-sort interval nothing moves.
        send(&s, .advertisement(report(Self.c, rssi: -30, name: "C"), 11), .tick(11), .tick(12.9))
        #expect(s.visibleDevices.map(\.address) == [Self.a, Self.b, Self.c], "no reorder under the cursor")
        // After it, the order is applied again, and the selection is still B wherever B went.
        send(&s, .tick(13.1))
        #expect(s.visibleDevices.map(\.address) == [Self.c, Self.a, Self.b])
        #expect(s.selectedDevice == Self.b)
        // A new device joins at the bottom until the next re-sort; = applies the order at once.
        send(&s, .advertisement(report(BluetoothAddress(rawValue: 0xD), rssi: -20, name: "D"), 13.5))
        #expect(s.visibleDevices.last?.address == BluetoothAddress(rawValue: 0xD))
        press(&s, ch("="))
        #expect(s.visibleDevices.first?.address == BluetoothAddress(rawValue: 0xD))
    }

    @Test func firstSeenNeverMoves() {
        var s = ExplorerState()
        send(&s, .advertisement(report(Self.b, rssi: -90), 1), .advertisement(report(Self.a, rssi: -30), 2))
        press(&s, ch("s"), ch("s"), ch("s"))
        #expect(s.sort == .firstSeen)
        send(&s, .advertisement(report(Self.a, rssi: -20), 20), .tick(30))
        #expect(s.visibleDevices.map(\.address) == [Self.b, Self.a])
    }

    @Test func theCursorStartsOnRowOneUntilTheUserMovesIt() {
        var s = ExplorerState()
        send(&s, .advertisement(report(Self.b, rssi: -80, name: "B"), 1))
        #expect(s.selectedDevice == Self.b)
        send(&s, .advertisement(report(Self.a, rssi: -30, name: "A"), 2), .tick(5))
        #expect(s.visibleDevices.first?.address == Self.a && s.selectedDevice == Self.a, "row 1, not the first heard")
        press(&s, ch("j"))
        send(&s, .advertisement(report(Self.c, rssi: -10, name: "C"), 6), .tick(9))
        #expect(s.selectedDevice == Self.b, "once moved, the selection follows the device")
    }

    @Test func connectingPinsTheSelectionToThatDevice() {
        var s = ExplorerState()
        send(&s, .advertisement(report(Self.b, rssi: -60, name: "B"), 1))
        press(&s, .enter)
        send(&s, .advertisement(report(Self.a, rssi: -30, name: "A"), 2), .tick(5))
        #expect(s.visibleDevices.first?.address == Self.a)
        #expect(s.selectedDevice == Self.b, "the device being connected stays selected")
    }

    @Test func filtersByRSSIFloorNameAndAdvertisedService() {
        var s = ExplorerState()
        let hr = ad(0x03, [0x0D, 0x18]) // Complete 16-bit service UUIDs: Heart Rate
        send(&s, .advertisement(report(Self.a, rssi: -40, name: "Strap", extra: hr), 1),
             .advertisement(report(Self.b, rssi: -75), 1), .advertisement(report(Self.c, rssi: -95, name: "Far"), 1))
        press(&s, ch("u"))
        #expect(Set(s.visibleDevices.map(\.address)) == [Self.a, Self.c], "u hides the unnamed")
        press(&s, ch("u"))
        for _ in 0 ..< 4 { press(&s, ch(">")) } // -100, -95, -90, -85
        #expect(s.rssiFloor == -85)
        #expect(Set(s.visibleDevices.map(\.address)) == [Self.a, Self.b])
        #expect(ExplorerView.render(s).text.contains("≥-85 dBm"))
        for _ in 0 ..< 4 { press(&s, ch("<")) }
        #expect(s.rssiFloor == nil, "below -100 the floor is off")
        press(&s, ch("/"))
        typeText(&s, "heart rate")
        #expect(s.visibleDevices.map(\.address) == [Self.a], "the advertised service's SIG name matches")
        press(&s, .control("u"))
        typeText(&s, "180d")
        #expect(s.visibleDevices.map(\.address) == [Self.a], "so does its UUID")
    }

    @Test func pStopsTheScanAndSaysSoThenResumes() {
        var s = scannedState()
        #expect(press(&s, ch("p")) == [.stopScan])
        #expect(ExplorerView.render(s).text.contains("scan stopped (p resumes)"))
        #expect(press(&s, ch("p")) == [.startScan])
        s.focus = .log
        #expect(press(&s, ch("p")).isEmpty, "in the log pane p pauses the log, the radio goes on")
    }

    @Test func aTwoSecondAdvertiserDrawsAContinuousLine() {
        var h = RSSIHistory()
        for t in stride(from: 1000.0, through: 1058, by: 2) { h.add(-60, at: t) }
        #expect(h.samples.contains { $0 == nil }, "precondition: every other second is empty")
        #expect(h.heldSamples.drop { $0 == nil }.allSatisfy { $0 != nil }, "from the first packet on, no holes")
        #expect(h.columns(width: 16).allSatisfy { $0 != nil })
        var gone = RSSIHistory()
        gone.add(-60, at: 1000)
        gone.advance(to: 1020)
        #expect(gone.heldSamples.suffix(10).allSatisfy { $0 == nil }, "a device silent for longer leaves a gap")
    }
}

@Suite struct LinkTests {
    @Test func dOrEscCancelsAPendingConnectAtOnce() {
        var s = scannedState()
        #expect(press(&s, .enter) == [.connect(hrmAddress, .public)])
        #expect(press(&s, ch("d")) == [.cancelConnect(hrmAddress)])
        #expect(s.hrm == nil && s.notice?.contains("cancelled") == true)
        press(&s, .enter)
        #expect(press(&s, .escape) == [.cancelConnect(hrmAddress)])
        #expect(s.hrm == nil)
    }

    @Test func enterOnADroppedLinkReconnectsAndResubscribes() throws {
        var s = connectedState()
        select(.characteristic(H.measurement), in: &s)
        press(&s, ch("n"))
        send(&s, .subscribed(hrmAddress, H.measurement, indication: false), .disconnected(hrmAddress, reason: "connection timeout"))
        #expect(press(&s, ch("r")).isEmpty)
        #expect(s.lastError == "the link is down: Enter reconnects")
        s.width = 120
        s.height = 30
        let text = ExplorerView.render(s).text
        #expect(text.contains("GATT · Pulse HRM · link down") && text.contains("Enter reconnects · connection timeout"))
        #expect(text.contains("Heart Rate Measurement"), "the tree is kept")
        #expect(press(&s, .enter) == [.connect(hrmAddress, .public)])
        #expect(try #require(s.hrm).state == .connecting)
        send(&s, .connected(hrmAddress, parameters: "30 ms", encrypted: false))
        let effects = send(&s, .discovered(hrmAddress, fixtureServices))
        #expect(effects == [.subscribe(hrmAddress, H.measurement, indication: false, enable: true)])
        #expect(try #require(s.hrm).selection == .characteristic(H.measurement), "the view is where it was")
    }

    @Test func theLogRecordsLinkEventsAndFailuresInPlainWords() throws {
        var s = connectedState()
        select(.characteristic(H.bodySensor), in: &s)
        press(&s, ch("r"))
        send(&s, .failed(hrmAddress, "read_not_permitted (0x0402): the attribute cannot be read"))
        let failure = try #require(s.log.last)
        #expect(failure.kind == .failed && failure.handle == H.bodySensor)
        #expect(failure.note == "reading 0x000F failed: read_not_permitted (0x0402): the attribute cannot be read")
        send(&s, .bonded(hrmAddress), .disconnected(hrmAddress, reason: "remote user terminated"))
        #expect(s.log.map(\.kind) == [.connected, .failed, .bonded, .disconnected])
        s.focus = .log
        s.width = 120
        s.height = 40
        let text = ExplorerView.render(s).text
        #expect(text.contains("disconnected: remote user terminated"))
        #expect(text.contains("Body Sensor Location failed: reading 0x000F failed"))
    }

    @Test func writesAreLoggedAsWOrWn() throws {
        var s = connectedState()
        select(.characteristic(H.uartRX), in: &s)
        press(&s, ch("w"))
        typeText(&s, "01")
        press(&s, .control("r"))
        #expect(press(&s, .enter) == [.write(hrmAddress, H.uartRX, [0x01], withResponse: false)])
        send(&s, .wrote(hrmAddress, H.uartRX, [0x01], 9))
        #expect(try #require(s.log.last).kind == .writeWithoutResponse)
        s.focus = .log
        s.width = 120
        s.height = 40
        #expect(ExplorerView.render(s).text.contains(" Wn Pulse HRM"))
    }
}

@Suite struct BondListTests {
    static func bondedState() -> ExplorerState {
        var s = ExplorerState()
        let r = AdvertisementReport(address: hrmAddress, addressType: .public, packetType: .connectableAdvertisement, rssi: -50,
                                    bond: BondHandle(rawValue: 1), data: AdvertisingData(bytes: ad(0x09, "Pulse HRM")))
        send(&s, .advertisement(r, 1))
        return s
    }

    @Test func bListsTheBondsAndDDeletesTheSelectedOne() {
        var s = Self.bondedState()
        #expect(press(&s, ch("B")) == [.listBonds])
        #expect(ExplorerView.render(s).text.contains("asking the dongle"))
        send(&s, .bondList([BondHandle(rawValue: 1), BondHandle(rawValue: 0)]))
        s.width = 100
        s.height = 30
        let text = ExplorerView.render(s).text
        #expect(text.contains("slot 0  (no device heard with this bond)"))
        #expect(text.contains("slot 1  Pulse HRM \(hrmAddress)"))
        press(&s, ch("j"))
        #expect(press(&s, ch("d")) == [.deleteBond(BondHandle(rawValue: 1))])
        #expect(send(&s, .bondDeleted(BondHandle(rawValue: 1))) == [.listBonds], "the list is asked for again")
        #expect(s.devices[hrmAddress]?.bonded == false)
        send(&s, .bondList([BondHandle(rawValue: 0)]))
        #expect(press(&s, ch("D")).isEmpty, "one D only asks")
        #expect(ExplorerView.render(s).text.contains("D again deletes every bond"))
        #expect(press(&s, ch("D")) == [.deleteBond(.all)])
        press(&s, .escape)
        #expect(s.mode == .browse)
    }

    @Test func aBondMadeOnALinkNamesItsSlot() {
        var s = scannedState()
        send(&s, .bondSlot(hrmAddress, BondHandle(rawValue: 2)))
        #expect(s.devices[hrmAddress]?.bonded == true)
        press(&s, ch("B"))
        send(&s, .bondList([BondHandle(rawValue: 2)]))
        #expect(ExplorerView.render(s).text.contains("slot 2  Pulse HRM"))
    }
}

@Suite struct EditorHistoryTests {
    @Test func upAndDownWalkTheValuesWrittenBefore() throws {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        for value in ["01", "02 03"] {
            press(&s, ch("w"), .control("u"))
            typeText(&s, value)
            let bytes = try ValueFormat.hex.parse(value).get()
            #expect(press(&s, .enter) == [.write(hrmAddress, H.controlPoint, bytes, withResponse: true)])
            send(&s, .wrote(hrmAddress, H.controlPoint, bytes, 10))
        }
        press(&s, ch("w"), .control("u"))
        typeText(&s, "0x7")
        press(&s, .up)
        #expect(s.editor?.text == "02 03" && s.editor?.bytes == [0x02, 0x03], "the newest first")
        press(&s, .up)
        #expect(s.editor?.text == "01")
        press(&s, .up)
        #expect(s.editor?.text == "01", "the oldest stays")
        press(&s, .down, .down)
        #expect(s.editor?.text == "0x7" && s.editor?.historyIndex == nil, "past the newest: what was being typed")
    }

    @Test func eachViewKeepsWhatWasTypedInIt() {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"), .control("u"))
        typeText(&s, "0x01, 0x02")
        #expect(s.editor?.bytes == [0x01, 0x02])
        press(&s, .tab)
        #expect(s.editor?.format == .text)
        for _ in 1 ..< ValueFormat.allCases.count { press(&s, .tab) }
        #expect(s.editor?.format == .hex && s.editor?.text == "0x01, 0x02", "the hex as typed, not re-rendered")
        press(&s, .backspace)
        typeText(&s, "3")
        press(&s, .tab)
        #expect(s.editor?.text == "\\x01\\x03", "after an edit the other views show the new value")
        press(&s, .backTab)
        #expect(s.editor?.text == "0x01, 0x03" && s.editor?.bytes == [0x01, 0x03])
    }

    @Test func promptsEditWithACaret() {
        var s = scannedState()
        press(&s, ch("/"))
        typeText(&s, "plse")
        press(&s, .left, .left, .left)
        typeText(&s, "u")
        #expect(s.promptText == "pulse" && s.filter == "pulse", "typing at the caret, filtering as you type")
        press(&s, .control("w"))
        #expect(s.promptText == "lse", "^W deletes the word before the caret")
    }
}
