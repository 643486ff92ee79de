// End-to-end tests: the real `blex` executable, on its built-in virtual BLED112 (`--scenario demo`), driven
// through a real terminal (a detached tmux session on a private socket) the way a user drives it.
//
// `blex` is found next to the test bundle (`swift build --build-tests` builds it there), or at $BLEX_BINARY.
// tmux is required: without it these tests fail (they never skip), saying how to install it.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("blex end to end", .serialized)
struct BlexEndToEndTests {
    /// The demo world's heart-rate monitor.
    static let pulse = "C4:7C:8D:6A:10:01"

    @Test("explore: filter, connect, notify, write, read, a rejected edit, quit")
    func exploreHeartRateMonitor() async throws {
        let tmux = try Tmux.start(width: 120, height: 40)
        defer { tmux.kill() }

        // The scan pane fills with the demo world.
        // Startup gets longer: the rest of the suite runs in parallel and competes for the CPU.
        try await tmux.waitFor("Pulse HRM in the scan pane", timeout: .seconds(30)) { screen in
            screen.lines.contains { $0.hasPrefix("│Pulse HRM") && $0.contains(Self.pulse) }
        }
        try await tmux.waitFor("the SIMULATED badge in the status bar") { $0.statusLine.contains("SIMULATED") }

        // Filter down to it; `g` makes sure the first (only) visible row is the selected one.
        tmux.type("/")
        try await tmux.waitFor("the filter prompt") { $0.text.contains("Name, address, maker or service contains:") }
        tmux.type("Pulse")
        tmux.press("Enter")
        try await tmux.waitFor("the filtered list") { $0.text.contains("Devices 1/") && $0.text.contains("· /Pulse") }
        tmux.type("g")
        try await tmux.waitFor("Pulse HRM's advertisement in the details pane") {
            $0.text.contains("Advertisement · Pulse HRM")
        }

        // Connect: the GATT tree appears with Heart Rate open.
        tmux.press("Enter")
        try await tmux.waitFor("the GATT tree of Pulse HRM") { screen in
            screen.text.contains("GATT · Pulse HRM ─") && screen.text.contains("Heart Rate Measurement")
                && screen.text.contains("Heart Rate Control Point") && screen.statusLine.contains("1 connected")
        }

        // Into the tree; subscribe to Heart Rate Measurement (tree rows: Generic Access, Generic Attribute,
        // Heart Rate, Heart Rate Measurement, Body Sensor Location, Heart Rate Control Point, Battery Service…).
        tmux.press("Tab")
        try await tmux.select(row: 3, named: "Heart Rate Measurement")
        tmux.type("n")
        try await tmux.waitFor("Heart Rate Measurement marked [N]") { $0.text.contains("Heart Rate Measurement [N]") }
        let notified = try await tmux.waitFor("two heart-rate notifications in the log") { screen in
            screen.heartRateNotifications.count >= 2
        }
        for line in notified.heartRateNotifications.prefix(2) {
            #expect(line.contains("Heart Rate Measurement"), "log line: \(line)")
            #expect(line.range(of: #" \d{2,3} bpm "#, options: .regularExpression) != nil, "log line: \(line)")
        }

        // Write 01 to the Heart Rate Control Point through the editor.
        try await tmux.select(row: 5, named: "Heart Rate Control Point")
        tmux.type("w")
        try await tmux.waitFor("the write editor") { $0.text.contains("Write Heart Rate Control Point 0x0011") }
        tmux.type("01")
        try await tmux.waitFor("the editor to parse 01") { $0.text.contains("u8: 1") && $0.text.contains("│ 1 byte ") }
        tmux.press("Enter")
        // The notice ("wrote 1 byte to 0x0011") lives for 0–10 s depending on where the tick counter is, so a
        // poll can miss it; the W line in the log stays.
        let wrote = try await tmux.waitFor("the write to be confirmed") { screen in
            screen.text.contains("wrote 1 byte") || !screen.writeLines.isEmpty
        }
        let afterWrite = try await tmux.waitFor("the W line in the log") { !$0.writeLines.isEmpty }
        #expect(afterWrite.writeLines.count == 1, "one write logged:\n\(afterWrite.report)")
        #expect(afterWrite.writeLines.first?.hasSuffix(" 01") == true, "the W line ends with the byte:\n\(afterWrite.report)")
        let editorClosed = !wrote.text.contains("Write Heart Rate Control Point")
        #expect(editorClosed, "the editor closes after the write:\n\(wrote.report)")

        // Read Body Sensor Location back: 01 decodes as "Chest".
        try await tmux.select(row: 4, named: "Body Sensor Location")
        tmux.type("r")
        let read = try await tmux.waitFor("Body Sensor Location read as Chest") { screen in
            screen.lines.contains { $0.contains("││  Chest ") }
                && screen.lines.contains { $0.contains(" R Pulse HRM ") && $0.contains("Body Sensor Location") && $0.contains("Chest  01") }
        }
        let header = read.text.contains("Body Sensor Location · 1 byte ")
        #expect(header, "the value's header under the tree:\n\(read.report)")

        // A value that is not hex: the editor says why and Enter sends nothing.
        try await tmux.select(row: 5, named: "Heart Rate Control Point")
        tmux.type("w")
        try await tmux.waitFor("the write editor, again") { $0.text.contains("Write Heart Rate Control Point 0x0011") }
        tmux.type("zz")
        try await tmux.waitFor("the hex error") { screen in
            screen.text.contains("'z' is not a hex digit") && screen.text.contains("nothing will be sent")
        }
        tmux.press("Enter")
        try await Task.sleep(for: .milliseconds(700))
        let rejected = try await tmux.waitFor("the editor to stay open with the error") { screen in
            screen.text.contains("Write Heart Rate Control Point") && screen.text.contains("'z' is not a hex digit")
        }
        // No W line but the first write's (which notifications may since have scrolled out of the pane: on a
        // loaded machine, under a sanitizer, they did).
        let firstWrite = afterWrite.writeLines
        #expect(rejected.writeLines.allSatisfy(firstWrite.contains), "Enter on 'zz' must not write:\n\(rejected.report)")
        tmux.press("Escape")
        let cancelled = try await tmux.waitFor("the editor to close on Esc") { !$0.text.contains("Write Heart Rate Control Point") }
        #expect(cancelled.writeLines.allSatisfy(firstWrite.contains), "Esc must not write:\n\(cancelled.report)")

        // Quit with a connection open: asked first, then gone.
        tmux.type("q")
        try await tmux.waitFor("the quit question") { $0.text.contains("Quit?") && $0.text.contains("1 connection(s) open") }
        tmux.type("y")
        try await tmux.waitForExit()
    }

    @Test("chart: the demo heart rate as a live chart; names from a uuid_definitions.json file, renamed in place")
    func chartAndNames() async throws {
        // An nRF Connect for Desktop names file, in a folder of its own.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = folder.appendingPathComponent("uuid_definitions.json")
        try #"""
            {
              "_comment": { "comment": ["blex end-to-end test"] },
              "uuid16bitServiceDefinitions": { "180D": { "name": "HR service" } },
              "uuid16bitCharacteristicDefinitions": { "2A37": { "name": "Pulse rate" } },
              "uuid16bitDescriptorDefinitions": {},
              "uuid128bitServiceDefinitions": {},
              "uuid128bitCharacteristicDefinitions": {},
              "uuid128bitDescriptorDefinitions": {}
            }
            """#.write(to: names, atomically: true, encoding: .utf8)

        let tmux = try Tmux.start(width: 120, height: 40, arguments: ["--names", names.path])
        defer { tmux.kill() }
        try await tmux.waitFor("Pulse HRM in the scan pane", timeout: .seconds(30)) { screen in
            screen.lines.contains { $0.hasPrefix("│Pulse HRM") && $0.contains(Self.pulse) }
        }
        tmux.type("/")
        try await tmux.waitFor("the filter prompt") { $0.text.contains("Name, address, maker or service contains:") }
        tmux.type("Pulse")
        tmux.press("Enter")
        try await tmux.waitFor("the filtered list") { $0.text.contains("Devices 1/") }
        tmux.type("g")
        try await tmux.waitFor("Pulse HRM's advertisement") { $0.text.contains("Advertisement · Pulse HRM") }
        tmux.press("Enter")
        // The tree uses the file's names.
        try await tmux.waitFor("the GATT tree with the user's names") { screen in
            screen.text.contains("GATT · Pulse HRM ─") && screen.text.contains("HR service")
                && screen.text.contains("Pulse rate") && !screen.text.contains("Heart Rate Measurement")
        }
        tmux.press("Tab")
        try await tmux.select(row: 3, named: "Pulse rate")
        tmux.type("n")
        try await tmux.waitFor("Pulse rate marked [N]") { $0.text.contains("Pulse rate [N]") }
        // The log names it too.
        try await tmux.waitFor("a notification logged as Pulse rate") { screen in
            screen.lines.contains { $0.contains(" N Pulse HRM ") && $0.contains("Pulse rate") && $0.contains(" bpm ") }
        }

        // The chart: a braille line, the statistics beside it, the RSSI below.
        tmux.type("v")
        let chart = try await tmux.waitFor("a chart of three or more heart rates", timeout: .seconds(20)) { screen in
            screen.text.contains("Chart · Pulse HRM · Pulse rate · last 5m")
                && screen.lines.contains { $0.range(of: #"  [3-9] values|\d{2,} values"#, options: .regularExpression) != nil }
        }
        let braille = chart.text.unicodeScalars.filter { (0x2801 ... 0x28FF).contains($0.value) }.count
        #expect(braille >= 3, "the line is drawn in braille:\n\(chart.report)")
        #expect(chart.text.range(of: #"last \d{2,3} bpm"#, options: .regularExpression) != nil, "the last value:\n\(chart.report)")
        #expect(chart.text.contains("rate     ") && chart.text.contains("jitter   "), "notification statistics:\n\(chart.report)")
        #expect(chart.text.contains("RSSI · now -"), "the RSSI chart:\n\(chart.report)")
        #expect(chart.text.contains("-5m") && chart.text.contains("now"), "the time axis:\n\(chart.report)")
        // Pause freezes it; z zooms to a minute.
        tmux.type("p")
        try await tmux.waitFor("the chart paused") { $0.text.contains("· PAUSED") }
        tmux.type("pz")
        try await tmux.waitFor("the one-minute window") { $0.text.contains("· last 1m") && !$0.text.contains("PAUSED") }
        tmux.press("Escape")
        try await tmux.waitFor("the chart closed") { !$0.text.contains("Chart · Pulse HRM") }

        // Rename it in place: the tree changes and the file is rewritten, in nRF Connect's format.
        tmux.type("N")
        try await tmux.waitFor("the naming prompt") { $0.text.contains("Name characteristic 2A37") }
        tmux.type("\u{15}Heart")  // ^U clears "Pulse rate"
        tmux.press("Enter")
        try await tmux.waitFor("the new name in the tree") { $0.text.contains("Heart [N]") }
        let deadline = ContinuousClock.now + .seconds(5)
        var saved = ""
        while ContinuousClock.now < deadline {
            saved = (try? String(contentsOf: names, encoding: .utf8)) ?? ""
            if saved.contains("\"Heart\"") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(saved.contains("\"2A37\": {\n      \"name\": \"Heart\"\n    }"), "the names file:\n\(saved)")
        #expect(saved.contains("\"HR service\"") && saved.contains("\"_comment\""), "the rest of the file is kept:\n\(saved)")

        tmux.type("q")
        try await tmux.waitFor("the quit question") { $0.text.contains("Quit?") }
        tmux.type("y")
        try await tmux.waitForExit()
    }

    /// One notifying battery whose link the world drops every 12 s (supervision timeout).
    static let droppingWorld = """
        {"name": "dropping", "peripherals": [{"id": "blink", "address": "C0:FF:EE:00:00:01",
          "advertising": {"flags": 6, "name": "Blinker"},
          "services": [{"uuid": "180F", "characteristics": [{"uuid": "2A19", "properties": ["read", "notify"],
            "value": "50", "notifyIntervalMs": 400}]}]}],
         "faults": [\((1 ... 12).map { #"{"at": \#($0 * 12), "kind": "disconnect", "peripheral": "blink"}"# }.joined(separator: ", "))]}
        """

    @Test("traffic: filters and search; a dropped link keeps its tree and Enter reconnects and re-subscribes")
    func trafficAndReconnect() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-dropping-\(UUID().uuidString).json")
        try Self.droppingWorld.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tmux = try Tmux.start(width: 120, height: 40, scenario: file.path)
        defer { tmux.kill() }

        try await tmux.waitFor("Blinker in the scan pane", timeout: .seconds(30)) { $0.lines.contains { $0.hasPrefix("│Blinker") } }
        // The cursor starts on row 1: Enter connects Blinker.
        tmux.press("Enter")
        try await tmux.waitFor("Blinker's tree") { $0.text.contains("GATT · Blinker ─") && $0.text.contains("Battery Level") }
        tmux.press("Tab")
        // Generic Access, Generic Attribute, Battery Service, Battery Level.
        try await tmux.select(row: 3, named: "Battery Level")
        tmux.type("n")
        try await tmux.waitFor("Battery Level marked [N]") { $0.text.contains("Battery Level [N]") }

        // The traffic pane, recorded from start-up: hide the scan responses, then one connection, then a search.
        tmux.press("Tab")
        tmux.type("tS")
        let traffic = try await tmux.waitFor("the traffic without scan responses") { screen in
            screen.text.contains("BGAPI traffic") && screen.text.contains("no scan rsp")
                && screen.text.contains("attclient_attribute_value")
        }
        #expect(!traffic.text.contains("gap_scan_response"), "scan responses hidden:\n\(traffic.report)")
        #expect(traffic.text.range(of: #"\d\d:\d\d:\d\d\.\d{3} [←→] "#, options: .regularExpression) != nil,
                "ms timestamps:\n\(traffic.report)")
        tmux.type("o")
        try await tmux.waitFor("one connection") { $0.text.contains("no scan rsp · conn 0") }
        tmux.type("/")
        tmux.type("get_rssi")
        tmux.press("Enter")
        let searched = try await tmux.waitFor("the search") { screen in
            // The search filters as it is typed: wait for Enter to have closed its dialog too.
            screen.text.contains("/get_rssi") && screen.text.contains("connection_get_rssi") && !screen.text.contains("Search traffic")
        }
        #expect(!searched.text.contains("attclient_attribute_value"), "only matches:\n\(searched.report)")
        tmux.type("t")

        // The world drops the link: the tree stays, greyed, with the reason; Enter reconnects and re-subscribes.
        let dropped = try await tmux.waitFor("the dropped link", timeout: .seconds(20)) { $0.text.contains("GATT · Blinker · link down") }
        #expect(dropped.text.contains("Battery Level"), "the tree is kept:\n\(dropped.report)")
        #expect(dropped.text.contains("disconnected: "), "the log records the disconnect:\n\(dropped.report)")
        tmux.press("Escape")
        tmux.press("Enter")
        let back = try await tmux.waitFor("the link back, re-subscribed") { screen in
            screen.text.contains("GATT · Blinker ─") && screen.text.contains("Battery Level [N]")
                && screen.statusLine.contains("1 connected")
        }
        #expect(back.text.contains("subscribed: notifications on"), "the log records the subscription:\n\(back.report)")
        tmux.type("q")
        try await tmux.waitFor("the quit question") { $0.text.contains("Quit?") }
        tmux.type("y")
        try await tmux.waitForExit()
    }

    @Test("a connect that cannot complete is cancelled at once with d, and the scan goes on")
    func cancelPendingConnect() async throws {
        let world = """
            {"name": "leaving", "peripherals": [
              {"id": "gone", "address": "C0:FF:EE:00:00:02", "advertising": {"flags": 6, "name": "Leaver"}, "leavesAt": 2},
              {"id": "stay", "address": "C0:FF:EE:00:00:03", "advertising": {"flags": 6, "name": "Stayer"}}]}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-leaving-\(UUID().uuidString).json")
        try world.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tmux = try Tmux.start(width: 120, height: 30, scenario: file.path)
        defer { tmux.kill() }
        try await tmux.waitFor("Leaver in the scan pane", timeout: .seconds(30)) { $0.lines.contains { $0.hasPrefix("│Leaver") } }
        // Leaver goes silent at 2 s: a connect to it then never completes.
        try await Task.sleep(for: .seconds(3))
        tmux.type("/")
        tmux.type("Leaver")
        tmux.press("Enter")
        tmux.press("Enter")
        try await tmux.waitFor("the pending connect") { $0.text.contains("GATT · Leaver · connecting") }
        let asked = ContinuousClock.now
        tmux.type("d")
        let cancelled = try await tmux.waitFor("the connect given up", timeout: .seconds(3)) { $0.text.contains("Advertisement · Leaver") }
        #expect(ContinuousClock.now - asked < .seconds(3), "at once, not after the 10 s timeout")
        #expect(cancelled.statusLine.contains("0 connected"), "\(cancelled.report)")
        // The library gives up at once too (cancelConnect): the scan goes on, and no late error follows.
        tmux.type("/")
        tmux.type("Stayer")
        tmux.press("Enter")
        func packets(_ screen: Screen) -> Int? {
            guard let line = screen.lines.first(where: { $0.contains("C0:FF:EE:00:00:03 · public") }),
                  let range = line.range(of: #"\d+ packets"#, options: .regularExpression) else { return nil }
            return Int(line[range].split(separator: " ")[0])
        }
        let before = try await tmux.waitFor("Stayer's advertisement") { packets($0) != nil }
        try await Task.sleep(for: .seconds(1.5))
        let after = tmux.capture()
        #expect(!after.statusLine.contains("failed") && !after.text.contains("timeout"), "no late error:\n\(after.report)")
        #expect((packets(after) ?? 0) > (packets(before) ?? .max), "still scanning after the cancel:\n\(after.report)")
        tmux.type("q")
        try await tmux.waitForExit()
    }

    @Test("a 20×6 terminal renders and quits")
    func tinyTerminal() async throws {
        let tmux = try Tmux.start(width: 20, height: 6)
        defer { tmux.kill() }
        try await tmux.waitFor("the status line", timeout: .seconds(30)) { $0.statusLine.contains("blex") }
        try await tmux.waitFor("a device row") { $0.text.contains("Devices") && $0.lines.contains { $0.contains("-") && $0.hasSuffix("│") } }
        // Keep it running through a few ticks and adverts: it must still be alive and drawing.
        try await Task.sleep(for: .seconds(1.5))
        let screen = try await tmux.waitFor("the status line, still") { $0.statusLine.contains("blex") }
        #expect(screen.lines.count == 6, "six rows:\n\(screen.report)")
        #expect(screen.lines.allSatisfy { $0.count <= 20 }, "nothing wider than 20 columns:\n\(screen.report)")
        tmux.type("q")
        try await tmux.waitForExit()
    }

    @Test("scan --json and read print what scripts need")
    func scriptCommands() async throws {
        let blex = try BlexBinary.path()

        let scan = try await runProcess(blex, ["scan", "--scenario", "demo", "--timeout", "2", "--json"], timeout: .seconds(30))
        #expect(scan.status == 0, "blex scan exit status, stderr: \(scan.stderr)")
        let objects = scan.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(objects.count == scan.stdout.split(separator: "\n").count, "every line is a JSON object:\n\(scan.stdout)")
        let pulse = objects.first { $0["name"] as? String == "Pulse HRM" }
        #expect(pulse != nil, "Pulse HRM in the scan:\n\(scan.stdout)")
        #expect(pulse?["address"] as? String == Self.pulse)
        #expect(pulse?["connectable"] as? Bool == true)

        let read = try await runProcess(blex, ["read", "--scenario", "demo", Self.pulse, "2A38"], timeout: .seconds(40))
        #expect(read.status == 0, "blex read exit status, stderr: \(read.stderr)")
        let output = read.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(output.hasPrefix("01"), "blex read prints the bytes first: \(output)")
        #expect(output.contains("Chest"), "and the decoded value: \(output)")

        // A names file names the characteristic in --json, and the name picks it.
        let names = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-names-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: names) }
        try #"{"uuid16bitCharacteristicDefinitions": {"2A38": {"name": "Strap spot"}}}"#.write(to: names, atomically: true, encoding: .utf8)
        let named = try await runProcess(blex, ["read", "--scenario", "demo", "--names", names.path, Self.pulse, "strap spot", "--json"],
                                         timeout: .seconds(40))
        #expect(named.status == 0, "blex read by name, stderr: \(named.stderr)")
        let object = (try? JSONSerialization.jsonObject(with: Data(named.stdout.utf8))) as? [String: Any]
        #expect(object?["name"] as? String == "Strap spot", "the user's name: \(named.stdout)")
        #expect(object?["decoded"] as? String == "Chest", "the value: \(named.stdout)")
        // Issue 9: scan --json carries beacons and one timestamp format; distinct exit codes; gatt --json.
        let beacon = objects.first { ($0["beacon"] as? [String: Any])?["type"] as? String == "iBeacon" }
        #expect((beacon?["beacon"] as? [String: Any])?["major"] is Int, "the iBeacon decoded:\n\(scan.stdout)")
        #expect((pulse?["time"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
        let refused = try await runProcess(blex, ["read", "--scenario", "demo", "D6:1E:0B:EA:C0:06", "2A19"], timeout: .seconds(30))
        #expect(refused.status == 4 && refused.stderr.contains("only broadcasts"), "a beacon is refused: \(refused.stderr)")
        let missing = try await runProcess(blex, ["read", "--scenario", "demo", "11:22:33:44:55:66", "2A19"], timeout: .seconds(30))
        #expect(missing.status == 3, "a device not heard: \(missing.stderr)")
        let denied = try await runProcess(blex, ["read", "--scenario", "demo", Self.pulse, "2A39"], timeout: .seconds(30))
        #expect(denied.status == 5 && denied.stderr.contains("read_not_permitted"), "an ATT error: \(denied.stderr)")
        let usage = try await runProcess(blex, ["write", "--scenario", "demo", Self.pulse, "2A39", "zz"], timeout: .seconds(30))
        #expect(usage.status == 64, "bad hex is a usage error: \(usage.stderr)")
        let noFile = try await runProcess(blex, ["scan", "--scenario", "/nonexistent/world.json"], timeout: .seconds(30))
        #expect(noFile.status == 2 && noFile.stderr.split(separator: "\n").count == 1 && noFile.stderr.contains("no scenario file"),
                "one line: \(noFile.stderr)")
        // gatt --json, with the names file's name for 2A38 beside the SIG's service names.
        let gatt = try await runProcess(blex, ["gatt", "--scenario", "demo", "--names", names.path, Self.pulse, "--json"],
                                        timeout: .seconds(40))
        #expect(gatt.status == 0, "gatt: \(gatt.stderr)")
        let table = try #require(try JSONSerialization.jsonObject(with: Data(gatt.stdout.utf8)) as? [String: Any])
        let serviceNames = (table["services"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(serviceNames.contains("Heart Rate") && serviceNames.contains("Battery Service"), "\(gatt.stdout)")
        #expect(gatt.stdout.contains("\"decoded\":\"Chest\""), "values read and decoded")
        #expect(gatt.stdout.contains("\"uuid\":\"2A38\",\"name\":\"Strap spot\""), "the user's name: \(gatt.stdout)")
        // A names file that does not parse stops blex with the reason, as a usage error.
        try #"{"uuid16bitServiceDefinitions": {"18": {"name": "x"}}}"#.write(to: names, atomically: true, encoding: .utf8)
        let bad = try await runProcess(blex, ["read", "--scenario", "demo", "--names", names.path, Self.pulse, "2A38"])
        #expect(bad.status == 64 && bad.stderr.contains("\"18\" is not a 16-bit UUID in hex"), "stderr: \(bad.stderr)")
    }
}

// MARK: - The binary

enum BlexBinary {
    /// `$BLEX_BINARY`, else an executable `blex` in the test bundle's folder or up to four folders above it.
    static func path() throws -> String {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["BLEX_BINARY"], !env.isEmpty {
            try #require(fm.isExecutableFile(atPath: env), "BLEX_BINARY=\(env) is not an executable file")
            return env
        }
        var starts: [URL] = []
        if let argument = CommandLine.arguments.first {
            let cwd = URL(fileURLWithPath: fm.currentDirectoryPath, isDirectory: true)
            starts.append(URL(fileURLWithPath: argument, relativeTo: cwd).standardizedFileURL.deletingLastPathComponent())
        }
        #if os(macOS)
        // Xcode and macOS run the bundle through `xctest`: look next to the loaded .xctest bundles too.
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            starts.append(bundle.bundleURL.deletingLastPathComponent())
        }
        #endif
        var searched: [String] = []
        var found: String?
        search: for start in starts {
            var folder = start
            for _ in 0 ... 4 {
                let candidate = folder.appendingPathComponent("blex")
                searched.append(candidate.path)
                var isFolder: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    found = candidate.path
                    break search
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return try #require(found, """
            no blex executable found; build it first (`swift build --build-tests`, as Tests/run-all.sh does) \
            or set BLEX_BINARY. Looked at:
            \(searched.joined(separator: "\n"))
            """)
    }
}

// MARK: - Processes
//
// Not Foundation's Process: on Linux it learns that a child exited when a socket the child inherits closes, and
// the tmux server that `tmux new-session` forks keeps that socket open, so waiting on the client would hang.
// posix_spawn with every other descriptor closed in the child, and waitpid, have no such catch.

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` to completion (killed after `timeout`), its output through temporary files.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                timeout: Duration = .seconds(10)) async throws -> ProcessResult {
    let child = try ChildProcess(executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment)
    defer { child.cleanUp() }
    let deadline = ContinuousClock.now + timeout
    while child.poll() == nil, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
    }
    if child.poll() == nil {
        kill(child.pid, SIGKILL)
        let output = child.output()
        _ = child.wait()
        try #require(Bool(false), "\(executable) \(arguments.joined(separator: " ")) still running after \(timeout); output:\n\(output.stdout)\n\(output.stderr)")
    }
    let output = child.output()
    return ProcessResult(status: child.poll() ?? -1, stdout: output.stdout, stderr: output.stderr)
}

/// Runs a short command (tmux's client commands return at once) and waits for it.
@discardableResult
func runQuick(_ executable: String, _ arguments: [String], environment: [String: String]) -> ProcessResult {
    do {
        let child = try ChildProcess(executable, arguments, environment: environment)
        defer { child.cleanUp() }
        let status = child.wait()
        let output = child.output()
        return ProcessResult(status: status, stdout: output.stdout, stderr: output.stderr)
    } catch {
        return ProcessResult(status: -1, stdout: "", stderr: "\(error)")
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// A child process with standard input from /dev/null and its output in two temporary files.
final class ChildProcess {
    let pid: pid_t
    private let outPath: String
    private let errPath: String
    private var status: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-\(UUID().uuidString)").path
        outPath = base + ".out"
        errPath = base + ".err"
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #if os(Linux)
        // glibc 2.34+ has it, but Swift's Glibc module does not export it.
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        #else
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner's threads block signals (and may ignore some); tmux and blex need them all, as from a shell.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        #if !os(Linux)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "cannot run \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// The exit status (128+signal when killed), or nil while it runs.
    func poll() -> Int32? {
        if status == nil { reap(WNOHANG) }
        return status
    }

    /// Waits for the child and returns its exit status.
    func wait() -> Int32 {
        while status == nil { reap(0) }
        return status!
    }

    private func reap(_ options: Int32) {
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, options)
        if r == pid {
            status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        } else if r == -1, errno != EINTR {
            status = -1
        }
    }

    func output() -> (stdout: String, stderr: String) {
        func read(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return (read(outPath), read(errPath))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
}

// MARK: - The terminal

/// One captured screen.
struct Screen {
    var text: String
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty() }
    /// The screen for a failure message, box-drawing lines in ASCII: swift test (6.3, without --verbose)
    /// silently drops an issue whose comment holds a few thousand bytes of them.
    var report: String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { u -> Unicode.Scalar in
            switch u.value {
            case 0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D, 0x2550: "-"
            case 0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F, 0x2551: "|"
            case 0x2500 ... 0x257F: "+"
            default: u
            }
        }))
    }
    /// The bottom row.
    var statusLine: String { lines.last ?? "" }
    /// Notification-log lines of heart-rate notifications.
    var heartRateNotifications: [String] {
        lines.filter { $0.contains(" N Pulse HRM ") && $0.contains(" bpm ") }
    }
    /// Notification-log lines of writes to Pulse HRM.
    var writeLines: [String] {
        lines.filter { $0.contains(" W Pulse HRM ") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }
    }
}

extension Array where Element == String {
    /// Drops the trailing empty line capture-pane's final newline leaves.
    func dropLastEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}

/// blex in a detached tmux session on a private server; every wait polls the screen.
struct Tmux {
    let executable: String
    let socket: String
    let environment: [String: String]
    /// Holds the server's configuration and the file blex's exit status lands in.
    let folder: URL
    static let session = "blex"

    /// Starts blex at `width`×`height`; fails the test (saying how to install tmux) when tmux is missing.
    static func start(width: Int, height: Int, scenario: String = "demo", arguments: [String] = []) throws -> Tmux {
        try start(width: width, height: height, command: ["--scenario", scenario] + arguments)
    }

    /// Starts `blex COMMAND…` at `width`×`height` with nothing added (`replay FILE`, …).
    static func start(width: Int, height: Int, command arguments: [String]) throws -> Tmux {
        let executable = try #require(findInPath("tmux"), """
            tmux is not installed: the end-to-end tests drive blex through it. Install it \
            (`sudo apt-get install -y tmux` on Debian/Ubuntu, `brew install tmux` on macOS) and run again.
            """)
        let blex = try BlexBinary.path()
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["TMUX_PANE"] = nil
        environment["TERM"] = "xterm-256color"
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = nil
        environment["LC_CTYPE"] = nil
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blex-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A private configuration: no user settings; a dead pane stays, so its last screen can still be read.
        let config = folder.appendingPathComponent("tmux.conf")
        try "set -g remain-on-exit on\n".write(to: config, atomically: true, encoding: .utf8)
        let tmux = Tmux(executable: executable, socket: "blex-e2e-\(UUID().uuidString)", environment: environment, folder: folder)
        // A shell waits for blex and writes its exit status (tmux's #{pane_dead_status} is not reliable).
        let wrapper = #"status="$1"; shift; "$@"; echo $? > "$status.tmp" && mv "$status.tmp" "$status""#
        let started = tmux.run(["-f", config.path, "new-session", "-d", "-s", session, "-x", String(width), "-y", String(height),
                                "/bin/sh", "-c", wrapper, "sh", tmux.statusFile.path,
                                "env", "TERM=xterm-256color", "LANG=C.UTF-8", "XDG_CONFIG_HOME=\(folder.path)", blex] + arguments)
        if started.status != 0 {
            tmux.kill()
            try #require(started.status == 0, "tmux new-session failed (\(started.status)): \(started.stderr)")
        }
        tmux.killWhenTheTestsDie()
        return tmux
    }

    /// A watchdog that takes the tmux server (and blex with it) down once this test process is gone, even
    /// when it crashed before `kill()`: a headless blex left behind once spun for an hour on a CI machine.
    func killWhenTheTestsDie() {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        let pid = ProcessInfo.processInfo.processIdentifier
        watchdog.arguments = ["-c", #"while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" -L "$3" kill-server 2>/dev/null"#,
                              "watchdog", String(pid), executable, socket]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try? watchdog.run()
    }

    static func findInPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    var statusFile: URL { folder.appendingPathComponent("exit-status") }

    @discardableResult
    func run(_ arguments: [String]) -> ProcessResult {
        runQuick(executable, ["-L", socket] + arguments, environment: environment)
    }

    /// Sends text as typed, character by character (no key-name lookup).
    func type(_ text: String) { run(["send-keys", "-t", Self.session, "-l", "--", text]) }

    /// Sends one named key (`Enter`, `Tab`, `Escape`).
    func press(_ key: String) { run(["send-keys", "-t", Self.session, key]) }

    func capture() -> Screen { Screen(text: run(["capture-pane", "-p", "-t", Self.session]).stdout) }

    /// blex's exit status once it has exited.
    func exitStatus() -> Int32? {
        guard let data = FileManager.default.contents(atPath: statusFile.path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Whether the tmux session still exists.
    func sessionExists() -> Bool { run(["has-session", "-t", Self.session]).status == 0 }

    /// Polls the screen every 100 ms until `condition` holds; fails with the last screen after `timeout`
    /// or as soon as blex has exited.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (Screen) -> Bool) async throws -> Screen {
        let deadline = ContinuousClock.now + timeout
        var screen = capture()
        while !condition(screen) {
            let status = exitStatus()
            try #require(status == nil, "blex exited (status \(status ?? 0)) while waiting for \(what); last screen:\n\(screen.report)",
                         sourceLocation: sourceLocation)
            try #require(sessionExists(), "the tmux session vanished while waiting for \(what); last screen:\n\(screen.report)",
                         sourceLocation: sourceLocation)
            try #require(ContinuousClock.now < deadline, "timed out after \(timeout) waiting for \(what); last screen:\n\(screen.report)",
                         sourceLocation: sourceLocation)
            try await Task.sleep(for: .milliseconds(100))
            screen = capture()
        }
        return screen
    }

    /// Selects tree row `row` (0-based, from the top) and waits until the value line under the tree names it.
    func select(row: Int, named name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        type("g" + String(repeating: "j", count: row))
        try await waitFor("\(name) to be selected in the tree", sourceLocation: sourceLocation) { screen in
            screen.lines.contains { $0.contains("││\(name) ") }
        }
    }

    /// Waits (5 s) for blex to exit with status 0.
    func waitForExit(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        var last = capture()
        while true {
            if let status = exitStatus() {
                try #require(status == 0, "blex exited with status \(status); screen:\n\(capture().report)", sourceLocation: sourceLocation)
                return
            }
            try #require(sessionExists(), "the tmux session vanished before blex's exit status was written; last screen:\n\(last.report)",
                         sourceLocation: sourceLocation)
            try #require(ContinuousClock.now < deadline, "blex still running 5 s after quitting; last screen:\n\(last.report)",
                         sourceLocation: sourceLocation)
            try await Task.sleep(for: .milliseconds(100))
            last = capture()
        }
    }

    /// Ends the private server and whatever runs in it.
    func kill() {
        let socketPath = run(["display-message", "-p", "#{socket_path}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        run(["kill-server"])
        if socketPath.hasSuffix("/" + socket) { try? FileManager.default.removeItem(atPath: socketPath) }
        try? FileManager.default.removeItem(at: folder)
    }
}
