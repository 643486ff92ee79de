import BGAPICore
import Explorer
import Testing
import TUI

/// The log, the prompts (export, passkey, quit) and help.
@Suite struct LogAndPromptReducerTests {
    @Test func notificationsAppendLogEntries() throws {
        var s = connectedState()
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 0x48], indication: false, 500.25),
             .notified(hrmAddress, H.temperature, [0x00, 0xE4, 0x08, 0x00, 0x00], indication: true, 501),
             .notified(thermoAddress, AttributeHandle(0x0030), [0x07], indication: false, 502))
        #expect(s.log.filter { !$0.isLinkEvent } == [
            LogEntry(time: 500.25, address: hrmAddress, handle: H.measurement, uuid: BluetoothUUID(0x2A37),
                     kind: .notification, value: [0x00, 0x48], name: "Heart Rate Measurement", decoded: "72 bpm"),
            LogEntry(time: 501, address: hrmAddress, handle: H.temperature, uuid: BluetoothUUID(0x2A1C),
                     kind: .indication, value: [0x00, 0xE4, 0x08, 0x00, 0x00], name: "Temperature Measurement",
                     decoded: "2276 °C"),
            LogEntry(time: 502, address: thermoAddress, handle: AttributeHandle(0x0030), uuid: nil,
                     kind: .notification, value: [0x07]),
        ])
        #expect(s.hrm?.values[H.measurement] == [0x00, 0x48], "the tree shows the latest value")
        #expect(s.hrm?.values[H.temperature] == [0x00, 0xE4, 0x08, 0x00, 0x00])
    }

    @Test func readOfADescriptorTakesTheDescriptorUUID() {
        var s = connectedState()
        send(&s, .read(hrmAddress, H.measurementCCCD, [0x01, 0x00], 1))
        #expect(s.log.last?.uuid == BluetoothUUID(0x2902))
    }

    @Test func logCapacityDropsTheOldest() {
        var s = connectedState()
        s.logCapacity = 3
        for i in 1 ... 5 {
            send(&s, .notified(hrmAddress, H.measurement, [UInt8(i)], indication: false, Double(i)))
        }
        #expect(s.log.map(\.value) == [[3], [4], [5]])
        #expect(s.log.map(\.time) == [3, 4, 5])
    }

    @Test func logScrollCountsFromTheBottomAndHoldsWhileEntriesArrive() {
        var s = connectedState()
        for i in 0 ..< 5 { send(&s, .notified(hrmAddress, H.measurement, [0, UInt8(60 + i)], indication: false, Double(i))) }
        #expect(s.logScroll == 0)
        send(&s, .notified(hrmAddress, H.measurement, [0, 70], indication: false, 5))
        #expect(s.logScroll == 0, "a log at the bottom follows")

        s.focus = .log
        press(&s, ch("k"))
        #expect(s.logScroll == 1)
        send(&s, .notified(hrmAddress, H.measurement, [0, 71], indication: false, 6))
        #expect(s.logScroll == 2, "a scrolled log moves its position with the new entry")
        press(&s, ch("j"), ch("j"), ch("j"))
        #expect(s.logScroll == 0)
        press(&s, ch("g"))
        #expect(s.logScroll == s.log.count)
        press(&s, ch("G"))
        #expect(s.logScroll == 0)

        // Paused: entries are still recorded, and the view holds.
        press(&s, ch("p"))
        #expect(s.logPaused && !s.paused, "p in the log pauses the log, not the scan")
        send(&s, .notified(hrmAddress, H.measurement, [0, 72], indication: false, 7))
        #expect(s.log.count == 9 && s.logScroll == 1, "8 values after the connect event")
        press(&s, ch("p"))
        #expect(!s.logPaused && s.logScroll == 0, "resuming jumps back to the newest")

        press(&s, ch("c"))
        #expect(s.log.isEmpty, "c in the log pane clears the log")
        #expect(!s.devices.isEmpty, "and not the device list")
    }

    /// The rows inside the log pane's border (title row excluded, it holds the count).
    private func logPaneRows(_ s: ExplorerState) -> [String] {
        let rect = ExplorerLayout(width: s.width, height: s.height, focus: s.focus).log
        let lines = ExplorerView.render(s).lines
        return (rect.y + 1 ..< rect.maxY - 1).map { lines[$0] }
    }

    @Test(arguments: [100, 20])
    func scrolledLogShowsTheSameLinesWhileNewOnesArrive(capacity: Int) {
        var s = connectedState()
        s.width = 120
        s.height = 40
        s.logCapacity = capacity
        for i in 0 ..< 20 {
            send(&s, .notified(hrmAddress, H.measurement, [0, UInt8(60 + i)], indication: false, 3600 + Double(i)))
        }
        s.focus = .log
        press(&s, ch("k"), ch("k"), ch("k"))
        let before = logPaneRows(s)
        #expect(before.joined().contains("bpm"), "precondition: the log pane shows entries")
        #expect(!before.joined().contains("79 bpm"), "precondition: scrolled away from the newest")
        for i in 20 ..< 25 {
            send(&s, .notified(hrmAddress, H.measurement, [0, UInt8(60 + i)], indication: false, 3600 + Double(i)))
        }
        #expect(logPaneRows(s) == before)
    }

    @Test func exportPromptYieldsJSONLByDefaultAndCSVForCSVNames() throws {
        var s = connectedState()
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 0x48], indication: false, 10),
             .notified(hrmAddress, H.measurement, [0x00, 0x49], indication: false, 11))
        #expect(press(&s, ch("e")).isEmpty)
        #expect(s.prompt == .export)
        #expect(s.promptText == "blex-log.jsonl")
        #expect(press(&s, .enter) == [.export(path: "blex-log.jsonl", contents: LogExport.jsonl(s.log), count: s.log.count)])
        #expect(s.log.count == 3, "the connect event and two notifications")
        #expect(s.prompt == nil)

        press(&s, ch("e"), .control("u"))
        typeText(&s, " capture.CSV ")
        let effects = press(&s, .enter)
        #expect(effects == [.export(path: "capture.CSV", contents: LogExport.csv(s.log), count: 3)])
        if case let .export(_, contents, _)? = effects.first {
            #expect(contents.hasPrefix("time,address,handle,uuid,name,kind,hex,decoded\r\n"))
        }

        press(&s, ch("e"))
        press(&s, .backspace, .backspace, .backspace, .backspace, .backspace)
        typeText(&s, "txt")
        #expect(s.promptText == "blex-log.txt")
        #expect(press(&s, .enter) == [.export(path: "blex-log.txt", contents: LogExport.jsonl(s.log), count: 3)])

        press(&s, ch("e"), .control("u"))
        #expect(press(&s, .enter).isEmpty)
        #expect(s.lastError == "no file name")

        press(&s, ch("e"))
        #expect(press(&s, .escape).isEmpty)
        #expect(s.prompt == nil)

        send(&s, .exported(path: "blex-log.jsonl", count: 2))
        #expect(s.notice == "exported 2 entries to blex-log.jsonl")
    }

    @Test func passkeyPromptTakesUpToSixDigits() {
        var s = connectedState()
        send(&s, .passkeyRequested(hrmAddress))
        #expect(s.prompt == .passkey(hrmAddress))
        #expect(press(&s, .enter).isEmpty)
        #expect(s.lastError == "a passkey is up to six digits")
        #expect(s.prompt == .passkey(hrmAddress), "an empty passkey keeps the prompt open")
        typeText(&s, "12a-34 5678")
        #expect(s.promptText == "123456", "digits only, six at most")
        #expect(press(&s, .enter) == [.enterPasskey(hrmAddress, 123_456)])
        #expect(s.prompt == nil)

        send(&s, .passkeyRequested(hrmAddress))
        typeText(&s, "000042")
        #expect(press(&s, .enter) == [.enterPasskey(hrmAddress, 42)])

        send(&s, .passkeyRequested(hrmAddress))
        typeText(&s, "١٢٣")
        #expect(s.promptText.isEmpty, "non-ASCII digits are refused")
        press(&s, .escape)
        #expect(s.prompt == nil)

        send(&s, .passkeyDisplayed(hrmAddress, 4321))
        #expect(s.notice == "type passkey 004321 on \(hrmAddress)")
    }

    @Test func quitWithoutConnectionsQuitsAtOnce() {
        var s = scannedState()
        #expect(press(&s, ch("q")) == [.quit])
        #expect(s.quitting)
    }

    @Test func quitWithConnectionsAsksFirst() {
        var s = connectedState()
        #expect(press(&s, ch("q")).isEmpty)
        #expect(s.prompt == .confirmQuit)
        #expect(!s.quitting)
        #expect(press(&s, ch("n")).isEmpty)
        #expect(s.prompt == nil && !s.quitting, "any other key stays")
        press(&s, ch("q"))
        #expect(press(&s, .escape).isEmpty)
        #expect(s.prompt == nil && !s.quitting)
        press(&s, ch("q"))
        #expect(press(&s, ch("y")) == [.quit])
        #expect(s.quitting)
    }

    @Test func helpOpensAndAnyKeyClosesIt() {
        var s = scannedState()
        #expect(press(&s, ch("?")).isEmpty)
        #expect(s.showHelp)
        #expect(press(&s, ch("q")).isEmpty, "the closing key does nothing else")
        #expect(!s.showHelp && !s.quitting)
        press(&s, ch("?"))
        press(&s, ch("x"))
        #expect(!s.showHelp)
        #expect(!s.hideStale, "x closed help without acting")
    }

    @Test func helpPagesWithJAndK() {
        var s = scannedState()
        press(&s, ch("?"))
        press(&s, ch("j"))
        #expect(s.showHelp && s.helpPage == 1)
        #expect(s.selectedDevice == hrmAddress, "j paged help without moving the list")
        press(&s, ch("k"))
        press(&s, ch("k"))
        #expect(s.showHelp && s.helpPage == 0)
        // At 80×24 the keys need more than one page; each page shows different ones, together all of them.
        var seen = ""
        for _ in 0 ..< 4 {
            seen += ExplorerView.render(s).text
            press(&s, ch("j"))
        }
        for b in Keymap.bindings { #expect(seen.contains(b.description), "no help page shows \(b.description)") }
    }

    @Test func failedConnectDropsTheConnectingEntry() {
        var s = scannedState()
        press(&s, .enter)
        send(&s, .failed(hrmAddress, "timeout"))
        #expect(s.connections.isEmpty)
        #expect(s.lastError == "timeout")
    }

    @Test func startupRecordsTrafficThenScansAndTTogglesOnlyTheView() {
        var s = ExplorerState()
        #expect(initialEffects(s) == [.traceTraffic(true), .startScan], "traffic is recorded from the first command")
        #expect(press(&s, ch("t")).isEmpty)
        #expect(s.showTraffic)
        #expect(press(&s, ch("t")).isEmpty)
        #expect(!s.showTraffic)
    }
}
