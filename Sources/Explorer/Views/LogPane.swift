import BGAPICore
import BluetoothNumbers
import TUI

/// The log pane: reads, writes, notifications and link events, one line each.
extension ExplorerView {
    static func drawLog(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let focused = state.focus == .log
        if state.showTraffic { drawTraffic(state, rect, glyphs, &screen); return }
        let events = state.log.lazy.filter(\.isLinkEvent).count
        var title = "Notifications \(state.log.count - events)" + (events > 0 ? " + \(events) event\(events == 1 ? "" : "s")" : "")
        // The characteristic's name gets what room the pane has, so the value still shows when narrow.
        let nameWidth = min(28, max(12, rect.width - 38))
        if state.logPaused || state.logScroll > 0 { title += state.logPaused ? " · PAUSED" : " · scrolled" }
        let inner = Box(title: title, isFocused: focused, glyphs: glyphs).render(into: &screen, in: rect)
        let follows = state.logScroll == 0 && !state.logPaused
        let offset = max(0, state.log.count - inner.height - state.logScroll)
        // Only the rows on screen are built (the log holds up to `logCapacity` entries; a frame formats a screenful).
        let range = LogView.visibleRange(count: state.log.count, height: inner.height, offset: offset, follows: follows)
        var lines = range.map { logLine(state.log[$0], state, nameWidth: nameWidth) }
        // The entry Enter opens: the bottom row shown, marked while the pane has the focus.
        if focused, !lines.isEmpty { lines[lines.count - 1].style = Style(reverse: true) }
        LogView(lines: lines, glyphs: glyphs).render(into: &screen, in: inner)
        if state.log.isEmpty, inner.height > 0 {
            let hint = "subscribe with n (notify) or i (indicate) on a characteristic"
            screen.put(hint, x: inner.x + 1, y: inner.y, style: dim, limit: inner.width - 1)
        }
    }

    static func logLine(_ e: LogEntry, _ state: ExplorerState, nameWidth: Int) -> Span {
        let who = state.devices[e.address].map(displayName) ?? e.address.description
        let what = e.name ?? e.uuid.map { uuidName($0) ?? $0.description } ?? "\(e.handle)"
        let kind = switch e.kind {
        case .notification: "N"
        case .indication: "I"
        case .read: "R"
        case .write: "W"
        case .writeWithoutResponse: "Wn"
        case .connected, .disconnected, .bonded: "*"
        case .subscribed, .unsubscribed: "S"
        case .failed: "!"
        }
        let stamp = "\(clockTime(e.time, utcOffset: state.utcOffset)) \(kind) \(TextWidth.fitted(who, to: 12)) "
        if e.isLinkEvent {
            let about = e.kind == .subscribed || e.kind == .unsubscribed || (e.kind == .failed && e.handle.rawValue != 0)
                ? Sanitizer.inert(what) + " " : ""
            let text = stamp + about + logKindWord(e.kind) + (e.note.isEmpty ? "" : ": " + Sanitizer.inert(e.note))
            return Span(text, style: e.kind == .failed ? warn : dim)
        }
        let decoded = (e.decoded ?? e.uuid.flatMap { decodeValue($0, e.value) }).map { Sanitizer.inert($0) + "  " } ?? ""
        let text = stamp + "\(TextWidth.fitted(Sanitizer.inert(what), to: nameWidth)) \(decoded)\(e.value.map(hexDigits).joined(separator: " "))"
        return Span(text, style: e.kind == .write || e.kind == .writeWithoutResponse ? accent : nil)
    }
}
