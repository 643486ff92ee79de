import BGAPICore
import TUI

/// The explorer on a recording, read-only: the same state, `update` and views as live, fed by a timeline on
/// a replay clock with time controls. Pure: real time and keys in, the explorer's state out.
///
/// Keys (browsing): Space pause/play, `.` one event, `+`/`-` speed (×0.1 … ×100), `:` jump to a time
/// (seconds; Enter), `n` the next error or lost link, `q` quit; moving, panes, filters, the traffic pane and
/// help work as live; what would talk to a dongle (connect, read, write, notify, bond, …) says the replay is
/// read-only. Effects that `update` asks for are never run.
public struct ReplaySession: Sendable {
    /// What a key did.
    public enum Outcome: Sendable, Hashable {
        /// Handled (or ignored); draw again.
        case handled
        /// Leave the replay.
        case quit
    }

    /// The speeds `+` and `-` step through.
    public static let speeds: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]

    /// The whole timeline.
    public let events: [ReplayEvent]
    /// When the last event happened.
    public let duration: Duration
    /// Wall-clock time of the recording's beginning.
    public let start: Timestamp
    /// The explorer being fed.
    public private(set) var state: ExplorerState
    /// The next event to apply.
    public private(set) var position = 0
    /// Replay time: how far into the recording.
    public private(set) var time = Duration.zero
    /// Whether the clock stands still.
    public private(set) var paused = false
    /// Index into ``speeds``.
    public private(set) var speedIndex = 3
    /// Digits typed after `:`, while jumping.
    public private(set) var jumpText: String?
    private var initial: ExplorerState

    /// A replay of `events` into an explorer that starts as `initial` (size, port name, locale).
    public init(events: [ReplayEvent], initial: ExplorerState, start: Timestamp) {
        self.events = events
        self.start = start
        duration = events.last?.time ?? .zero
        var first = initial
        first.replay = ""
        first.now = start
        self.initial = first
        state = first
        refreshStatus()
    }

    /// The current speed factor.
    public var speed: Double { Self.speeds[speedIndex] }
    /// Whether everything has been played.
    public var isAtEnd: Bool { position >= events.count }

    /// Real time passed: the replay clock moves by `elapsed × speed` (unless paused) and the events it passes
    /// are applied; the explorer gets a tick at the new time.
    public mutating func advance(realElapsed elapsed: Duration) {
        guard !paused else { return }
        let target = min(duration, time + elapsed * speed)
        play(to: target)
        if position >= events.count { paused = true }
        refreshStatus()
    }

    /// Applies the next event alone and pauses there.
    public mutating func step() {
        paused = true
        guard position < events.count else { return }
        time = max(time, events[position].time)
        apply(events[position])
        position += 1
        tick()
        refreshStatus()
    }

    /// Jumps to `target` (clamped to the recording): forward by playing, backward by playing again from the start.
    public mutating func seek(to target: Duration) {
        let target = max(.zero, min(duration, target))
        if target < time {
            state = Self.keepingView(of: state, in: initial)
            position = 0
            time = .zero
        }
        play(to: target)
        refreshStatus()
    }

    /// Jumps to the next error or lost link after the current position, and pauses there.
    public mutating func nextMark() {
        guard let i = events[position...].firstIndex(where: { $0.mark != nil }) else {
            notify(&state, "no error or disconnect after \(Self.format(time)) s")
            return
        }
        paused = true
        while position <= i { apply(events[position]); position += 1 }
        time = max(time, events[i].time)
        tick()
        refreshStatus()
    }

    /// Handles a key: the replay's own, then the explorer's where they are safe to replay.
    public mutating func handle(_ key: Key) -> Outcome {
        defer { refreshStatus() }
        if let typed = jumpText { return typing(key, typed) }
        guard state.mode == .browse else {
            _ = update(&state, .key(key))
            return .handled
        }
        switch key {
        case .character(" "): paused.toggle(); if !paused, isAtEnd { seek(to: .zero) }
        case .character("."): step()
        case .character("+"): speedIndex = min(Self.speeds.count - 1, speedIndex + 1)
        case .character("-"): speedIndex = max(0, speedIndex - 1)
        case .character(":"): jumpText = ""
        case .character("n"): nextMark()
        case .character("q"), .control("c"): return .quit
        default:
            let action = Keymap.action(for: key, in: state.focus)
            if let action, Self.talksToTheDongle(action, focus: state.focus) {
                notify(&state, "replay is read-only: \(action.rawValue) needs a live dongle")
            } else {
                _ = update(&state, .key(key))   // effects are never run: nothing reaches a dongle
            }
        }
        return .handled
    }

    /// Resizes both the running explorer and the one a backward jump starts from.
    public mutating func resize(width: Int, height: Int) {
        initial.width = width
        initial.height = height
        _ = update(&state, .resize(width: width, height: height))
    }

    private mutating func typing(_ key: Key, _ typed: String) -> Outcome {
        switch key {
        case .enter:
            jumpText = nil
            if let seconds = Double(typed), seconds.isFinite {
                paused = true
                seek(to: .microseconds(Int64(max(0, min(1e12, seconds)) * 1e6)))
            }
        case .escape: jumpText = nil
        case .backspace: jumpText = String(typed.dropLast())
        case let .character(c) where (c.isASCII && c.isNumber) || (c == "." && !typed.contains(".")):
            jumpText = String(typed.prefix(15)) + String(c)
        default: break
        }
        return .handled
    }

    /// Actions that would send something to a dongle (or start a connect from the scan list).
    static func talksToTheDongle(_ action: Action, focus: Pane) -> Bool {
        switch action {
        case .read, .write, .notify, .indicate, .bond, .bonds, .disconnect, .rssi, .pause, .export, .clone, .fault: true
        case .activate: focus != .log
        default: false
        }
    }

    private mutating func play(to target: Duration) {
        while position < events.count, events[position].time <= target {
            apply(events[position])
            position += 1
        }
        time = target
        tick()
    }

    private mutating func apply(_ event: ReplayEvent) {
        // The explorer's clock is the recording's, to the event (live, ticks and events move it the same way).
        state.now = max(state.now, start + ReplayTimeline.seconds(event.time))
        _ = update(&state, event.message)
    }

    private mutating func tick() {
        _ = update(&state, .tick(start + ReplayTimeline.seconds(time)))
    }

    private mutating func refreshStatus() {
        let play = paused ? (isAtEnd ? "end" : "paused") : "▶"
        let speedText = speed < 1 ? String(speed) : String(Int(speed))
        var text = "\(Self.format(time)) / \(Self.format(duration)) s ×\(speedText) \(play)"
        if let jumpText { text += " · jump to: \(jumpText)_ s" }
        state.replay = text
    }

    /// A fresh explorer for playing again from the start, with the view settings the user has chosen.
    static func keepingView(of current: ExplorerState, in initial: ExplorerState) -> ExplorerState {
        var fresh = initial
        fresh.focus = current.focus
        fresh.showTraffic = current.showTraffic
        fresh.zoomed = current.zoomed
        fresh.filter = current.filter
        fresh.sort = current.sort
        fresh.hideStale = current.hideStale
        fresh.hideUnnamed = current.hideUnnamed
        fresh.rssiFloor = current.rssiFloor
        fresh.traffic.filter = current.traffic.filter
        return fresh
    }

    /// `12.345`.
    static func format(_ d: Duration) -> String {
        let ms = max(0, d.wholeNanoseconds / 1_000_000)
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
