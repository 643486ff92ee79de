import BGAPICore
import Explorer
import Testing
import TUI

/// The scan side of `update`: advertisements, sorting, filtering, staleness, pause, clear, connecting.
@Suite struct ScanReducerTests {
    @Test func advertisementsBuildADeviceEntry() throws {
        var s = ExplorerState()
        let nordic = ad(0xFF, [0x59, 0x00, 0x01, 0x02])
        send(&s,
             .advertisement(report(hrmAddress, rssi: -50, shortName: "Pulse"), 100.0),
             .advertisement(report(hrmAddress, rssi: -54, name: "Pulse HRM", packetType: .scanResponse, extra: nordic), 100.1))
        var d = try #require(s.devices[hrmAddress])
        #expect(d.name == "Pulse HRM", "a complete name replaces a shortened one")
        #expect(d.intervals.isEmpty, "a scan response is not an advertising interval")

        send(&s,
             .advertisement(report(hrmAddress, rssi: -60, shortName: "Pulse"), 100.25),
             .advertisement(report(hrmAddress, rssi: -58, shortName: "Pulse"), 100.35))
        d = try #require(s.devices[hrmAddress])
        #expect(d.name == "Pulse HRM", "a later shortened name does not replace the complete one")
        #expect(d.rssi == -58, "RSSI follows the last packet")
        #expect(d.packets == 4)
        #expect(d.firstSeen == 100.0 && d.lastSeen == 100.35)
        #expect(d.connectable)
        #expect(d.addressType == .public)
        #expect(d.companyID == 0x0059)
        #expect(d.intervals.count == 2)
        #expect(abs(d.intervals[0] - 0.25) < 1e-9 && abs(d.intervals[1] - 0.1) < 1e-9)
        let interval = try #require(d.observedInterval)
        #expect(abs(interval - 0.1) < 1e-9, "the shortest gap is the interval (missed packets only lengthen gaps)")
        // All four packets fell in second 100: one bucket holding their average.
        #expect(d.history.samples.count == RSSIHistory.defaultSpan)
        #expect(d.history.samples.last == .some(-55.5))
        #expect(d.history.samples.dropLast().allSatisfy { $0 == nil })
        #expect(s.selectedDevice == hrmAddress, "the first device heard is selected")
        #expect(s.now == 100.35)

        // Time moves the window: the bucket scrolls left, newer seconds are gaps.
        send(&s, .tick(102.4))
        let samples = try #require(s.devices[hrmAddress]).history.samples
        #expect(samples[57] == -55.5 && samples[58] == nil && samples[59] == nil)
    }

    @Test func beaconIsNotConnectableAndKeepsItsCompany() throws {
        var s = ExplorerState()
        send(&s, .advertisement(report(beaconAddress, rssi: -80, packetType: .nonConnectableAdvertisement,
                                       addressType: .random, extra: ad(0xFF, [0x4C, 0x00, 0x02, 0x15])), 5))
        let d = try #require(s.devices[beaconAddress])
        #expect(!d.connectable)
        #expect(d.name == nil)
        #expect(d.addressType == .random)
        #expect(d.companyID == 0x004C)
        #expect(d.observedInterval == nil, "one packet gives no interval")
    }

    @Test func sortCyclesThroughRSSINameLastSeenAndFirstSeen() {
        let a = BluetoothAddress(rawValue: 0xA), b = BluetoothAddress(rawValue: 0xB), c = BluetoothAddress(rawValue: 0xC)
        var s = ExplorerState()
        send(&s, .advertisement(report(a, rssi: -40, name: "Zeta"), 10),
             .advertisement(report(c, rssi: -60), 20),
             .advertisement(report(b, rssi: -70, name: "alpha"), 30))
        #expect(s.sort == .rssi)
        #expect(s.visibleDevices.map(\.address) == [a, c, b], "strongest first")
        #expect(press(&s, ch("s")).isEmpty)
        #expect(s.sort == .name)
        #expect(s.visibleDevices.map(\.address) == [b, a, c], "case-insensitive by name, unnamed last")
        press(&s, ch("s"))
        #expect(s.sort == .lastSeen)
        #expect(s.visibleDevices.map(\.address) == [b, c, a], "most recently heard first")
        press(&s, ch("s"))
        #expect(s.sort == .firstSeen)
        #expect(s.visibleDevices.map(\.address) == [a, c, b], "in the order first heard")
        press(&s, ch("s"))
        #expect(s.sort == .rssi)
        #expect(s.visibleDevices.map(\.address) == [a, c, b])
    }

    @Test func filterPromptFiltersAsYouTypeEscClearsEnterKeeps() throws {
        #expect(companyName(0x004C)?.contains("Apple") == true, "precondition: the company table knows Apple")
        var s = scannedState()
        send(&s, .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1000.2))
        #expect(s.visibleDevices.count == 3)

        press(&s, ch("/"))
        #expect(s.prompt == .filter)
        typeText(&s, "pul")
        #expect(s.filter == "pul", "the filter follows the typing")
        #expect(s.visibleDevices.map(\.address) == [hrmAddress])
        press(&s, .backspace, .backspace, .backspace)
        #expect(s.filter.isEmpty && s.visibleDevices.count == 3)
        typeText(&s, "THERMO")
        #expect(s.visibleDevices.map(\.address) == [thermoAddress], "case-insensitive")
        typeText(&s, "q")
        #expect(!s.quitting && s.prompt == .filter, "keys in the prompt are text, not commands")
        press(&s, .escape)
        #expect(s.prompt == nil)
        #expect(s.filter.isEmpty, "Esc clears the filter")
        #expect(s.visibleDevices.count == 3)

        press(&s, ch("/"))
        typeText(&s, "apple")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.prompt == nil)
        #expect(s.filter == "apple", "Enter keeps the filter")
        #expect(s.visibleDevices.map(\.address) == [beaconAddress], "the maker's name matches")

        // Reopening starts a fresh filter (issue 9); matching by address works too.
        press(&s, ch("/"))
        #expect(s.promptText.isEmpty && s.filter.isEmpty)
        press(&s, .control("u"))
        typeText(&s, "d0:5f")
        press(&s, .enter)
        #expect(s.visibleDevices.map(\.address) == [thermoAddress])
    }

    @Test func hideStaleUsesTheTickClock() {
        var s = ExplorerState()
        send(&s, .advertisement(report(hrmAddress, rssi: -50, name: "Old"), 1000),
             .advertisement(report(thermoAddress, rssi: -60, name: "Fresh"), 1020),
             .tick(1030))
        #expect(s.visibleDevices.count == 2, "stale devices show until x")
        press(&s, ch("x"))
        #expect(s.hideStale)
        #expect(s.visibleDevices.map(\.address) == [thermoAddress], "heard 30 s ago (> 15 s) is hidden")
        send(&s, .tick(1036))
        #expect(s.visibleDevices.isEmpty, "16 s is stale too")
        // A connected device never hides.
        s.connections[hrmAddress] = ConnectionEntry(address: hrmAddress, addressType: .public)
        #expect(s.visibleDevices.map(\.address) == [hrmAddress])
        press(&s, ch("x"))
        #expect(!s.hideStale && s.visibleDevices.count == 2)
    }

    @Test func pauseFreezesTheList() throws {
        var s = scannedState()
        press(&s, ch("p"))
        #expect(s.paused)
        send(&s, .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1001),
             .advertisement(report(hrmAddress, rssi: -90, name: "Pulse HRM"), 1001))
        #expect(s.devices[thermoAddress] == nil, "no new devices while paused")
        #expect(try #require(s.devices[hrmAddress]).rssi == -52, "no updates while paused")
        #expect(try #require(s.devices[hrmAddress]).packets == 1)
        press(&s, ch("p"))
        #expect(!s.paused)
        send(&s, .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1002))
        #expect(s.devices[thermoAddress] != nil)
    }

    @Test func clearEmptiesTheListButKeepsConnectedDevices() {
        var s = scannedState()
        #expect(s.selectedDevice == hrmAddress)
        press(&s, ch("c"))
        #expect(s.devices.isEmpty)
        #expect(s.selectedDevice == nil)

        s = scannedState()
        s.connections[beaconAddress] = ConnectionEntry(address: beaconAddress, addressType: .random)
        press(&s, ch("c"))
        #expect(Array(s.devices.keys) == [beaconAddress])
        #expect(s.selectedDevice == beaconAddress, "the selected device was dropped; the selection moves to what is left")
    }

    @Test func enterOnAConnectableDeviceConnects() throws {
        var s = scannedState()
        #expect(s.selectedDevice == hrmAddress)
        #expect(press(&s, .enter) == [.connect(hrmAddress, .public)])
        let c = try #require(s.hrm)
        #expect(c.state == .connecting)
        #expect(c.addressType == .public)
        #expect(c.busy == "connecting")
        #expect(press(&s, .enter).isEmpty, "no second connect while connecting")
        #expect(s.focus == .scan)
    }

    @Test func enterOnABeaconIsRefused() {
        var s = scannedState()
        press(&s, ch("j"))
        #expect(s.selectedDevice == beaconAddress)
        #expect(press(&s, .enter).isEmpty)
        #expect(s.connections.isEmpty)
        #expect(s.lastError?.contains("does not accept connections") == true)
        #expect(s.lastError?.contains(beaconAddress.description) == true)
        press(&s, ch("k"))
        #expect(s.lastError == nil, "the next key clears the error")
        #expect(s.selectedDevice == hrmAddress)
    }

    @Test func connectedThenDiscoveredMakesAReadyTree() throws {
        var s = scannedState()
        press(&s, .enter)
        send(&s, .connected(hrmAddress, parameters: "30 ms interval", encrypted: false))
        var c = try #require(s.hrm)
        #expect(c.state == .discovering)
        #expect(c.parameters == "30 ms interval")
        #expect(c.busy == "discovering services")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.focus == .scan, "the tree opens only once it is ready")

        send(&s, .discovered(hrmAddress, fixtureServices))
        c = try #require(s.hrm)
        #expect(c.state == .ready)
        #expect(c.busy == nil)
        #expect(c.services == fixtureServices)
        #expect(c.expanded == [.service(H.heartRateService), .service(H.batteryService), .service(H.uartService),
                               .service(AttributeHandle(0x0026))], "every service but Generic Access opens")
        #expect(c.selection == .service(AttributeHandle(0x0001)))
        #expect(c.treeRows.map(\.node) == [
            .service(AttributeHandle(0x0001)),
            .service(H.heartRateService), .characteristic(H.measurement), .characteristic(H.bodySensor),
            .characteristic(H.controlPoint),
            .service(H.batteryService), .characteristic(H.battery),
            .service(H.uartService), .characteristic(H.uartRX), .characteristic(H.uartTX),
            .service(AttributeHandle(0x0026)), .characteristic(H.temperature),
        ])
        #expect(press(&s, .enter).isEmpty)
        #expect(s.focus == .details, "Enter on a connected device opens its tree")
    }

    @Test func discoveryForAnUnknownConnectionIsIgnored() {
        var s = scannedState()
        send(&s, .connected(hrmAddress, parameters: "x", encrypted: false), .discovered(hrmAddress, fixtureServices))
        #expect(s.connections.isEmpty)
    }

    @Test func aDroppedLinkKeepsItsTreeGreyedWithTheReason() throws {
        var s = connectedState()
        select(.characteristic(H.controlPoint), in: &s)
        press(&s, ch("w"))
        #expect(s.editor != nil)
        send(&s, .disconnected(hrmAddress, reason: "supervision timeout"))
        let c = try #require(s.hrm, "a link the user did not close stays, for its tree (issue 9)")
        #expect(c.state == .disconnected("supervision timeout") && c.services == fixtureServices && !c.isLive)
        #expect(s.lastError == "\(hrmAddress) disconnected: supervision timeout")
        #expect(s.editor == nil, "the editor on that device closes")
        #expect(s.devices[hrmAddress] != nil, "the device stays in the list")
        #expect(s.log.last?.kind == .disconnected && s.log.last?.note == "supervision timeout")

        // A second (stale) disconnect changes nothing.
        s.lastError = nil
        send(&s, .disconnected(hrmAddress, reason: "again"))
        #expect(s.lastError == nil)

        // A disconnect the user asked for removes the connection.
        s = connectedState()
        press(&s, ch("d"))
        send(&s, .disconnected(hrmAddress, reason: "local user terminated"))
        #expect(s.hrm == nil && s.focus == .scan)
    }

    @Test func disconnectKeyAsksToDisconnect() throws {
        var s = connectedState()
        #expect(press(&s, ch("d")) == [.disconnect(hrmAddress)])
        #expect(try #require(s.hrm).busy == "disconnecting")
        var plain = scannedState()
        #expect(press(&plain, ch("d")).isEmpty)
        #expect(plain.lastError == "not connected")
    }
}
