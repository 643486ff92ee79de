import BGAPICore
import TUI

extension ExplorerView {
    /// The BGAPI traffic pane: `HH:MM:SS.mmm → cmd …` lines, filtered, following the newest or held at the
    /// cursor (sequence numbers, so nothing moves while packets arrive), the chain of a log entry marked.
    static func drawTraffic(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        let t = state.traffic
        // Following with no filter (the usual case while traffic flows): only the newest rows are needed.
        let rowsWanted = max(0, rect.height - 2)
        let list = t.filter.isEmpty && !t.isHeld && t.chain.isEmpty ? Array(t.packets.suffix(rowsWanted)) : t.visible
        let shownCount = t.filter.isEmpty && t.frozenAt == nil ? t.packets.count : list.count
        var title = "BGAPI traffic \(shownCount)"
        if shownCount != t.packets.count || t.frozenAt != nil { title += "/\(t.packets.count)" }
        if !t.filter.isEmpty { title += " · " + Sanitizer.inert(t.filter.summary) }
        if t.frozenAt != nil { title += " · PAUSED" } else if t.cursor != nil { title += " · scrolled" }
        let inner = Box(title: title, isFocused: state.focus == .log, glyphs: glyphs).render(into: &screen, in: rect)
        guard !inner.isEmpty else { return }
        if list.isEmpty {
            let hint = t.packets.isEmpty ? "no traffic yet" : "no packet matches the filter"
            screen.put(hint, x: inner.x + 1, y: inner.y, style: dim, limit: inner.width - 1)
            return
        }
        let rows = inner.height
        let cursorIndex = t.cursor.map { min(trafficIndex(list, atOrAfter: $0), list.count - 1) }
        let start = cursorIndex.map { trafficWindowStart(list, cursor: $0, top: t.top, rows: rows) } ?? max(0, list.count - rows)
        let shown = list[start ..< min(list.count, start + rows)]
        for (row, p) in shown.enumerated() {
            var style: Style = switch p.direction {
            case .command: accent
            case .response: .plain
            case .event: dim
            case .note: warn
            }
            if t.chain.contains(p.sequence) { style = Style(foreground: .magenta, bold: true) }
            if let c = cursorIndex, list[c].sequence == p.sequence {
                style = state.focus == .log ? Style(reverse: true) : Style(underline: true)
            }
            let arrow = switch p.direction {
            case .command: glyphs == .ascii ? ">" : "→"
            case .note: "!"
            default: glyphs == .ascii ? "<" : "←"
            }
            let text = "\(clockTime(p.time, utcOffset: state.utcOffset)) \(arrow) \(Sanitizer.inert(p.summary))"
            screen.put(TextWidth.fitted(text, to: inner.width, ellipsis: glyphs.ellipsis), x: inner.x, y: inner.y + row,
                       style: style, limit: inner.width)
        }
        // Held while packets arrive: say how many newer ones wait below, on the bottom border.
        let newer = list.count - (start + shown.count) + (t.frozenAt.map { t.packets.endSequence - 1 - $0 } ?? 0)
        if newer > 0, rect.height >= 3 {
            let note = t.frozenAt != nil ? " \(newer) newer · p resumes " : " \(newer) newer · G follows "
            let x = max(rect.x + 1, rect.maxX - 1 - TextWidth.of(note))
            screen.put(note, x: x, y: rect.maxY - 1, style: warn, limit: rect.maxX - 1 - x)
        }
    }
}
