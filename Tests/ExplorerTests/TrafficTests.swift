import BGAPICore
import Explorer
import Foundation
import Testing
import TUI

// The BGAPI traffic pane as a tool: recorded from start-up in a bounded ring, ms timestamps, a pause and a
// scroll that truly hold, filters, a packet's detail, JSONL export, and the chain behind a log entry.

func scanResponse(_ address: BluetoothAddress, rssi: Int8 = -60) -> BGAPIMessage {
    .event(.gapScanResponse(GAPScanResponseEvent(rssi: rssi, packetType: .connectableAdvertisement, sender: address,
                                                 addressType: .public, bond: .none, data: [0x02, 0x01, 0x06])))
}

func readCommand(_ connection: UInt8, _ handle: AttributeHandle) -> BGAPIMessage {
    .command(.attClientReadByHandle(AttClientReadByHandleCommand(connection: ConnectionHandle(connection), chrHandle: handle)))
}

func readResponse(_ connection: UInt8) -> BGAPIMessage {
    .response(.attClientReadByHandle(AttClientReadByHandleResponse(connection: ConnectionHandle(connection), result: .success)))
}

func valueEvent(_ connection: UInt8, _ handle: AttributeHandle, _ value: [UInt8], type: AttributeValueType = .read) -> BGAPIMessage {
    .event(.attClientAttributeValue(AttClientAttributeValueEvent(connection: ConnectionHandle(connection), attHandle: handle,
                                                                 type: type, value: value)))
}

func linkUp(_ connection: UInt8, _ address: BluetoothAddress) -> BGAPIMessage {
    .event(.connectionStatus(ConnectionStatusEvent(connection: ConnectionHandle(connection), flags: .connected, address: address,
                                                   addressType: .public, connInterval: 24, timeout: 100, latency: 0,
                                                   bonding: .none)))
}

@Suite struct TrafficTests {
    /// A 120×40 state with the traffic pane focused and `count` scan responses recorded.
    static func trafficState(count: Int = 60) -> ExplorerState {
        var s = ExplorerState()
        s.width = 120
        s.height = 40
        s.utcOffset = 0
        for i in 0 ..< count { send(&s, .packet(scanResponse(BluetoothAddress(rawValue: UInt64(i))), 1000 + Double(i) / 10)) }
        s.focus = .log
        press(&s, ch("t"))
        return s
    }

    /// The rows inside the log pane's border.
    static func paneRows(_ s: ExplorerState) -> [String] {
        let rect = ExplorerLayout(width: s.width, height: s.height, focus: s.focus, zoomed: s.zoomed).log
        let lines = ExplorerView.render(s).lines
        return (rect.y + 1 ..< rect.maxY - 1).map { lines[$0] }
    }

    @Test func pausedTrafficHoldsItsLinesWhileTrafficArrives() {
        var s = Self.trafficState()
        press(&s, ch("p"))
        let before = Self.paneRows(s)
        #expect(before.joined().contains("gap_scan_response"), "precondition: the pane shows packets")
        #expect(ExplorerView.render(s).text.contains("PAUSED"))
        for i in 0 ..< 5 { send(&s, .traffic("! torn \(i)"), .packet(scanResponse(BluetoothAddress(rawValue: 0xAA)), 2000)) }
        #expect(Self.paneRows(s) == before, "the marker says paused, so the lines must not move")
        press(&s, ch("p"))
        #expect(Self.paneRows(s).joined().contains("torn 4"), "resuming follows the newest again")
    }

    @Test(arguments: [20_000, 50])
    func scrolledTrafficHoldsItsLinesWhileTrafficArrives(capacity: Int) {
        var s = Self.trafficState(count: 0)
        s.traffic.packets.setCapacity(capacity)
        for i in 0 ..< 60 { send(&s, .packet(scanResponse(BluetoothAddress(rawValue: UInt64(i))), 1000 + Double(i))) }
        press(&s, ch("k"), ch("k"), ch("k"))
        let before = Self.paneRows(s)
        #expect(ExplorerView.render(s).text.contains("scrolled"))
        for i in 0 ..< 10 { send(&s, .packet(scanResponse(BluetoothAddress(rawValue: 0xBB00 + UInt64(i))), 3000)) }
        #expect(Self.paneRows(s) == before)
        #expect(ExplorerView.render(s).text.contains("10 newer · G follows"), "what waits below is counted")
        press(&s, ch("G"))
        #expect(s.traffic.cursor == nil && Self.paneRows(s).joined().contains("00:00:00:00:BB:09"))
    }

    @Test func theCursorMovesByPacketAndSelectsWhatEnterOpens() throws {
        var s = Self.trafficState(count: 5)
        press(&s, ch("k"))
        #expect(s.traffic.cursor == 4, "the first k selects the newest packet")
        press(&s, ch("k"), ch("k"))
        #expect(s.traffic.cursor == 2)
        press(&s, ch("g"))
        #expect(s.traffic.cursor == 0)
        press(&s, ch("j"))
        press(&s, .enter)
        guard case let .packet(p)? = s.detail?.subject else { Issue.record("Enter opens the packet"); return }
        #expect(p.sequence == 1)
        press(&s, .escape)
        #expect(s.detail == nil && s.mode == .browse)
    }

    @Test func ringIsBoundedAndSequenceNumbersSurviveDrops() {
        var r = Ring<Int>(capacity: 3)
        for v in 10 ..< 15 { r.append(v) }
        #expect(Array(r) == [12, 13, 14])
        #expect(r.startSequence == 2 && r.endSequence == 5)
        #expect(r[sequence: 1] == nil && r[sequence: 3] == 13)
        r.removeAll()
        #expect(r.isEmpty && r.append(99) == 5, "numbering goes on after a clear")
        r.setCapacity(1)
        #expect(Array(r) == [99] && r.capacity == 1)
    }

    /// The log is a ring now (a full log drops its oldest entry in place): equal contents are equal rings,
    /// whatever rotation their storage is in, and unequal ones are not.
    @Test func ringsWithTheSameElementsAreEqualWhateverTheirRotation() {
        var rotated = Ring<Int>(capacity: 3)
        for v in 10 ..< 15 { rotated.append(v) } // storage [13, 14, 12], head 2
        var straight = Ring<Int>(capacity: 3)
        for v in 10 ..< 15 { straight.append(v) }
        straight.setCapacity(3) // storage [12, 13, 14], head 0
        #expect(rotated == straight && rotated.hashValue == straight.hashValue)
        straight.append(15)
        #expect(rotated != straight)
        var renumbered = Ring<Int>(capacity: 3)
        for v in 12 ..< 15 { renumbered.append(v) }
        #expect(renumbered != rotated, "the same values under other sequence numbers differ")
    }

    @Test func trafficIsKeptUpToItsCapacityFromStartUp() {
        var s = ExplorerState()
        s.traffic.packets.setCapacity(100)
        for i in 0 ..< 250 { send(&s, .packet(scanResponse(BluetoothAddress(rawValue: UInt64(i))), Double(i))) }
        #expect(s.traffic.packets.count == 100, "recorded without the pane ever being opened, and bounded")
        #expect(s.traffic.packets.first?.sequence == 150)
    }

    @Test func packetsKnowTheirConnectionHandleAndAddress() {
        let read = TrafficPacket(sequence: 0, time: 0, message: readCommand(2, AttributeHandle(0x0F)))
        #expect(read.direction == .command && read.name == "attclient_read_by_handle")
        #expect(read.connection == 2 && read.handle == 0x0F)
        #expect(read.rawBytes == [0x00, 0x03, 0x04, 0x04, 0x02, 0x0F, 0x00])
        let adv = TrafficPacket(sequence: 1, time: 0, message: scanResponse(hrmAddress))
        #expect(adv.isScanResponse && adv.address == hrmAddress && adv.connection == nil)
        let note = TrafficPacket(sequence: 2, time: 0, note: "! 3 bytes dropped")
        #expect(note.direction == .note && note.rawBytes == nil && note.fields.isEmpty)
    }

    /// Scan responses and attribute values (the flood) take their facts straight from the typed message; they
    /// must be the facts the generic field list gives, and the summary must be the message's own line.
    @Test func theFloodsFastPathAgreesWithTheFieldList() {
        let messages = [scanResponse(hrmAddress, rssi: -41), scanResponse(BluetoothAddress(rawValue: 0x0102_0304_0506)),
                        valueEvent(0, AttributeHandle(0x0F), [1, 2]), valueEvent(2, AttributeHandle(0xFFFE), []),
                        readCommand(1, AttributeHandle(0x15)), readResponse(1)]
        for (i, message) in messages.enumerated() {
            let p = TrafficPacket(sequence: i, time: 0, message: message)
            let fields = p.fields
            func unsigned(_ names: Set<String>) -> UInt32? {
                for f in fields where names.contains(f.name) { if case let .unsigned(v) = f.value { return v } }
                return nil
            }
            #expect(p.connection == unsigned(["connection"]).map { UInt8(truncatingIfNeeded: $0) }, "\(message)")
            #expect(p.handle == unsigned(["atthandle", "chrhandle"]).map { UInt16(truncatingIfNeeded: $0) }, "\(message)")
            let address = fields.first { $0.name == "address" || $0.name == "sender" }.flatMap { f -> BluetoothAddress? in
                if case let .bytes(b) = f.value, b.count == 6 { return BluetoothAddress(wireBytes: b) }
                return nil
            }
            #expect(p.address == address, "\(message)")
            #expect(p.summary == message.description)
            #expect(TrafficFilter.searching(p.summary.uppercased()).admits(p), "a search finds it by its summary")
        }
    }

    @Test func timestampsHaveMilliseconds() {
        var s = Self.trafficState(count: 0)
        send(&s, .packet(readCommand(0, AttributeHandle(0x0F)), 3723.456))
        #expect(Self.paneRows(s).joined().contains("01:02:03.456 → cmd attclient_read_by_handle"))
    }

    @Test func filtersHideScanResponsesEventsOtherConnectionsAndNonMatches() {
        var s = Self.trafficState(count: 3)
        send(&s, .packet(readCommand(0, AttributeHandle(0x0F)), 2000), .packet(readResponse(0), 2000.01),
             .packet(valueEvent(0, AttributeHandle(0x0F), [1]), 2000.02), .packet(readCommand(1, AttributeHandle(0x15)), 2001))
        #expect(s.traffic.visible.count == 7)
        press(&s, ch("S"))
        #expect(s.traffic.visible.count == 4, "S hides gap_scan_response")
        press(&s, ch("C"))
        #expect(s.traffic.visible.map(\.name) == ["attclient_read_by_handle", "attclient_read_by_handle", "attclient_read_by_handle"],
                "C keeps commands and responses")
        press(&s, ch("o"))
        #expect(s.traffic.filter.connection == 0 && s.traffic.visible.count == 2)
        press(&s, ch("o"))
        #expect(s.traffic.filter.connection == 1 && s.traffic.visible.count == 1)
        press(&s, ch("o"))
        #expect(s.traffic.filter.connection == nil, "o cycles back to all connections")
        press(&s, ch("S"), ch("C"))
        #expect(s.traffic.filter.isEmpty)

        press(&s, ch("/"))
        #expect(s.prompt == .search)
        typeText(&s, "0x0015")
        #expect(s.traffic.visible.count == 1, "the search applies as you type")
        #expect(ExplorerView.render(s).text.contains("/0x0015"))
        press(&s, .escape)
        #expect(s.traffic.visible.count == 7, "Esc clears the search")
    }

    @Test func theSearchIgnoresCaseWithoutKeepingALowercasedCopy() {
        var filter = TrafficFilter()
        let packet = TrafficPacket(sequence: 0, time: 1, message: linkUp(0, hrmAddress))
        #expect(packet.summary.contains("C4:7C:8D:6A:10:01"), "precondition: the address is upper case")
        for (needle, expected) in [("c4:7c:8d", true), ("C4:7C", true), ("CONNECTION_STATUS", true), ("c4:7d", false),
                                   ("", true), ("é", false), (String(repeating: "x", count: 500), false)] {
            filter.search = needle
            #expect(filter.admits(packet) == expected, "\(needle)")
        }
        filter.search = "ÉVT"
        #expect(filter.admits(TrafficPacket(sequence: 1, time: 1, note: "évt torn")), "a non-ASCII needle is lowercased with the text")
    }

    @Test func theSearchFollowsNewPacketsAndTheRing() {
        var s = Self.trafficState(count: 0)
        s.traffic.packets.setCapacity(8)
        for i in 0 ..< 6 { send(&s, .packet(i % 2 == 0 ? readCommand(0, H.bodySensor) : scanResponse(hrmAddress), Double(i))) }
        press(&s, ch("/"))
        typeText(&s, "READ_BY")
        press(&s, .enter)
        #expect(s.traffic.visible.map(\.sequence) == [0, 2, 4])
        for i in 6 ..< 12 { send(&s, .packet(i % 3 == 0 ? readCommand(0, H.bodySensor) : scanResponse(hrmAddress), Double(i))) }
        #expect(s.traffic.visible.map(\.sequence) == [4, 6, 9], "new matches join, packets gone from the ring leave")
        var slow = s.traffic // the same filter, matched packet by packet
        slow.filter = TrafficFilter()
        slow.filter.search = "read_by"
        #expect(slow.packets.filter { slow.filter.admits($0) }.map(\.sequence) == [4, 6, 9])
        press(&s, ch("S"))
        #expect(s.traffic.visible.map(\.sequence) == [4, 6, 9], "the other filters still apply")
    }

    @Test func packetDetailShowsEveryFieldAndTheRawBytes() {
        var s = Self.trafficState(count: 0)
        send(&s, .packet(linkUp(0, hrmAddress), 10), .packet(valueEvent(0, H.measurement, Array(0 ..< 40)), 11))
        press(&s, .enter)
        let text = ExplorerView.render(s).text
        #expect(text.contains("attclient_attribute_value"))
        for field in ["connection: 0", "atthandle: 0x000C", "type:", "value: 00 01 02"] {
            #expect(text.contains(field), "missing \(field)")
        }
        #expect(text.contains("(connection 0 is \(hrmAddress))"))
        #expect(text.contains("Raw 49 bytes"))
        #expect(text.contains("80 2D 04 05"), "the header (event, 45-byte payload, class 4, id 5), then the payload")
        // Small: it scrolls, never further than its last line, and says what is below.
        send(&s, .resize(width: 40, height: 10))
        #expect(ExplorerView.render(s).text.contains("more (j/k)"))
        for _ in 0 ..< 100 { press(&s, ch("j")) }
        let bottom = ExplorerView.render(s).text
        press(&s, ch("k"))
        #expect(ExplorerView.render(s).text != bottom, "one k moves back at once: the scroll stopped at the end")
        #expect(bottom.contains("above"))
    }

    @Test func exportWritesTheShownTrafficAsJSONLines() throws {
        var s = Self.trafficState(count: 2)
        send(&s, .packet(readCommand(0, AttributeHandle(0x0F)), 0.25))
        press(&s, ch("S"), ch("e"))
        #expect(s.prompt == .exportTraffic && s.promptText == "blex-traffic.jsonl")
        let effects = press(&s, .enter)
        guard case let .export(path, contents, count)? = effects.first else { Issue.record("no export"); return }
        #expect(path == "blex-traffic.jsonl" && count == 1, "what is shown: scan responses were hidden")
        let line = try #require(contents.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "1970-01-01T00:00:00.250Z")
        #expect(object["name"] as? String == "attclient_read_by_handle")
        #expect(object["direction"] as? String == "command")
        #expect(object["connection"] as? Int == 0)
        #expect(object["hex"] as? String == "00030404000F00")
        #expect((object["fields"] as? [String: String])?["chrhandle"] == "0x000F")
    }

    @Test func aLogEntryJumpsToTheChainThatProducedIt() throws {
        var s = connectedState()
        s.width = 120
        s.height = 40
        send(&s, .packet(linkUp(0, hrmAddress), 1000), .packet(scanResponse(thermoAddress), 1000.5),
             .packet(readCommand(0, H.bodySensor), 1001), .packet(readResponse(0), 1001.01),
             .packet(scanResponse(thermoAddress), 1001.015),
             .packet(valueEvent(0, H.bodySensor, [0x01]), 1001.02),
             .read(hrmAddress, H.bodySensor, [0x01], 1001.03))
        let entry = try #require(s.log.last)
        #expect(entry.chain == [2, 3, 5], "the read command and what followed on its connection")
        s.focus = .log
        press(&s, .enter)
        #expect(ExplorerView.render(s).text.contains("t: its 3 BGAPI packets"))
        press(&s, ch("t"))
        #expect(s.mode == .browse && s.showTraffic && s.focus == .log)
        #expect(s.traffic.filter.connection == 0 && s.traffic.cursor == 2)
        #expect(s.traffic.chain == [2, 3, 5])
        #expect(Self.paneRows(s).joined().contains("attclient_read_by_handle"))
    }

    @Test func aNotificationsChainIsItsValueEvent() throws {
        var s = connectedState()
        send(&s, .packet(linkUp(0, hrmAddress), 1000), .packet(valueEvent(0, H.measurement, [0, 72], type: .notify), 1002),
             .notified(hrmAddress, H.measurement, [0, 72], indication: false, 1002.01))
        #expect(try #require(s.log.last).chain == [1])
    }
}

extension TrafficFilter {
    /// A filter searching for `text`.
    static func searching(_ text: String) -> TrafficFilter {
        var f = TrafficFilter()
        f.search = text
        return f
    }
}
