import BGAPICore
import BluetoothNumbers
import TUI

/// The chart view (`v`): the selected characteristic's number over time with its statistics, and the
/// device's RSSI over the last 5 minutes, full width; drawn over the panes, above the status bar. Pure.
public enum ChartView {
    static let line = Style(foreground: .green)
    static let rssiLine = Style(foreground: .blue)

    /// Draws the chart of `target` over everything but the status bar.
    public static func draw(_ target: ChartTarget, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let area = screen.bounds.splitBottom(state.height > 1 ? 1 : 0).rest
        guard !area.isEmpty else { return }
        screen.fill(area)
        let device = state.devices[target.address].map(ExplorerView.displayName) ?? target.address.description
        let window = state.charts.timeWindow(now: state.now)
        var title = "Chart · \(device)"
        let key = target.handle.map { SeriesKey(target.address, $0) }
        let name = target.handle.flatMap { state.label(of: $0, on: target.address) }.map(Sanitizer.inert)
        if let name { title += " · \(name)" }
        title += " · last \(LineChart.relativeTime(state.charts.window).dropFirst())"
        if state.charts.pausedAt != nil { title += " · PAUSED" }
        let inner = Box(title: title, isFocused: true, glyphs: glyphs).render(into: &screen, in: area)
        guard !inner.isEmpty else { return }
        var (body, hintRow) = inner.splitBottom(inner.height >= 6 ? 1 : 0)
        let format = key.flatMap { state.charts.formats[$0] }
        var hint = "v/Esc close · p \(state.charts.pausedAt == nil ? "pause" : "resume") · z window"
        if key != nil { hint += " · f format: \(format?.label ?? "auto")" }
        screen.put(hint, x: hintRow.x, y: hintRow.y, style: ExplorerView.dim, limit: hintRow.width)
        let marker = LineChart.marker(for: glyphs)

        // RSSI: the bottom third (all of it without a characteristic).
        let rssi = state.charts.rssi[target.address]
        let rssiPoints = rssi?.points(in: window) ?? []
        let rssiRows = key == nil ? body.height : max(min(body.height, 5), body.height / 3)
        let split = body.splitBottom(rssiRows)
        body = split.rest
        let rssiArea = split.bottom
        if !rssiArea.isEmpty {
            let (head, chart) = rssiArea.splitTop(1)
            var text = "RSSI"
            let values = rssiPoints.map(\.value).filter(\.isFinite)
            if let last = rssi?.last { text += " · now \(Int(last.rounded())) dBm" }
            if let lo = values.min(), let hi = values.max() { text += " · min \(Int(lo.rounded())) · max \(Int(hi.rounded())) dBm" }
            if values.isEmpty { text += " · nothing heard in this window" }
            screen.put(text, x: head.x, y: head.y, style: ExplorerView.accent, limit: head.width)
            LineChart(points: rssiPoints, window: window, decimals: 0, marker: marker, style: rssiLine)
                .render(into: &screen, in: chart)
        }

        guard let key, !body.isEmpty else { return }
        let series = state.charts.values[key]
        let points = series?.points(in: window) ?? []
        let unit = series?.unit ?? ""
        let stats = statisticsLines(series, window: window, unit: unit)
        var chartArea = body
        if body.width >= 72 {
            // Statistics beside the chart.
            let (left, right) = body.splitLeft(body.width - 26)
            chartArea = left
            for (i, s) in stats.enumerated() where i < right.height {
                screen.put(" " + s.text, x: right.x, y: right.y + i, style: s.style ?? .plain, limit: right.width)
            }
        } else {
            // Narrow: the statistics as two header lines.
            let rows = min(2, max(0, body.height - 3))
            let (head, rest) = body.splitTop(rows)
            chartArea = rest
            let half = (stats.count + 1) / 2
            for row in 0 ..< rows {
                let text = stats.dropFirst(row * half).prefix(half).map(\.text).filter { !$0.isEmpty }.joined(separator: " · ")
                screen.put(text, x: head.x, y: head.y + row, style: row == 0 ? ExplorerView.accent : ExplorerView.dim, limit: head.width)
            }
        }
        if points.allSatisfy({ !$0.value.isFinite }), chartArea.height > 0 {
            let why = points.isEmpty ? "no values yet: n subscribes, r reads" : "no numbers: f picks a format (u8…f32)"
            screen.put(why, x: chartArea.x + 1, y: chartArea.y, style: ExplorerView.dim, limit: chartArea.width - 1)
            chartArea = chartArea.splitTop(1).rest
        }
        LineChart(points: points, window: window, marker: marker, style: line).render(into: &screen, in: chartArea)
    }

    /// The statistics column: last/min/max/mean of the numbers in the window, then the notifications' rate,
    /// interval, jitter and gaps.
    static func statisticsLines(_ series: ValueSeries?, window: ClosedRange<Timestamp>, unit: String) -> [Span] {
        let inWindow = series?.samples.filter { window.contains($0.time) } ?? []
        let numbers = inWindow.map(\.value).filter(\.isFinite)
        let u = Sanitizer.inert(unit.isEmpty ? "" : " " + unit)
        var lines: [Span] = []
        if let lo = numbers.min(), let hi = numbers.max(), let last = numbers.last {
            // Whole numbers (bpm, %, dBm) stay whole; others get a digit more than the range needs.
            let whole = numbers.allSatisfy { $0 == $0.rounded() }
            let places = whole ? 0 : min(3, LineChart.decimals(for: lo ... hi) + 1)
            func f(_ v: Double) -> String { LineChart.format(v, places) }
            lines.append(Span("last \(f(last))\(u)", style: ExplorerView.accent))
            lines.append(Span("min  \(f(lo))\(u)"))
            lines.append(Span("max  \(f(hi))\(u)"))
            lines.append(Span("mean \(f(numbers.reduce(0, +) / Double(numbers.count)))\(u)"))
        } else {
            lines.append(Span("no numbers", style: ExplorerView.dim))
        }
        lines.append(Span("\(inWindow.count) value\(inWindow.count == 1 ? "" : "s")", style: ExplorerView.dim))
        lines.append(Span(""))
        let arrivals = inWindow.filter(\.notified).map(\.time)
        if let s = NotificationStats(times: arrivals) {
            lines.append(Span("notifications", style: ExplorerView.accent))
            lines.append(Span("rate     \(LineChart.format(s.rate, s.rate >= 10 ? 1 : 2))/s"))
            lines.append(Span("interval \(milliseconds(s.medianInterval))"))
            lines.append(Span("jitter   \(milliseconds(s.jitter))"))
            lines.append(Span("gaps     \(s.gaps)", style: s.gaps > 0 ? ExplorerView.warn : nil))
            lines.append(Span("longest  \(milliseconds(s.longestInterval))"))
        } else {
            lines.append(Span(arrivals.isEmpty ? "no notifications" : "1 notification", style: ExplorerView.dim))
        }
        return lines
    }

    /// `850 ms`, `1.25 s`.
    static func milliseconds(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : LineChart.format(seconds, 2) + " s"
    }

    /// Bytes that are printable UTF-8 (a vendor string), quoted and inert; nil otherwise.
    static func printableText(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, let s = String(validating: bytes, as: UTF8.self),
              !s.contains(where: { TextWidth.isControl($0) }) else { return nil }
        return CharacteristicFormat.quoted(utf8: bytes)
    }

    /// The naming prompt: which UUID, its SIG name, and the field.
    static func drawNaming(_ n: NamingPrompt, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let sig = (n.kind == .service ? serviceName(n.uuid) : uuidName(n.uuid)) ?? "no SIG name"
        let saved = state.namesPath.map { "Saved to \($0)" } ?? "Not saved: no names file (--names FILE)"
        let dialog = Dialog(title: "Name \(n.kind.rawValue.lowercased()) \(n.uuid)",
                            body: ["\(Sanitizer.inert(sig)). Tree, log, export and CLI use the name.", Sanitizer.inert(saved)],
                            input: n.field, hint: "Enter save (empty forgets) · Esc cancel", maxWidth: 78, glyphs: glyphs)
        dialog.render(into: &screen, in: screen.bounds.splitBottom(1).rest)
    }
}
