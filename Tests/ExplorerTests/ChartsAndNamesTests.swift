import BGAPICore
import BluetoothNumbers
import Explorer
import Testing
import TUI

// MARK: - Series

@Suite struct ChartSeriesTests {
    @Test func notificationsAndReadsOfCharacteristicsFillSeriesWithTheirReading() throws {
        var s = connectedState()
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 72], indication: false, 100),
             .notified(hrmAddress, H.measurement, [0x00, 75], indication: false, 101),
             .read(hrmAddress, H.battery, [95], 102),
             .read(hrmAddress, H.measurementCCCD, [0x01, 0x00], 103),  // a descriptor: no series
             .notified(thermoAddress, AttributeHandle(0x0030), [7], indication: false, 104))  // not connected
        let hr = try #require(s.charts.values[SeriesKey(hrmAddress, H.measurement)])
        #expect(hr.samples.map(\.value) == [72, 75])
        #expect(hr.samples.map(\.notified) == [true, true])
        #expect(hr.unit == "bpm")
        let battery = try #require(s.charts.values[SeriesKey(hrmAddress, H.battery)])
        #expect(battery.samples.map(\.value) == [95] && battery.samples[0].notified == false && battery.unit == "%")
        #expect(s.charts.values.count == 2)
    }

    @Test func aValueWithoutANumberIsAGap() throws {
        var s = connectedState()
        send(&s, .notified(hrmAddress, H.measurement, [0x01, 72], indication: false, 100))  // u16 rate cut short
        let v = try #require(s.charts.values[SeriesKey(hrmAddress, H.measurement)]?.samples.first?.value)
        #expect(v.isNaN)
    }

    @Test func valueSeriesKeepFiveMinutesAndAtMostTheirCapacity() {
        var series = ValueSeries()
        for t in 0 ..< 400 { series.append(.init(time: Double(t), value: Double(t), bytes: [], notified: true)) }
        #expect(series.samples.first?.time == 99 && series.samples.last?.time == 399)  // 399 - 300 = 99
        var fast = ValueSeries()
        for i in 0 ..< ValueSeries.capacity + 100 {
            fast.append(.init(time: Double(i) / 100, value: 1, bytes: [], notified: true))
        }
        #expect(fast.samples.count == ValueSeries.capacity)
        #expect(fast.samples.last?.time == Double(ValueSeries.capacity + 99) / 100)
    }

    @Test func longValuesKeepOnlyTheirFirstBytes() throws {
        var s = connectedState()
        send(&s, .read(hrmAddress, H.deviceName, Array(repeating: 0x41, count: 100), 1))
        let sample = try #require(s.charts.values[SeriesKey(hrmAddress, H.deviceName)]?.samples.first)
        #expect(sample.bytes.count == ValueSeries.bytesKept && sample.value.isNaN)
    }

    @Test func theNumberOfSeriesIsCappedOldestFirst() {
        var s = connectedState()
        for i in 0 ..< ChartsState.maximumValueSeries + 5 {
            // Invent characteristics: the fixture has few, so give each series its own device.
            let address = BluetoothAddress("AA:00:00:00:00:\(String(format: "%02X", i))")!
            var c = ConnectionEntry(address: address, addressType: .public)
            c.services = fixtureServices
            s.connections[address] = c
            send(&s, .notified(address, H.measurement, [0x00, 60], indication: false, Double(i)))
        }
        #expect(s.charts.values.count == ChartsState.maximumValueSeries)
        #expect(s.charts.values[SeriesKey(BluetoothAddress("AA:00:00:00:00:00")!, H.measurement)] == nil, "the oldest went")
        #expect(s.charts.values[SeriesKey(BluetoothAddress("AA:00:00:00:00:44")!, H.measurement)] != nil)
    }

    @Test func rssiIsAveragedPerSecondAndFiveMinutesAreKept() {
        var r = RSSISeries()
        r.add(-50, at: 10.1)
        r.add(-60, at: 10.9)
        r.add(-70, at: 11.5)
        r.add(-40, at: 20.2)  // 9 s later: a gap before it
        #expect(r.points(in: 0 ... 100).map(\.time) == [10.5, 11.5, 12.5, 20.5])
        let values = r.points(in: 0 ... 100).map(\.value)
        #expect(values[0] == -55 && values[1] == -70 && values[2].isNaN && values[3] == -40)
        #expect(r.last == -40)
        r.add(-30, at: 5)  // out of order: dropped
        #expect(r.buckets.count == 3)
        r.add(-45, at: 400)
        #expect(r.buckets.map(\.second) == [400], "older than 300 s are gone")
    }

    @Test func rssiComesFromAdvertisementsAndLinkReadsButNotTheUnavailableMarker() {
        var s = scannedState()  // -52 dBm at 1000.0
        s.now = 1003
        send(&s, .rssi(hrmAddress, -61), .rssi(hrmAddress, 127))
        #expect(s.charts.rssi[hrmAddress]?.buckets.map(\.second) == [1000, 1003])
        #expect(s.charts.rssi[beaconAddress]?.buckets.count == 1)
    }

    @Test func notificationStatistics() throws {
        // Intervals 1, 1, 1, 3: mean 1.5, variance (3 × 0.25 + 2.25) / 4 = 0.75; the 3 s one is a gap.
        let stats = try #require(NotificationStats(times: [0, 1, 2, 3, 6]))
        #expect(stats.count == 5)
        #expect(stats.rate == 4.0 / 6.0)
        #expect(stats.medianInterval == 1)
        #expect(abs(stats.jitter - 0.75.squareRoot()) < 1e-12)
        #expect(stats.gaps == 1 && stats.longestInterval == 3)
        let even = try #require(NotificationStats(times: [0, 0.5, 1.0, 1.5]))
        #expect(even.jitter == 0 && even.gaps == 0 && even.rate == 2)
        #expect(NotificationStats(times: [1]) == nil)
        #expect(NotificationStats(times: [1, 1])?.rate == 0)  // same instant: no rate, no trap
    }
}

// MARK: - The chart view

@Suite struct ChartViewReducerTests {
    func heartRateState(seconds: Int = 20) -> ExplorerState {
        var s = connectedState()
        for i in 0 ..< seconds {
            send(&s, .notified(hrmAddress, H.measurement, [0x00, UInt8(60 + i % 12)], indication: false, 1000 + Double(i)))
        }
        s.now = 1000 + Double(seconds - 1)
        select(.characteristic(H.measurement), in: &s)
        return s
    }

    @Test func vOnACharacteristicOpensItsChartAndTheDevicesRSSI() {
        var s = heartRateState()
        press(&s, ch("v"))
        #expect(s.chart == ChartTarget(address: hrmAddress, handle: H.measurement))
        press(&s, .escape)
        #expect(s.chart == nil)
        s.focus = .scan
        press(&s, ch("v"))
        #expect(s.chart == ChartTarget(address: hrmAddress, handle: nil), "from the list: the RSSI chart")
    }

    @Test func theChartIsModalPauseFreezesTheWindowAndZSteps() {
        var s = heartRateState()
        press(&s, ch("v"))
        #expect(press(&s, ch("d")).isEmpty && s.hrm?.busy == nil, "d does not disconnect under the chart")
        press(&s, ch("p"))
        #expect(s.charts.pausedAt == s.now)
        send(&s, .tick(s.now + 30))
        #expect(s.charts.timeWindow(now: s.now) == (1019 - 300) ... 1019)
        press(&s, ch("p"))
        #expect(s.charts.pausedAt == nil)
        #expect(s.charts.window == 300)
        press(&s, ch("z"))
        #expect(s.charts.window == 60)
        press(&s, ch("z"), ch("z"))
        #expect(s.charts.window == 300)
        press(&s, ch("q"))
        #expect(s.chart == nil && !s.quitting, "q closes the chart, it does not quit")
    }

    @Test func theChartIsAModeHelpFromItComesBackToIt() {
        var s = heartRateState()
        s.width = 120
        s.height = 50  // help (at most 38 rows) leaves the chart's title row showing
        press(&s, ch("v"))
        #expect(s.mode == .chart(ChartTarget(address: hrmAddress, handle: H.measurement)))
        press(&s, ch("p"), ch("?"))
        #expect(s.showHelp && s.chart == nil)
        let screen = ExplorerView.render(s).text
        #expect(screen.contains("Keys — j/k page") && screen.contains("Chart · Pulse HRM"), "help over the chart")
        press(&s, ch("x"))
        #expect(s.chart == ChartTarget(address: hrmAddress, handle: H.measurement) && s.charts.pausedAt != nil,
                "closing help goes back to the chart, still paused")
        press(&s, .escape)
        #expect(s.mode == .browse && s.charts.pausedAt == nil)
        press(&s, ch("?"), ch("x"))
        #expect(s.mode == .browse, "help opened from the panes goes back to them")
    }

    @Test func fPicksANumberFormatAndRevaluesTheHistory() throws {
        var s = heartRateState(seconds: 2)
        press(&s, ch("v"))
        let key = SeriesKey(hrmAddress, H.measurement)
        press(&s, ch("f"))  // u8: two bytes do not fit
        #expect(s.charts.formats[key] == .u8)
        #expect(s.charts.values[key]?.samples.allSatisfy { $0.value.isNaN } == true)
        press(&s, ch("f"))  // u16 LE: 00 3C → 0x3C00
        #expect(s.charts.formats[key] == .u16le)
        #expect(s.charts.values[key]?.samples.first?.value == 0x3C00)
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 0x01], indication: false, 1002))
        #expect(s.charts.values[key]?.samples.last?.value == 0x0100, "new values use it too")
        press(&s, ch("F"), ch("F"))  // back to auto
        #expect(s.charts.formats[key] == nil)
        #expect(s.charts.values[key]?.samples.first?.value == 60 && s.charts.values[key]?.unit == "bpm")
    }

    @Test func theChartViewDrawsTheLineStatisticsAndRSSI() {
        var s = heartRateState()
        s.width = 120
        s.height = 40
        press(&s, ch("v"))
        let screen = ExplorerView.render(s)
        let text = screen.text
        #expect(text.contains("Chart · Pulse HRM · Heart Rate Measurement · last 5m"))
        #expect(text.contains("last 67 bpm"))  // 60 + 19 % 12
        #expect(text.contains("min  60 bpm") && text.contains("max  71 bpm"))
        #expect(text.contains("rate     1.00/s") && text.contains("interval 1.00 s") && text.contains("gaps     0"))
        #expect(text.contains("RSSI · now -52 dBm"))
        #expect(text.contains("v/Esc close · p pause · z window · f format: auto"))
        #expect(text.unicodeScalars.contains { (0x2801 ... 0x28FF).contains($0.value) }, "a braille line")
        #expect(screen.lines.last?.contains("blex") == true, "the status bar stays")
        // ASCII terminals get '*' and '|'.
        s.ascii = true
        let ascii = ExplorerView.render(s).text
        #expect(!ascii.unicodeScalars.contains { (0x2800 ... 0x28FF).contains($0.value) } && ascii.contains("*"))
    }

    @Test func theChartViewFitsEverySize() {
        var s = heartRateState()
        press(&s, ch("v"))
        for (w, h) in [(20, 6), (40, 10), (60, 12), (80, 24), (200, 60), (1, 1), (0, 0)] {
            s.width = w
            s.height = h
            let screen = ExplorerView.render(s)
            #expect(screen.lines.count == h && screen.lines.allSatisfy { TextWidth.of($0) <= w })
        }
    }

    @Test func anRSSIOnlyChartAndAnEmptyOne() {
        var s = scannedState()
        s.width = 100
        s.height = 30
        s.now = 1001
        press(&s, ch("v"))
        #expect(ExplorerView.render(s).text.contains("RSSI · now -52 dBm · min -52 · max -52 dBm"))
        var c = connectedState()
        c.width = 100
        c.height = 30
        select(.characteristic(H.battery), in: &c)
        press(&c, ch("v"))
        #expect(ExplorerView.render(c).text.contains("no values yet: n subscribes, r reads"))
    }
}

// MARK: - Presentation format

@Suite struct PresentationFormatInExplorerTests {
    /// A vendor characteristic with a 0x2904 descriptor: sint16 × 10^-2 °C.
    func vendorState() -> (ExplorerState, GATTCharacteristic) {
        var s = connectedState()
        let service = BluetoothUUID("A0B40001-926D-4D61-98DF-8C5C62EE53B3")!
        let ch = GATTCharacteristic(uuid: BluetoothUUID("A0B40002-926D-4D61-98DF-8C5C62EE53B3")!,
                                    declarationHandle: AttributeHandle(0x0040), valueHandle: AttributeHandle(0x0041),
                                    properties: [.read, .notify],
                                    descriptors: [GATTDescriptor(uuid: BluetoothUUID(0x2904), handle: AttributeHandle(0x0042))],
                                    serviceUUID: service)
        s.connections[hrmAddress]!.services.append(GATTService(uuid: service, startHandle: AttributeHandle(0x003F),
                                                               endHandle: AttributeHandle(0x0042), characteristics: [ch]))
        send(&s, .fetched(hrmAddress, AttributeHandle(0x0042), [0x0E, 0xFE, 0x2F, 0x27, 0x01, 0x00, 0x00]))
        return (s, ch)
    }

    @Test func aPresentationFormatGivesTheValueItsUnitAndItsChartANumber() throws {
        var (s, ch) = vendorState()
        let c = try #require(s.hrm)
        #expect(describeValue([0x66, 0x08], at: ch.valueHandle, in: c) == "21.50 °C")
        send(&s, .notified(hrmAddress, ch.valueHandle, [0x66, 0x08], indication: false, 5))
        let series = try #require(s.charts.values[SeriesKey(hrmAddress, ch.valueHandle)])
        #expect(series.samples.map(\.value) == [21.5] && series.unit == "°C")
        #expect(s.log.last?.decoded == "21.50 °C", "the log and the export carry the unit")
        #expect(LogExport.jsonl(s.log).contains("\"decoded\":\"21.50 °C\""))
        s.width = 120
        s.height = 40
        select(.characteristic(ch.valueHandle), in: &s)
        #expect(ExplorerView.render(s).text.contains("21.50 °C"), "the value line under the tree")
    }
}

// MARK: - Names

@Suite struct UserNamesTests {
    /// The shape nRF Connect for Desktop writes and reads (its own example, plus a bare-string entry).
    static let nrfConnectExample = #"""
    {
        "_comment": {
            "comment": [
                "Add UUIDs for your services, characteristics, and descriptors in this file.",
                "'name' is a mandatory handle, while 'format' is optional."
            ]
        },
        "uuid16bitServiceDefinitions": {
            "180D": { "name": "Pulse" }
        },
        "uuid16bitCharacteristicDefinitions": {
            "2A37": { "name": "BPM" },
            "2A29": { "name": "Maker", "format": "TEXT" }
        },
        "uuid16bitDescriptorDefinitions": {},
        "uuid128bitServiceDefinitions": {
            "6E400001B5A3F393E0A9E50E24DCCA9E": { "name": "UART over BLE" }
        },
        "uuid128bitCharacteristicDefinitions": {
            "6E400002B5A3F393E0A9E50E24DCCA9E": { "name": "UART RX" },
            "6E400003-B5A3-F393-E0A9-E50E24DCCA9E": "UART TX"
        },
        "uuid128bitDescriptorDefinitions": {}
    }
    """#

    @Test func readsAnNRFConnectForDesktopFile() throws {
        let names = try UserNames(json: Self.nrfConnectExample)
        #expect(names.count == 6)
        #expect(names.name(BluetoothUUID(0x180D), as: .service) == "Pulse")
        #expect(names.name(BluetoothUUID(0x180D), as: .characteristic) == nil, "kinds are apart")
        #expect(names.name(BluetoothUUID(0x2A37), as: .characteristic) == "BPM")
        #expect(names.name(BluetoothUUID("00002A37-0000-1000-8000-00805F9B34FB")!, as: .characteristic) == "BPM",
                "a SIG UUID written out in 128 bits is the same UUID")
        #expect(names.name(uartServiceUUID, as: .service) == "UART over BLE")
        #expect(names.name(uartRXUUID, as: .characteristic) == "UART RX")
        #expect(names.name(uartTXUUID, as: .characteristic) == "UART TX")
        #expect(names.entries[.characteristic]?["2A29"]?.format == "TEXT")
    }

    @Test func savingWritesTheSameFormatBackAndKeepsTheComment() throws {
        var names = try UserNames(json: Self.nrfConnectExample)
        names.set("Heart", for: BluetoothUUID(0x2A37), as: .characteristic)
        names.set("", for: uartRXUUID, as: .characteristic)  // forget
        let text = names.json
        let again = try UserNames(json: text)
        #expect(again == names)
        #expect(again.name(BluetoothUUID(0x2A37), as: .characteristic) == "Heart")
        #expect(again.name(uartRXUUID, as: .characteristic) == nil)
        #expect(text.hasPrefix("{\n  \"_comment\": {"))
        #expect(text.contains("\"uuid128bitCharacteristicDefinitions\": {\n    \"6E400003B5A3F393E0A9E50E24DCCA9E\": {\n      \"name\": \"UART TX\"\n    }"))
        #expect(text.contains("\"2A29\": {\n      \"name\": \"Maker\",\n      \"format\": \"TEXT\"\n    }"))
        let root = try JSONValue.parse(text)
        for kind in ["Service", "Characteristic", "Descriptor"] {
            #expect(root["uuid16bit\(kind)Definitions"] != nil && root["uuid128bit\(kind)Definitions"] != nil)
        }
    }

    @Test func badFilesSayWhatIsWrong() {
        func reason(_ text: String) -> String? {
            do { _ = try UserNames(json: text); return nil } catch { return error.reason }
        }
        #expect(reason("{\"uuid16bitServiceDefinitions\": {\"18\": {\"name\": \"x\"}}}")
                    == "uuid16bitServiceDefinitions: \"18\" is not a 16-bit UUID in hex")
        #expect(reason("{\"uuid128bitServiceDefinitions\": {\"180D\": {\"name\": \"x\"}}}")
                    == "uuid128bitServiceDefinitions: \"180D\" is not a 128-bit UUID in hex")
        #expect(reason("{\"uuid16bitServiceDefinitions\": {\"180D\": {\"format\": \"TEXT\"}}}")
                    == "uuid16bitServiceDefinitions: \"180D\" needs a \"name\"")
        #expect(reason("{\"uuid16bitServiceDefinitions\": []}") == "uuid16bitServiceDefinitions must be an object")
        #expect(reason("[]") == "the top level must be an object {…}")
        #expect(reason("{\n  \"a\": 1,\n  \"b\" 2\n}") == "not JSON: line 3, column 7: expected ':'")
        #expect(reason("") == "not JSON: line 1, column 1: unexpected end of text")
        #expect(reason("{\"a\": \"\u{01}\"}")?.contains("control character") == true)
        #expect(reason(String(repeating: "[", count: 100))?.contains("nested too deeply") == true)
    }

    @Test func namesAreOneTrimmedLineOfBoundedLength() {
        var names = UserNames()
        names.set("  My\u{1B}[31m sensor\n ", for: BluetoothUUID(0xFFF1), as: .characteristic)
        #expect(names.name(BluetoothUUID(0xFFF1), as: .characteristic) == "My [31m sensor")
        names.set(String(repeating: "x", count: 500), for: BluetoothUUID(0xFFF1), as: .characteristic)
        #expect(names.name(BluetoothUUID(0xFFF1), as: .characteristic)?.count == UserNames.maximumNameLength)
    }

    @Test func jsonStringsRoundTrip() throws {
        let value = JSONValue.object([("k\"ey", .string("a\\b\n\u{7F}é😀")), ("n", .number("-1.5e3")), ("t", .bool(true)),
                                      ("z", .null), ("l", .array([.number("1"), .array([])]))])
        #expect(try JSONValue.parse(value.serialized) == value)
        #expect(try JSONValue.parse(value.pretty) == value)
        #expect(try JSONValue.parse("\"\\ud83d\\ude00\"") == .string("😀"))
    }
}

@Suite struct NamingReducerTests {
    func namingState() -> ExplorerState {
        var s = connectedState()
        s.namesPath = "/tmp/names.json"
        s.width = 120
        s.height = 40
        select(.characteristic(H.measurement), in: &s)
        return s
    }

    @Test func nNamesTheSelectedCharacteristicInPlaceAndSavesTheFile() throws {
        var s = namingState()
        press(&s, ch("N"))
        let prompt = try #require(s.naming)
        #expect(prompt.uuid == BluetoothUUID(0x2A37) && prompt.kind == .characteristic && prompt.field.text == "")
        #expect(ExplorerView.render(s).text.contains("Name characteristic 2A37"))
        typeText(&s, "Chest strap")
        let effects = press(&s, .enter)
        #expect(s.naming == nil)
        #expect(s.names.name(BluetoothUUID(0x2A37), as: .characteristic) == "Chest strap")
        guard case let .saveNames(path, contents)? = effects.first else { Issue.record("no save: \(effects)"); return }
        #expect(path == "/tmp/names.json")
        #expect(try UserNames(json: contents).name(BluetoothUUID(0x2A37), as: .characteristic) == "Chest strap")
        #expect(s.notice?.contains("saved to /tmp/names.json") == true)

        // The tree, the value line, the log and the export use it.
        send(&s, .notified(hrmAddress, H.measurement, [0x00, 72], indication: false, 10))
        let lines = ExplorerView.render(s).lines
        #expect(lines.contains { $0.contains("▸ Chest strap ") && $0.contains("72 bpm  N 0x000C") }, "the tree row")
        #expect(lines.contains { $0.contains("││Chest strap · 2 bytes") }, "the value line")
        #expect(lines.contains { $0.contains(" N Pulse HRM ") && $0.contains("Chest strap") && $0.contains("72 bpm  00 48") })
        #expect(s.log.last?.name == "Chest strap")
        #expect(LogExport.jsonl(s.log).contains("\"name\":\"Chest strap\""))
        #expect(LogExport.csv(s.log).contains(",Chest strap,notification,"))
        // Reopening starts from the name; an empty name forgets it.
        press(&s, ch("N"))
        #expect(s.naming?.field.text == "Chest strap")
        press(&s, .control("u"), .enter)
        #expect(s.names.name(BluetoothUUID(0x2A37), as: .characteristic) == nil)
    }

    @Test func servicesAndDescriptorsCanBeNamedEscCancels() {
        var s = namingState()
        select(.service(H.heartRateService), in: &s)
        press(&s, ch("N"))
        #expect(s.naming?.kind == .service)
        typeText(&s, "Pulse")
        press(&s, .enter)
        #expect(s.names.name(BluetoothUUID(0x180D), as: .service) == "Pulse")
        #expect(ExplorerView.render(s).text.contains("Pulse"))
        select(.descriptor(H.measurementCCCD), in: &s)
        press(&s, ch("N"))
        #expect(s.naming?.kind == .descriptor)
        typeText(&s, "nope")
        press(&s, .escape)
        #expect(s.naming == nil && s.names.name(BluetoothUUID(0x2902), as: .descriptor) == nil)
    }

    @Test func withoutANamesFileTheNameLastsTheSession() {
        var s = namingState()
        s.namesPath = nil
        press(&s, ch("N"))
        typeText(&s, "BPM")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.names.name(BluetoothUUID(0x2A37), as: .characteristic) == "BPM")
        #expect(s.lastError?.contains("--names FILE") == true)
    }

    @Test func nOutsideTheTreeSaysWhere() {
        var s = namingState()
        s.focus = .scan
        press(&s, ch("N"))
        #expect(s.naming == nil && s.lastError?.contains("GATT tree") == true)
    }

    @Test func theDemosTwoTemperaturesAreToldApartByTheirUserDescriptions() throws {
        // The demo thermometer: two Temperature (0x2A6E) characteristics described "Indoor" and "Outdoor".
        var s = scannedState()
        send(&s, .advertisement(report(thermoAddress, rssi: -67, name: "Thermo TH-1"), 1000.2))
        s.selectedDevice = thermoAddress
        s.focus = .scan
        press(&s, .enter)
        let es = BluetoothUUID(0x181A), temperature = BluetoothUUID(0x2A6E)
        func described(_ value: UInt16) -> GATTCharacteristic {
            GATTCharacteristic(uuid: temperature, declarationHandle: AttributeHandle(value - 1), valueHandle: AttributeHandle(value),
                               properties: [.read, .notify],
                               descriptors: [GATTDescriptor(uuid: BluetoothUUID(0x2902), handle: AttributeHandle(value + 1)),
                                             GATTDescriptor(uuid: BluetoothUUID(0x2901), handle: AttributeHandle(value + 2))],
                               serviceUUID: es)
        }
        let services = [GATTService(uuid: es, startHandle: AttributeHandle(0x0010), endHandle: AttributeHandle(0x0018),
                                    characteristics: [described(0x0012), described(0x0016)])]
        send(&s, .connected(thermoAddress, parameters: "", encrypted: false), .discovered(thermoAddress, services),
             .fetched(thermoAddress, AttributeHandle(0x0014), Array("Indoor".utf8)),
             .fetched(thermoAddress, AttributeHandle(0x0018), Array("Outdoor".utf8)),
             .notified(thermoAddress, AttributeHandle(0x0012), [0x66, 0x08], indication: false, 1),
             .notified(thermoAddress, AttributeHandle(0x0016), [0xF4, 0x01], indication: false, 2))
        #expect(s.log.filter { !$0.isLinkEvent }.map(\.name) == ["Temperature \"Indoor\"", "Temperature \"Outdoor\""])
        let jsonl = LogExport.jsonl(s.log)
        #expect(jsonl.contains(#""name":"Temperature \"Indoor\"""#) && jsonl.contains(#""name":"Temperature \"Outdoor\"""#))
        s.width = 120
        s.height = 40
        let lines = ExplorerView.render(s).lines
        #expect(lines.contains { $0.contains("Temperature \"Indoor\"") && $0.contains("21.50 °C") })
        #expect(lines.contains { $0.contains("Temperature \"Outdoor\"") && $0.contains("5.00 °C") })
        #expect(lines.contains { $0.contains(" N Thermo TH-1 ") && $0.contains("Temperature \"Outdoor\"") && $0.contains("5.00 °C  F4 01") }, "the log line")
        // A user name wins over the description.
        s.names.set("Room", for: temperature, as: .characteristic)
        send(&s, .notified(thermoAddress, AttributeHandle(0x0012), [0x66, 0x08], indication: false, 3))
        #expect(s.log.last?.name == "Room")
    }
}
