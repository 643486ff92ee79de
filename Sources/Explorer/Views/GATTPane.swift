import BGAPICore
import BluetoothNumbers
import TUI

/// The details pane for a connected device: the GATT tree and the selected value.
extension ExplorerView {
    static func uuidLabel(_ u: BluetoothUUID) -> String {
        let n = serviceName(u) ?? uuidName(u)
        return n.map { "\(u.description) \($0)" } ?? u.description
    }

    static func drawTree(_ c: ConnectionEntry, _ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        let name = state.devices[c.address].map(displayName) ?? c.address.description
        let spin = glyphs == .ascii ? Array("|/-\\") : Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        var title = "GATT · \(name)"
        switch c.state {
        case .connecting: title += " · connecting"
        case .discovering: title += " · discovering"
        case .ready: break
        case .disconnected: title += " · link down"
        }
        let inner = Box(title: title, isFocused: state.focus == .details, glyphs: glyphs).render(into: &screen, in: rect)
        guard !inner.isEmpty else { return }
        var (top, body) = inner.splitTop(1)
        var info: [String] = []
        if let busy = c.busy { info.append("\(spin[state.spinner % spin.count]) \(busy)") }
        if c.encrypted { info.append("encrypted") }
        if let r = c.rssi { info.append("\(r) dBm") }
        if let p = c.parameters { info.append(p) }
        if case let .disconnected(why) = c.state { info = ["Enter reconnects · \(Sanitizer.inert(why))"] }
        screen.put(TextWidth.truncated(info.isEmpty ? "\(c.address)" : info.joined(separator: " · "), to: top.width),
                   x: top.x, y: top.y, style: c.busy != nil || !c.isLive ? warn : dim, limit: top.width)
        let rows = c.treeRows
        // The selected value under the tree: as much as the pane allows (the tree keeps three rows), and a
        // marker saying how much is cut (z zooms the pane).
        let valueLines = selectedValueLines(c, state, width: body.width, maxLines: body.height - 3)
        if body.height >= 5, body.height > valueLines.count + 2 {
            let split = body.splitBottom(valueLines.count)
            body = split.rest
            top = split.bottom
            for (i, line) in valueLines.enumerated() {
                screen.put(line.text, x: top.x, y: top.y + i, style: line.style ?? .plain, limit: top.width)
            }
        }
        let items = rows.map { row -> TreeView.Item in treeItem(row, c, state, glyphs) }
        let selected = c.selection.flatMap { s in rows.firstIndex { $0.node == s } }
        // A dropped link's tree stays for reference, greyed.
        let treeItems = c.isLive ? items : items.map { item in
            var grey = item
            grey.style = dim
            grey.detailStyle = dim
            return grey
        }
        TreeView(items: treeItems, selected: selected, offset: scrollOffset(selected: selected, count: rows.count, visible: body.height),
                 selectedStyle: state.focus == .details ? Style(reverse: true) : Style(underline: true), glyphs: glyphs)
            .render(into: &screen, in: body)
        if rows.isEmpty, body.height > 0 {
            screen.put(c.state == .ready ? "no services" : "…", x: body.x + 1, y: body.y, style: dim, limit: body.width - 1)
        }
    }

    static func treeItem(_ row: TreeRow, _ c: ConnectionEntry, _ state: ExplorerState, _ glyphs: Glyphs) -> TreeView.Item {
        switch row.node {
        case let .service(h):
            let s = c.service(at: h)
            let label = s.map { state.label(of: $0) } ?? "?"
            return TreeView.Item(Sanitizer.inert(label), depth: 0, isExpandable: row.expandable, isExpanded: row.expanded,
                                 detail: s.map { "\($0.uuid.shortValue.map { hexID($0) } ?? "") \($0.startHandle)–\($0.endHandle)" },
                                 style: accent, detailStyle: dim)
        case let .characteristic(h):
            guard let ch = c.characteristic(at: h) else { return TreeView.Item("?", depth: 1) }
            // The user's name, else the device's user description (0x2901) beside the SIG name.
            var label = state.label(of: ch, in: c)
            if let sub = c.subscriptions[h] { label += sub ? " [I]" : " [N]" }
            var detail = "\(ch.properties) \(h)"
            if let v = c.values[h] { detail = valueSummary(describeValue(v, at: h, in: c), v, max: 18) + "  " + detail }
            return TreeView.Item(Sanitizer.inert(label), depth: 1, isExpandable: row.expandable, isExpanded: row.expanded,
                                 detail: detail, detailStyle: dim)
        case let .descriptor(h):
            guard let (d, _) = c.descriptor(at: h) else { return TreeView.Item("?", depth: 2) }
            var detail = "\(h)"
            if let v = c.values[h] { detail = valueSummary(d.uuid, v, max: 18) + "  " + detail }
            return TreeView.Item(Sanitizer.inert(state.label(of: h, on: c.address) ?? d.uuid.description), depth: 2, detail: detail,
                                 detailStyle: dim)
        }
    }

    /// A value in a few columns: its SIG form when known, else hex.
    static func valueSummary(_ uuid: BluetoothUUID, _ v: [UInt8], max: Int) -> String {
        valueSummary(decodeValue(uuid, v), v, max: max)
    }

    /// `decoded` (or hex when nil) in a few columns.
    static func valueSummary(_ decoded: String?, _ v: [UInt8], max: Int) -> String {
        if let decoded { return TextWidth.truncated(Sanitizer.inert(decoded), to: max) }
        return TextWidth.truncated(v.map(hexDigits).joined(separator: " "), to: max)
    }

    static func selectedValueLines(_ c: ConnectionEntry, _ state: ExplorerState, width: Int, maxLines: Int = .max) -> [Span] {
        guard maxLines > 0 else { return [] }
        guard let h = c.selectedValueHandle else { return [] }
        let uuid = c.characteristic(at: h)?.uuid ?? c.descriptor(at: h)?.0.uuid
        let name = state.label(of: h, on: c.address) ?? "\(h)"
        guard let v = c.values[h] else {
            // Offer only what this attribute allows (descriptors can be read and, mostly, written).
            let p = c.characteristic(at: h)?.properties ?? [.read, .write]
            var actions: [String] = []
            if p.contains(.read) { actions.append("r read") }
            if p.contains(.write) || p.contains(.writeWithoutResponse) { actions.append("w write") }
            if p.contains(.notify) { actions.append("n notify") }
            if p.contains(.indicate) { actions.append("i indicate") }
            return [Span(([Sanitizer.inert(name) + " " + (uuid?.description ?? "")] + actions).joined(separator: " · "), style: dim)]
        }
        var lines = [Span("\(Sanitizer.inert(name)) · \(v.count) byte\(v.count == 1 ? "" : "s")", style: accent)]
        if let decoded = describeValue(v, at: h, in: c) { lines.append(Span("  " + Sanitizer.inert(decoded), style: good)) }
        else if let text = ChartView.printableText(v) { lines.append(Span("  " + text, style: good)) } // text beside the hex
        let perRow = HexView.bytesPerRow(forWidth: max(10, width - 2), count: v.count)
        let hex = HexView.lines(for: v, bytesPerRow: perRow)
        let head = lines.count
        lines += hex.map { Span("  " + $0) }
        guard lines.count > maxLines else { return lines }
        // Cut: the last row says how much is missing.
        let kept = max(0, maxLines - 1)
        let hexShown = max(0, kept - head)
        let cut = v.count - min(v.count, hexShown * perRow)
        return Array(lines.prefix(kept)) + [Span("… \(cut) of \(v.count) bytes not shown: z zooms", style: warn)]
    }
}
