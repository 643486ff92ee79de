import BGAPICore
import Testing
import TUI
@testable import Explorer

/// Bugs found by review, each kept fixed by a test.
struct RegressionTests {
    @Test func fullWidthDigitsAreNotHex() {
        #expect(ValueFormat.hex.parse("１２") == .failure(ValueFormatError("'１' is not a hex digit")))
    }

    @Test func aCombiningMarkNeverLeavesTheCursorPastTheText() {
        var s = connectedState()
        s.editor = EditorState(address: hrmAddress, handle: H.controlPoint, uuid: BluetoothUUID(0x2A39),
                               properties: [.write], bytes: [])
        press(&s, .tab) // UTF-8 view
        #expect(s.editor?.format == .text)
        press(&s, ch("e"), .character(Character("\u{301}")))
        #expect(s.editor?.text == "e\u{301}")
        #expect(s.editor?.cursor == 1)
        press(&s, .backspace, .control("u"))
        #expect(s.editor?.text == "")
    }

    @Test func switchingViewsNeverChangesTheValue() {
        var s = connectedState()
        for value: [UInt8] in [[0xFF, 0x00], [0xC2, 0x85], [0x41, 0xC2, 0xA9, 0x7F], [0x5C, 0x0A, 0xE2, 0x82]] {
            s.editor = EditorState(address: hrmAddress, handle: H.controlPoint, uuid: BluetoothUUID(0x2A39),
                                   properties: [.write], bytes: value)
            for _ in ValueFormat.allCases { press(&s, .tab) }
            #expect(s.editor?.format == .hex)
            #expect(s.editor?.bytes == value)
            #expect(s.editor?.text == ValueFormat.hex.render(value))
            // Typing nothing and writing from the text view sends the very same bytes.
            press(&s, .tab)
            #expect(press(&s, .enter) == [.write(hrmAddress, H.controlPoint, value, withResponse: true)])
        }
    }

    @Test func textViewRoundTripsEveryByteString() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 2000 {
            let bytes = (0 ..< Int.random(in: 0 ... 12, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            let text = ValueFormat.text.render(bytes)!
            #expect(ValueFormat.text.parse(text) == .success(bytes), "\(bytes) → \(text)")
        }
    }

    @Test func enterNeverActsOnADeviceTheFilterHides() {
        var s = scannedState()
        #expect(s.selectedDevice == hrmAddress)
        press(&s, ch("/"))
        typeText(&s, "nothing matches this")
        press(&s, .enter)
        #expect(s.selectedDevice == nil)
        #expect(press(&s, .enter).isEmpty)
    }
}

/// A connected device stops advertising; its RSSI keeps coming from the link.
struct LinkRSSITests {
    @Test func readyLinksArePolledEveryTwoSecondsAndFeedTheSparkline() {
        var s = connectedState()
        let t = s.now + 10
        #expect(send(&s, .tick(t)) == [.pollRSSI(hrmAddress)])
        #expect(send(&s, .tick(t + 1)).isEmpty, "not again within 2 s")
        s.connections[hrmAddress]?.busy = "reading"
        #expect(send(&s, .tick(t + 2)).isEmpty, "a busy link is left alone")
        s.connections[hrmAddress]?.busy = nil
        #expect(send(&s, .tick(t + 4)) == [.pollRSSI(hrmAddress)])
        send(&s, .rssi(hrmAddress, -44))
        #expect(s.devices[hrmAddress]?.rssi == -44)
        #expect(s.devices[hrmAddress]?.history.samples.last == -44)
    }
}
