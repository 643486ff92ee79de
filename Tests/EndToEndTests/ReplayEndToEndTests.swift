// `blex replay FILE` in a real terminal (tmux): the explorer on a recorded session, read-only, with its time
// controls. The recording is one of Tests/Recordings (blex watch on the demo heart-rate monitor).
import Foundation
import Testing

@Suite("blex replay end to end", .serialized)
struct ReplayEndToEndTests {
    static let recording = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Recordings/blex-watch.blexrec").path

    @Test("replay: REPLAY and the time, pause, step, speed, jump, next lost link, read-only, quit")
    func replayWithTimeControls() async throws {
        let tmux = try Tmux.start(width: 120, height: 40, command: ["replay", Self.recording])
        defer { tmux.kill() }

        // It plays from the start (under load it may already have played to the end: the jump makes it certain).
        try await tmux.waitFor("REPLAY in the status bar") { $0.statusLine.contains("REPLAY") }
        #expect(!tmux.capture().statusLine.contains("SIMULATED"))
        tmux.type(":0")
        tmux.press("Enter")
        let paused = try await tmux.waitFor("the jump to the start, paused") { $0.statusLine.contains("REPLAY  0.000 / 5.956 s ×1 paused") }
        try await Task.sleep(for: .milliseconds(400))
        #expect(tmux.capture().statusLine == paused.statusLine, "the clock moved while paused")

        // Play: the clock runs and the recorded scan fills the devices pane; pause again.
        tmux.type(" ")
        try await tmux.waitFor("the clock running") { $0.statusLine.contains("×1 ▶") && !$0.statusLine.contains("REPLAY  0.000 /") }
        try await tmux.waitFor("the recorded scan in the devices pane") { $0.lines.contains { $0.hasPrefix("│Pulse HRM") } }
        tmux.type(" ")
        try await tmux.waitFor("paused again") { $0.statusLine.contains("paused") || $0.statusLine.contains("end") }

        // Jump to 0.5 s, step one event, then faster.
        tmux.type(":0.5")
        try await tmux.waitFor("the jump prompt") { $0.statusLine.contains("jump to: 0.5_ s") }
        tmux.press("Enter")
        try await tmux.waitFor("the jump to 0.500 s") { $0.statusLine.contains("REPLAY  0.500 / 5.956 s") }
        tmux.type(".")
        try await tmux.waitFor("one step further") { !$0.statusLine.contains("REPLAY  0.500 /") && $0.statusLine.contains("paused") }
        tmux.type("++")
        try await tmux.waitFor("×5") { $0.statusLine.contains("×5 paused") }

        // Read-only: Enter in the scan list would connect live; here it says why not.
        tmux.press("Enter")
        try await tmux.waitFor("the read-only notice") { $0.text.contains("replay is read-only") }

        // n: the next lost link — the host closing its link at the end of blex watch, after three notifications.
        tmux.type("n")
        let end = try await tmux.waitFor("the disconnect, with the notifications before it") { screen in
            screen.heartRateNotifications.count == 3 && screen.text.contains("disconnected")
        }
        #expect(end.text.contains("subscribed: notifications on"), "\(end.report)")

        // Back to the start plays again from nothing.
        tmux.type(":0")
        tmux.press("Enter")
        try await tmux.waitFor("the start again") { screen in
            screen.statusLine.contains("REPLAY  0.000 / 5.956 s") && screen.heartRateNotifications.isEmpty
        }

        tmux.type("q")
        try await tmux.waitForExit()
    }
}

/// The recording tools as a user runs them: record with blex, read it back, clone, check the clone.
@Suite("recording tools end to end", .serialized)
struct RecordingToolsEndToEndTests {
    @Test("blex gatt --record, blex replay --json, blex clone, bled112-emulator --expect")
    func recordReplayCloneExpect() async throws {
        let blex = try BlexBinary.path()
        let emulator = URL(fileURLWithPath: blex).deletingLastPathComponent().appendingPathComponent("bled112-emulator").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blex-rec-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("thermo.blexrec").path
        let clone = folder.appendingPathComponent("thermo.json").path
        let thermo = "D0:5F:B8:22:33:02"

        let gatt = try await runProcess(blex, ["gatt", "--scenario", "demo", "--record", file, thermo], timeout: .seconds(40))
        #expect(gatt.status == 0, "blex gatt: \(gatt.stderr)")
        #expect(gatt.stdout.contains("Acme Sensors"))

        let json = try await runProcess(blex, ["replay", file, "--json"], timeout: .seconds(20))
        #expect(json.status == 0, "blex replay --json: \(json.stderr)")
        let lines = json.stdout.split(separator: "\n")
        let header = try #require(lines.first)
        #expect(header.contains(#""kind":"header""#) && header.contains(#""dongleAddress":"00:07:80:B1:E0:01""#)
                && header.contains(#""firmware":{"major":1,"minor":7"#) && header.contains(#""startedAtMs":"#), "\(header)")
        #expect(lines.dropFirst().first { $0.contains(#""dir":"host->dongle""#) }?.contains(#""name":"system_reset""#) == true,
                "the reset is the first command recorded")
        #expect(lines.contains { $0.contains(#""name":"attclient_group_found""#) })
        // Every line is one JSON object.
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)") }

        let cloned = try await runProcess(blex, ["clone", file, "--device", thermo, "-o", clone], timeout: .seconds(20))
        #expect(cloned.status == 0, "blex clone: \(cloned.stderr)")
        let scenario = try String(contentsOfFile: clone, encoding: .utf8)
        #expect(scenario.contains(#""standardServices" : false"#) && scenario.contains(#""text" : "Indoor""#))

        // The clone answers the recorded session as the demo thermometer did.
        let check = try await runProcess(emulator, ["--scenario", clone, "--expect", file], timeout: .seconds(30))
        #expect(check.stdout.contains("commands replayed"), "\(check.stdout)\(check.stderr)")
        let unrelated = check.stdout.split(separator: "\n").filter { $0.hasPrefix("never advertised") && !$0.contains(thermo) }
        #expect(check.stdout.contains("same:") || !unrelated.isEmpty, "only other devices' advertisements may differ:\n\(check.stdout)")
        #expect(!check.stdout.contains("first difference"), "\(check.stdout)")
    }
}
