import BGAPICore
import TUI

extension ExplorerView {
    /// A packet or log entry, whole: every field on its own line (wrapped, never cut), then the raw bytes;
    /// j/k scroll, and a marker says when more lies above or below.
    static func drawDetail(_ detail: Detail, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let frame = detailFrame(width: screen.width, height: screen.height)
        guard !frame.isEmpty else { return }
        screen.fill(frame)
        let title: String
        switch detail.subject {
        case .packet(let p): title = "Packet #\(p.sequence) — Esc closes"
        case .entry: title = "Log entry — t: its BGAPI packets · Esc closes"
        }
        let inner = Box(title: title, isFocused: true, glyphs: glyphs).render(into: &screen, in: frame)
        guard !inner.isEmpty else { return }
        let lines = wrappedDetailLines(detail, state, width: inner.width)
        let rows = inner.height
        let scroll = min(detail.scroll, max(0, lines.count - rows))
        for (i, line) in lines.dropFirst(scroll).prefix(rows).enumerated() {
            screen.put(line.text, x: inner.x, y: inner.y + i, style: line.style ?? .plain, limit: inner.width)
        }
        let below = lines.count - scroll - rows
        if below > 0 || scroll > 0, frame.height >= 3 {
            let note = below > 0 ? " ↓ \(below) more (j/k) " : " ↑ \(scroll) above "
            let text = glyphs == .ascii ? note.replacingAll("↓", with: "v").replacingAll("↑", with: "^") : note
            let x = max(frame.x + 1, frame.maxX - 1 - TextWidth.of(text))
            screen.put(text, x: x, y: frame.maxY - 1, style: warn, limit: frame.maxX - 1 - x)
        }
    }

    /// Where a detail view sits on a `width`×`height` terminal (border included).
    static func detailFrame(width: Int, height: Int) -> Rect {
        let area = Rect(x: 0, y: 0, width: width, height: height).splitBottom(height > 1 ? 1 : 0).rest
        guard area.width >= 20, area.height >= 6 else { return area }
        return area.centered(width: min(area.width - 2, 100), height: area.height - (area.height >= 12 ? 2 : 0))
    }

    /// How far `detail` can scroll on the current terminal (0 when it fits).
    static func detailMaxScroll(_ detail: Detail, _ state: ExplorerState) -> Int {
        let frame = detailFrame(width: state.width, height: state.height)
        let width = frame.width - 2, rows = frame.height - 2
        guard width > 0, rows > 0 else { return 0 }
        return max(0, wrappedDetailLines(detail, state, width: width).count - rows)
    }

    /// The detail's lines wrapped to `width`, continuation lines indented.
    static func wrappedDetailLines(_ detail: Detail, _ state: ExplorerState, width: Int) -> [Span] {
        detailLines(detail, state).flatMap { wrap($0, width: width) }
    }

    /// `span` wrapped to `width` columns; lines after the first keep its indent plus two.
    static func wrap(_ span: Span, width: Int) -> [Span] {
        guard width > 0 else { return [] }
        guard TextWidth.of(span.text) > width else { return [span] }
        let lead = String(span.text.prefix { $0 == " " })
        let indent = lead + "  "
        guard width > indent.count + 4 else { return TextWidth.wrapped(span.text, to: width).map { Span($0, style: span.style) } }
        let first = TextWidth.wrapped(String(span.text.dropFirst(lead.count)), to: width - lead.count)
        guard let head = first.first else { return [span] }
        let rest = first.dropFirst().joined(separator: " ")
        let tail = rest.isEmpty ? [] : TextWidth.wrapped(rest, to: width - indent.count).map { indent + $0 }
        return [Span(lead + head, style: span.style)] + tail.map { Span($0, style: span.style) }
    }

    /// Every line of a detail view, unwrapped, radio text inert.
    static func detailLines(_ detail: Detail, _ state: ExplorerState) -> [Span] {
        switch detail.subject {
        case let .packet(p): return packetLines(p, state)
        case let .entry(e): return entryLines(e, state)
        }
    }

    static func packetLines(_ p: TrafficPacket, _ state: ExplorerState) -> [Span] {
        let way = switch p.direction {
        case .command: "command, host → dongle"
        case .response: "response, dongle → host"
        case .event: "event, dongle → host"
        case .note: "note from the framer"
        }
        var lines = [Span("\(clockTime(p.time, utcOffset: state.utcOffset)) · \(isoTime(p.time)) · \(way)", style: dim)]
        lines.append(Span(Sanitizer.inert(p.name), style: accent))
        let raw = p.rawBytes
        if let raw, raw.count >= 4 {
            lines.append(Span("  class \(raw[2]) · id \(raw[3]) · payload \(raw.count - 4) bytes", style: dim))
        }
        for f in p.fields { lines.append(Span("  \(Sanitizer.inert(f.name)): \(Sanitizer.inert(f.display))")) }
        if let c = p.connection, let a = state.traffic.links.first(where: { $0.value == c })?.key {
            lines.append(Span("  (connection \(c) is \(a))", style: dim))
        }
        if let raw {
            lines.append(Span(""))
            lines.append(Span("Raw \(raw.count) bytes (header + payload):", style: accent))
            for line in HexView.lines(for: raw, bytesPerRow: 16) { lines.append(Span("  " + line)) }
        }
        return lines
    }

    static func entryLines(_ e: LogEntry, _ state: ExplorerState) -> [Span] {
        let who = state.devices[e.address].map(displayName) ?? e.address.description
        var lines = [Span("\(clockTime(e.time, utcOffset: state.utcOffset)) · \(isoTime(e.time))", style: dim)]
        lines.append(Span("\(logKindWord(e.kind)) · \(who) · \(e.address)", style: accent))
        if !e.isLinkEvent || e.kind == .subscribed || e.kind == .unsubscribed || e.kind == .failed {
            // The name it had when logged (the user's, or the SIG's), beside its UUID.
            let called = e.name ?? e.uuid.flatMap(uuidName)
            let name = e.uuid.map { u in called.map { "\($0) (\(u))" } ?? u.description } ?? called ?? "handle \(e.handle)"
            lines.append(Span("\(Sanitizer.inert(name)) · handle \(e.handle)"))
        }
        if !e.note.isEmpty { lines.append(Span(Sanitizer.inert(e.note), style: e.kind == .failed ? bad : nil)) }
        if !e.isLinkEvent {
            if let decoded = e.decoded ?? e.uuid.flatMap({ decodeValue($0, e.value) }) {
                lines.append(Span("Decoded: " + Sanitizer.inert(decoded), style: good))
            }
            lines.append(Span(""))
            lines.append(Span("\(e.value.count) byte\(e.value.count == 1 ? "" : "s"):", style: accent))
            for line in HexView.lines(for: e.value, bytesPerRow: 16) { lines.append(Span("  " + line)) }
            if !e.value.isEmpty {
                lines.append(Span("  UTF-8: " + Sanitizer.inert(String(decoding: e.value, as: UTF8.self)), style: dim))
            }
        }
        lines.append(Span(""))
        lines.append(Span(e.chain.isEmpty ? "no BGAPI packets recorded for it"
                                          : "t: its \(e.chain.count) BGAPI packet\(e.chain.count == 1 ? "" : "s") in the traffic pane",
                          style: dim))
        return lines
    }

    /// The log's word for a kind.
    static func logKindWord(_ kind: LogEntry.Kind) -> String {
        switch kind {
        case .notification: "notification"
        case .indication: "indication"
        case .read: "read"
        case .write: "write (with response)"
        case .writeWithoutResponse: "write without response"
        case .connected: "connected"
        case .disconnected: "disconnected"
        case .subscribed: "subscribed"
        case .unsubscribed: "unsubscribed"
        case .bonded: "bonded"
        case .failed: "failed"
        }
    }
}
