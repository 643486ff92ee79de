import BGAPICore
import Explorer
import Testing
import TUI

/// The GATT side of `update`: tree navigation, reads, subscriptions and the value editor.
@Suite struct GATTReducerTests {
    @Test func treeNavigationWithTabJKHL() throws {
        var s = scannedState()
        press(&s, .enter)
        send(&s, .connected(hrmAddress, parameters: "", encrypted: false), .discovered(hrmAddress, fixtureServices))
        press(&s, ch("h"))
        #expect(s.hrm?.expanded.contains(.service(AttributeHandle(0x0001))) == false)
        #expect(s.hrm?.selection == .service(AttributeHandle(0x0001)), "h and l do nothing in the scan pane")
        press(&s, .tab)
        #expect(s.focus == .details)

        press(&s, ch("j"))
        #expect(s.hrm?.selection == .service(H.heartRateService))
        press(&s, ch("j"))
        #expect(s.hrm?.selection == .characteristic(H.measurement))
        #expect(s.hrm?.treeRows.contains { $0.node == .descriptor(H.measurementCCCD) } == false)
        press(&s, ch("l"))
        #expect(s.hrm?.expanded.contains(.characteristic(H.measurement)) == true)
        #expect(s.hrm?.treeRows.contains { $0.node == .descriptor(H.measurementCCCD) } == true, "l shows the descriptors")
        press(&s, .down)
        #expect(s.hrm?.selection == .descriptor(H.measurementCCCD))
        press(&s, ch("l"))
        #expect(s.hrm?.selection == .descriptor(H.measurementCCCD), "a descriptor does not expand")
        press(&s, ch("h"))
        #expect(s.hrm?.selection == .characteristic(H.measurement), "h on a leaf goes to its parent")
        press(&s, ch("h"))
        #expect(s.hrm?.expanded.contains(.characteristic(H.measurement)) == false, "h collapses an open node")
        #expect(s.hrm?.treeRows.contains { $0.node == .descriptor(H.measurementCCCD) } == false)
        #expect(s.hrm?.selection == .characteristic(H.measurement))
        press(&s, .left)
        #expect(s.hrm?.selection == .service(H.heartRateService))
        press(&s, ch("h"))
        #expect(s.hrm?.expanded.contains(.service(H.heartRateService)) == false)
        #expect(try #require(s.hrm).treeRows.map(\.node).prefix(3) == [
            .service(AttributeHandle(0x0001)), .service(H.heartRateService), .service(H.batteryService),
        ])
        press(&s, .right)
        #expect(s.hrm?.expanded.contains(.service(H.heartRateService)) == true)
        press(&s, ch("k"), ch("k"), ch("k"))
        #expect(s.hrm?.selection == .service(AttributeHandle(0x0001)), "k stops at the top")
        press(&s, ch("G"))
        #expect(s.hrm?.selection == .characteristic(H.temperature))
        press(&s, ch("j"))
        #expect(s.hrm?.selection == .characteristic(H.temperature), "j stops at the bottom")
        press(&s, ch("g"))
        #expect(s.hrm?.selection == .service(AttributeHandle(0x0001)))
        // Enter toggles a service.
        press(&s, .enter)
        #expect(s.hrm?.expanded.contains(.service(AttributeHandle(0x0001))) == true)
        press(&s, .enter)
        #expect(s.hrm?.expanded.contains(.service(AttributeHandle(0x0001))) == false)

        press(&s, .tab)
        #expect(s.focus == .log)
        press(&s, .tab)
        #expect(s.focus == .scan)
        press(&s, .backTab)
        #expect(s.focus == .log)
    }

    @Test func readOnlyWhereReadable() throws {
        var s = connectedState()
        select(.characteristic(H.bodySensor), in: &s)
        #expect(press(&s, ch("r")) == [.read(hrmAddress, H.bodySensor)])
        #expect(s.hrm?.busy == "reading \(H.bodySensor)")
        #expect(s.lastError == nil)
        #expect(press(&s, .enter) == [.read(hrmAddress, H.bodySensor)], "Enter on a characteristic reads it")

        select(.characteristic(H.controlPoint), in: &s)
        #expect(press(&s, ch("r")).isEmpty)
        let error = try #require(s.lastError)
        #expect(error.contains("not readable"))
        #expect(error.contains("(W)"), "the reason shows the properties")

        // A descriptor is always readable.
        s.connections[hrmAddress]!.expanded.insert(.characteristic(H.measurement))
        select(.descriptor(H.measurementCCCD), in: &s)
        #expect(press(&s, ch("r")) == [.read(hrmAddress, H.measurementCCCD)])

        // A service is not a value.
        select(.service(H.heartRateService), in: &s)
        #expect(press(&s, ch("r")).isEmpty)
        #expect(s.lastError == "select a characteristic or descriptor")
    }

    @Test func readResultStoresTheValueAndLogsIt() throws {
        var s = connectedState()
        select(.characteristic(H.bodySensor), in: &s)
        press(&s, ch("r"))
        send(&s, .read(hrmAddress, H.bodySensor, [0x01], 1234.5))
        let c = try #require(s.hrm)
        #expect(c.values[H.bodySensor] == [0x01])
        #expect(c.busy == nil)
        #expect(s.log.filter { !$0.isLinkEvent }.map { e in var e = e; e.chain = []; return e }
                == [LogEntry(time: 1234.5, address: hrmAddress, handle: H.bodySensor, uuid: BluetoothUUID(0x2A38),
                             kind: .read, value: [0x01], name: "Body Sensor Location", decoded: "Chest")],
                "the values in the log (link events aside), with the name and words of the moment")
    }

    @Test func gattKeysNeedAReadyConnection() {
        var s = scannedState()
        s.focus = .details
        #expect(press(&s, ch("r")).isEmpty)
        #expect(s.lastError?.contains("connect to a device first") == true)
    }

    @Test func notifyTogglesOnAndOff() throws {
        var s = connectedState()
        select(.characteristic(H.measurement), in: &s)
        #expect(press(&s, ch("n")) == [.subscribe(hrmAddress, H.measurement, indication: false, enable: true)])
        #expect(s.hrm?.busy == "subscribing")
        send(&s, .subscribed(hrmAddress, H.measurement, indication: false))
        #expect(try #require(s.hrm).subscriptions == [H.measurement: false])
        #expect(s.hrm?.busy == nil)
        #expect(press(&s, ch("n")) == [.subscribe(hrmAddress, H.measurement, indication: false, enable: false)])
        #expect(s.hrm?.busy == "unsubscribing")
        send(&s, .subscribed(hrmAddress, H.measurement, indication: nil))
        #expect(try #require(s.hrm).subscriptions.isEmpty)
        #expect(press(&s, ch("n")) == [.subscribe(hrmAddress, H.measurement, indication: false, enable: true)])

        // On its CCCD, n subscribes the characteristic the descriptor belongs to.
        s.connections[hrmAddress]!.expanded.insert(.characteristic(H.measurement))
        select(.descriptor(H.measurementCCCD), in: &s)
        #expect(press(&s, ch("n")) == [.subscribe(hrmAddress, H.measurement, indication: false, enable: true)])
    }

    @Test func indicateIsRefusedOnANotifyOnlyCharacteristic() throws {
        var s = connectedState()
        select(.characteristic(H.measurement), in: &s)
        #expect(press(&s, ch("i")).isEmpty)
        #expect(try #require(s.lastError).contains("cannot indicate"))
        #expect(s.hrm?.busy == nil)

        select(.characteristic(H.temperature), in: &s)
        #expect(press(&s, ch("i")) == [.subscribe(hrmAddress, H.temperature, indication: true, enable: true)])
        send(&s, .subscribed(hrmAddress, H.temperature, indication: true))
        #expect(press(&s, ch("i")) == [.subscribe(hrmAddress, H.temperature, indication: true, enable: false)])
        #expect(press(&s, ch("n")).isEmpty, "the thermometer only indicates")
        #expect(try #require(s.lastError).contains("cannot notify"))
    }

    @Test func writeOpensTheEditorOnlyWhereWritable() throws {
        var s = connectedState()
        select(.characteristic(H.bodySensor), in: &s)
        #expect(press(&s, ch("w")).isEmpty)
        #expect(s.editor == nil)
        #expect(try #require(s.lastError).contains("not writable"))

        s.connections[hrmAddress]!.values[H.controlPoint] = [0x00]
        select(.characteristic(H.controlPoint), in: &s)
        #expect(press(&s, ch("w")).isEmpty)
        let e = try #require(s.editor)
        #expect(e.address == hrmAddress && e.handle == H.controlPoint && e.uuid == BluetoothUUID(0x2A39))
        #expect(e.bytes == [0x00], "the editor starts from the last known value")
        #expect(e.text == "00" && e.cursor == 2 && e.format == .hex)
        #expect(e.withResponse)
        #expect(e.error == nil)
    }

    @Test func editorTypingHexUpdatesBytesAndInvalidHexSendsNothing() throws {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"))
        #expect(s.editor?.text == "")
        typeText(&s, "01")
        #expect(s.editor?.bytes == [0x01])
        #expect(s.editor?.error == nil)
        typeText(&s, "z")
        #expect(s.editor?.text == "01z")
        #expect(s.editor?.error == "'z' is not a hex digit")
        #expect(s.editor?.bytes == [0x01], "bytes keep the last value that parsed")
        #expect(press(&s, .enter).isEmpty, "Enter with invalid input sends nothing")
        #expect(s.editor?.error == "'z' is not a hex digit")
        #expect(s.hrm?.busy == nil)

        press(&s, .backspace)
        #expect(s.editor?.error == nil)
        typeText(&s, "a")
        #expect(s.editor?.error == "odd number of hex digits: add a leading 0")
        #expect(press(&s, .enter).isEmpty)
        press(&s, .backspace)
        // Keys in the editor are text: q does not quit.
        typeText(&s, "q")
        #expect(!s.quitting && s.prompt == nil)
        #expect(s.editor?.error == "'q' is not a hex digit")
        press(&s, .backspace)
        typeText(&s, " a0:ff")
        #expect(s.editor?.bytes == [0x01, 0xA0, 0xFF])
        // Caret editing: Home, Delete, End.
        press(&s, .home, .delete, .delete)
        #expect(s.editor?.text == " a0:ff")
        #expect(s.editor?.bytes == [0xA0, 0xFF])
        press(&s, .end)
        typeText(&s, "10")
        #expect(s.editor?.bytes == [0xA0, 0xFF, 0x10])

        #expect(press(&s, .enter) == [.write(hrmAddress, H.controlPoint, [0xA0, 0xFF, 0x10], withResponse: true)])
        #expect(s.hrm?.busy == "writing \(H.controlPoint)")
        #expect(s.editor != nil, "the editor stays open until the write is done")
        send(&s, .wrote(hrmAddress, H.controlPoint, [0xA0, 0xFF, 0x10], 77))
        #expect(s.editor == nil)
        #expect(s.hrm?.busy == nil)
        #expect(s.notice == "wrote 3 bytes to \(H.controlPoint)")
        #expect(s.log.last == LogEntry(time: 77, address: hrmAddress, handle: H.controlPoint, uuid: BluetoothUUID(0x2A39),
                                       kind: .write, value: [0xA0, 0xFF, 0x10], name: "Heart Rate Control Point"))
    }

    @Test func editorTabCyclesFormatsAndRerendersTheValue() throws {
        var s = connectedState()
        s.connections[hrmAddress]!.values[H.uartRX] = [0x34, 0x12]
        select(.characteristic(H.uartRX), in: &s)
        press(&s, ch("w"))
        #expect(s.editor?.text == "34 12")
        press(&s, .tab)
        #expect(s.editor?.format == .text)
        #expect(s.editor?.text == "4\\x12", "a control byte shows as an escape")
        press(&s, .tab)
        #expect(s.editor?.format == .u8)
        #expect(s.editor?.text == "")
        #expect(s.editor?.error == "2 bytes do not fit u8")
        press(&s, .tab)
        #expect(s.editor?.format == .u16le)
        #expect(s.editor?.text == "4660", "bytes 34 12 read as a little-endian u16 are 0x1234")
        #expect(s.editor?.error == nil)
        #expect(s.editor?.bytes == [0x34, 0x12])
        press(&s, .backTab)
        #expect(s.editor?.format == .u8)
        press(&s, .backTab, .backTab)
        #expect(s.editor?.format == .hex)
        #expect(s.editor?.text == "34 12")
        press(&s, .backTab)
        #expect(s.editor?.format == .float32be, "Shift-Tab wraps to the last format")

        // Typing in a number format writes that number's bytes.
        press(&s, .tab, .tab, .tab, .tab)
        #expect(s.editor?.format == .u16le)
        press(&s, .control("u"))
        typeText(&s, "65534")
        #expect(s.editor?.bytes == [0xFE, 0xFF])
        typeText(&s, "0")
        #expect(s.editor?.error == "out of range 0…65535")
        #expect(press(&s, .enter).isEmpty)
        press(&s, .backspace)
        #expect(press(&s, .enter) == [.write(hrmAddress, H.uartRX, [0xFE, 0xFF], withResponse: true)])
    }

    @Test func ctrlRTogglesResponseOnlyWhenBothKindsAreAllowed() throws {
        var s = connectedState()
        select(.characteristic(H.uartRX), in: &s)
        press(&s, ch("w"))
        #expect(s.editor?.withResponse == true)
        press(&s, .control("r"))
        #expect(s.editor?.withResponse == false)
        typeText(&s, "41")
        #expect(press(&s, .enter) == [.write(hrmAddress, H.uartRX, [0x41], withResponse: false)])
        press(&s, .control("r"))
        #expect(s.editor?.withResponse == true)
        press(&s, .escape)

        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"))
        press(&s, .control("r"))
        #expect(s.editor?.withResponse == true, "write only: always with response")
        press(&s, .escape)

        select(.characteristic(H.uartTX), in: &s)
        press(&s, ch("w"))
        #expect(s.editor?.withResponse == false, "write without response only")
        press(&s, .control("r"))
        #expect(s.editor?.withResponse == false)
        typeText(&s, "01")
        #expect(press(&s, .enter) == [.write(hrmAddress, H.uartTX, [0x01], withResponse: false)])
    }

    @Test func writeWithoutResponseIsCappedAt20Bytes() {
        var s = connectedState()
        select(.characteristic(H.uartTX), in: &s)
        press(&s, ch("w"))
        typeText(&s, String(repeating: "AB", count: 21))
        #expect(s.editor?.bytes.count == 21)
        #expect(press(&s, .enter).isEmpty)
        #expect(s.editor?.error == "21 bytes: a write without response carries at most 20")
    }

    @Test func escClosesTheEditorWithoutWriting() {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"))
        typeText(&s, "01")
        #expect(press(&s, .escape).isEmpty)
        #expect(s.editor == nil)
        #expect(s.hrm?.busy == nil)
        #expect(s.focus == .details, "Esc in the editor closes only the editor")
    }
}
