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
        let tmux = try Tmux.start(width: 120, height: 40, arguments: ["replay", Self.recording])
        defer { tmux.kill() }

        try await tmux.waitFor("REPLAY and the time in the status bar") { screen in
            screen.statusLine.contains("REPLAY") && screen.statusLine.contains(" / 5.956 s ×1 ")
        }
        try await tmux.waitFor("the recorded scan in the devices pane") { $0.lines.contains { $0.hasPrefix("│Pulse HRM") } }
        #expect(!tmux.capture().statusLine.contains("SIMULATED"))

        // Pause; the clock stands still.
        tmux.type(" ")
        let paused = try await tmux.waitFor("paused") { $0.statusLine.contains("paused") }
        try await Task.sleep(for: .milliseconds(400))
        #expect(tmux.capture().statusLine == paused.statusLine, "the clock moved while paused")

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
