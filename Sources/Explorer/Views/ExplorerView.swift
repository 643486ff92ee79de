import BGAPICore
import BluetoothNumbers
import TUI

/// Draws the explorer's state into a screen. Pure: the same state always gives the same screen.
public enum ExplorerView {
    static let accent = Style(foreground: .cyan, bold: true)
    static let dim = Style(dim: true)
    static let good = Style(foreground: .green)
    static let warn = Style(foreground: .yellow)
    static let bad = Style(foreground: .red, bold: true)

    /// The whole frame for `state` at its terminal size.
    public static func render(_ state: ExplorerState) -> Screen {
        var screen = Screen(width: state.width, height: state.height)
        let layout = ExplorerLayout(width: state.width, height: state.height, focus: state.focus, zoomed: state.zoomed)
        let glyphs: Glyphs = state.ascii ? .ascii : .unicode
        if state.chartShown == nil { // the chart covers the panes: they are not drawn under it
            drawScan(state, layout.scan, glyphs, &screen)
            drawDetails(state, layout.details, glyphs, &screen)
            drawLog(state, layout.log, glyphs, &screen)
        }
        drawStatus(state, layout.status, glyphs, &screen)
        if let chart = state.chartShown { ChartView.draw(chart, state, glyphs, &screen) } // Views/ChartView.swift
        if let naming = state.naming { ChartView.drawNaming(naming, state, glyphs, &screen) }
        if let editor = state.editor { drawEditor(editor, state, glyphs, &screen) }
        if let prompt = state.prompt { drawPrompt(prompt, state, glyphs, &screen) }
        if let detail = state.detail { drawDetail(detail, state, glyphs, &screen) }
        if case let .bonds(list) = state.mode { drawBonds(list, state, glyphs, &screen) }
        if state.showHelp {
            let area = screen.bounds.splitBottom(1).rest
            let frame = area.centered(width: min(area.width, 118), height: min(area.height, 38))
            screen.fill(frame)
            let inner = Box(title: "Keys — j/k page, any other key closes", isFocused: true, glyphs: glyphs)
                .render(into: &screen, in: frame)
            var help = HelpOverlay(Keymap.helpSections)
            help.page = min(state.helpPage, max(0, help.pageCount(in: inner) - 1))
            help.render(into: &screen, in: inner)
        }
        return screen
    }

    // MARK: - Scan

    static func drawScan(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let list = state.visibleDevices
        var title = "Devices \(list.count)"
        if list.count != state.devices.count { title += "/\(state.devices.count)" }
        title += " · \(state.sort.rawValue)"
        if !state.filter.isEmpty { title += " · /\(Sanitizer.inert(state.filter))" }
        if state.paused { title += " · PAUSED" }
        if state.hideStale { title += " · fresh only" }
        if state.hideUnnamed { title += " · named" }
        if let floor = state.rssiFloor { title += " · ≥\(floor) dBm" }
        let inner = Box(title: title, isFocused: state.focus == .scan, glyphs: glyphs).render(into: &screen, in: rect)
        guard !inner.isEmpty else { return }
        let wide = inner.width >= 84
        let sparkWidth = inner.width >= 70 ? 16 : inner.width >= 50 ? 8 : 0
        var columns: [Table.Column] = [Table.Column("Name", width: .fill(1))]
        if inner.width >= 40 { columns.append(Table.Column("Address", width: .fixed(19))) }
        columns.append(Table.Column("RSSI", width: .fixed(4), alignment: .right))
        // The header tells the real window: columns × seconds per column.
        let window = sparkWidth * RSSIHistory.secondsPerColumn(width: sparkWidth)
        if sparkWidth > 0 { columns.append(Table.Column(sparkWidth >= 16 ? "RSSI, last \(window) s" : "\(window) s", width: .fixed(sparkWidth))) }
        if inner.width >= 60 { columns.append(Table.Column("Intvl", width: .fixed(6), alignment: .right)) }
        if inner.width >= 50 { columns.append(Table.Column("CB", width: .fixed(2))) }
        if wide { columns.append(Table.Column("Maker", width: .fill(1))) }
        let selected = state.selectedDevice.flatMap { s in list.firstIndex { $0.address == s } }
        let visible = max(0, inner.height - 1)
        let offset = scrollOffset(selected: selected, count: list.count, visible: visible)
        // Only the rows on screen are built: a thousand devices cost no more than a screenful.
        let shown = list.indices.dropFirst(offset).prefix(visible)
        var rows = [[Span]](repeating: [], count: list.count)
        for i in shown {
            let d = list[i]
            let stale = state.now - d.lastSeen > state.staleAfter
            let connected = state.connections[d.address]?.isLive == true
            let nameStyle: Style? = connected ? good : stale ? dim : nil
            var row: [Span] = [Span(displayName(d), style: nameStyle)]
            if inner.width >= 40 {
                row.append(Span("\(d.address) \(d.addressType == .random ? "R" : "P")", style: stale ? dim : nil))
            }
            row.append(Span(String(d.rssi), style: rssiStyle(d.rssi)))
            if sparkWidth > 0 {
                row.append(Span(Sparkline.string(values: d.history.columns(width: sparkWidth), width: sparkWidth, range: -100 ... -30,
                                                 ascii: state.ascii), style: Style(foreground: .blue)))
            }
            if inner.width >= 60 { row.append(Span(d.observedInterval.map(formatInterval) ?? "")) }
            if inner.width >= 50 {
                let c = connected ? (state.ascii ? "*" : "●") : d.connectable ? (state.ascii ? "o" : "○") : "-"
                row.append(Span(c + (d.bonded ? "B" : " ")))
            }
            if wide { row.append(Span(d.companyID.map { companyName($0).map(Sanitizer.inert) ?? hexID($0) } ?? "", style: dim)) }
            rows[i] = row
        }
        Table(columns: columns, rows: rows, selected: selected, offset: offset,
              selectedStyle: state.focus == .scan ? Style(reverse: true) : Style(underline: true), glyphs: glyphs)
            .render(into: &screen, in: inner)
        if list.isEmpty, inner.height > 2 {
            let hint = state.devices.isEmpty ? (state.scanning ? "scanning…" : "scan stopped") : "no device matches the filter"
            screen.put(hint, x: inner.x + 1, y: inner.y + 2, style: dim, limit: inner.width - 2)
        }
    }

    /// A device's name for display: SIG-decoded appearance or AD name, made inert.
    static func displayName(_ d: DeviceEntry) -> String {
        if let n = d.name { return Sanitizer.inert(n) }
        for data in d.advertisements.values {
            if let m = data.manufacturerData.first, m.iBeacon != nil { return "iBeacon" }
            if let s = data.serviceData.first, s.eddystone != nil { return "Eddystone" }
            if let a = data.appearance, let name = BluetoothNumbers.appearanceName(a) { return "(\(name))" }
        }
        return "(unnamed)"
    }

    static func rssiStyle(_ rssi: Int8) -> Style {
        rssi >= -60 ? good : rssi >= -80 ? Style.plain : warn
    }

    static func formatInterval(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded()))ms" : "\((seconds * 10).rounded() / 10)s"
    }

    static func hexID(_ id: UInt16) -> String { "0x" + hexDigits(UInt8(id >> 8)) + hexDigits(UInt8(id & 0xFF)) }

    // MARK: - Details

    static func drawDetails(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let focused = state.focus == .details
        guard let address = state.selectedDevice else {
            let inner = Box(title: "Details", isFocused: focused, glyphs: glyphs).render(into: &screen, in: rect)
            screen.put("select a device", x: inner.x + 1, y: inner.y, style: dim, limit: inner.width - 1)
            return
        }
        if let c = state.connections[address] {
            drawTree(c, state, rect, glyphs, &screen)
        } else if let d = state.devices[address] {
            let inner = Box(title: "Advertisement · \(displayName(d))", isFocused: focused, glyphs: glyphs).render(into: &screen, in: rect)
            // Wrapped, never cut; when taller than the pane it scrolls (j/k with the focus here) and says so.
            let lines = advertisementLines(d, state).flatMap { wrap($0, width: inner.width) }
            let scroll = min(state.advertisementScroll, max(0, lines.count - inner.height))
            LogView(lines: lines, follows: false, offset: scroll, glyphs: glyphs).render(into: &screen, in: inner)
            let below = lines.count - scroll - inner.height
            if (below > 0 || scroll > 0), rect.height >= 3, inner.height > 0 {
                let note = below > 0 ? " \(below) more lines: Tab, j/k " : " \(scroll) above: k "
                let x = max(rect.x + 1, rect.maxX - 1 - TextWidth.of(note))
                screen.put(note, x: x, y: rect.maxY - 1, style: warn, limit: rect.maxX - 1 - x)
            }
        }
    }

    /// How far the selected device's advertisement detail can scroll in its pane (0 when it fits).
    static func advertisementOverflow(_ state: ExplorerState) -> Int {
        guard let a = state.selectedDevice, let d = state.devices[a] else { return 0 }
        let pane = ExplorerLayout(width: state.width, height: state.height, focus: state.focus, zoomed: state.zoomed).details
        let width = pane.width - 2, rows = pane.height - 2
        guard width > 0, rows > 0 else { return 0 }
        return max(0, advertisementLines(d, state).flatMap { wrap($0, width: width) }.count - rows)
    }

    static func advertisementLines(_ d: DeviceEntry, _ state: ExplorerState) -> [Span] {
        var lines: [Span] = []
        lines.append(Span("\(d.address) · \(d.addressType == .random ? "random" : "public") · \(d.rssi) dBm · \(d.packets) packets"))
        var facts: [String] = [d.connectable ? "connectable" : "not connectable"]
        if d.bonded { facts.append("bonded") }
        if let i = d.observedInterval { facts.append("every \(formatInterval(i))") }
        lines.append(Span(facts.joined(separator: " · "), style: dim))
        lines.append(Span(d.connectable ? "Enter connects" : "broadcast only", style: dim))
        let order: [ScanResponsePacketType] = [.connectableAdvertisement, .nonConnectableAdvertisement,
                                               .discoverableAdvertisement, .directedAdvertisement, .scanResponse]
        for packetType in order + d.advertisements.keys.filter({ !order.contains($0) }).sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let data = d.advertisements[packetType] else { continue }
            lines.append(Span(""))
            lines.append(Span(packetType == .scanResponse ? "Scan response" : "Advertising data", style: accent))
            for s in data.structures {
                lines.append(Span("  " + describe(s)))
                // An iBeacon's fields each get a line, so none is ever lost at the end of a long one.
                if case let .manufacturerData(m) = s.value, let b = m.iBeacon {
                    lines.append(Span("    UUID \(b.proximityUUID)"))
                    lines.append(Span("    major \(b.major) · minor \(b.minor) · power \(b.measuredPower) dBm at 1 m"))
                }
            }
            if let t = data.truncation {
                lines.append(Span("  truncated at byte \(t.offset): \(t.missingByteCount) bytes missing", style: warn))
            }
            if state.showRawAdvertisement {
                for line in HexView.lines(for: data.encodedBytes, bytesPerRow: 16) { lines.append(Span("  " + line, style: dim)) }
            }
        }
        if !state.showRawAdvertisement { lines.append(Span("a: raw bytes", style: dim)) }
        return lines
    }

    /// One AD structure in words, radio text made inert.
    static func describe(_ s: ADStructure) -> String {
        let name = s.type.name
        switch s.value {
        case let .flags(f): return "Flags: \(f)"
        case let .serviceUUIDs(uuids, complete):
            return "\(complete ? "" : "Some ")Services: " + uuids.map(uuidLabel).joined(separator: ", ")
        case let .solicitedServiceUUIDs(uuids): return "Solicited: " + uuids.map(uuidLabel).joined(separator: ", ")
        case let .localName(n, complete): return "\(complete ? "Name" : "Short name"): \"\(Sanitizer.inert(n))\""
        case let .txPowerLevel(p): return "TX power: \(p) dBm"
        case let .appearance(a): return "Appearance: \(BluetoothNumbers.appearanceName(a) ?? "0x" + hexDigits(UInt8(a >> 8)) + hexDigits(UInt8(a & 0xFF)))"
        case let .manufacturerData(m):
            var text = "Maker: \(companyName(m.companyID).map(Sanitizer.inert) ?? "unknown") (\(hexID(m.companyID)))"
            if m.iBeacon != nil {
                text += " iBeacon"
            } else {
                text += " " + m.data.map(hexDigits).joined(separator: " ")
            }
            return text
        case let .serviceData(sd):
            var text = "Service data \(uuidLabel(sd.uuid)):"
            switch sd.eddystone {
            case let .url(tx, url)?: text += " Eddystone URL \(Sanitizer.inert(url)) (\(tx) dBm)"
            case let .uid(tx, ns, inst)?: text += " Eddystone UID \(ns.map(hexDigits).joined())/\(inst.map(hexDigits).joined()) (\(tx) dBm)"
            case let .tlm(t)?: text += " Eddystone TLM \(t.batteryMillivolts) mV" + (t.temperatureCelsius.map { " \($0) °C" } ?? "")
            default: text += " " + sd.data.map(hexDigits).joined(separator: " ")
            }
            return text
        case let .advertisingInterval(units): return "Interval: \(Double(units) * 0.625) ms"
        case let .connectionIntervalRange(min, max): return "Conn. interval: \(Double(min) * 1.25)–\(Double(max) * 1.25) ms"
        case let .uri(u): return "URI: \(Sanitizer.inert(u))"
        case let .broadcastName(n): return "Broadcast name: \"\(Sanitizer.inert(n))\""
        case let .raw(bytes): return "\(name): " + bytes.map(hexDigits).joined(separator: " ")
        case let .malformed(reason, bytes): return "\(name): malformed (\(reason)) " + bytes.map(hexDigits).joined(separator: " ")
        }
    }

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

    // MARK: - Log

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
        // Only the rows on screen are built.
        let range = LogView.visibleRange(count: state.log.count, height: inner.height, offset: offset, follows: follows)
        var lines = [Span](repeating: Span(""), count: state.log.count)
        for i in range { lines[i] = logLine(state.log[i], state, nameWidth: nameWidth) }
        // The entry Enter opens: the bottom row shown, marked while the pane has the focus.
        if focused, let last = range.last { lines[last].style = Style(reverse: true) }
        LogView(lines: lines, follows: follows, offset: offset, glyphs: glyphs).render(into: &screen, in: inner)
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

    // MARK: - Status, editor, prompts

    static func drawStatus(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        guard !rect.isEmpty else { return }
        var left: [Span] = [Span(" blex ", style: Style(bold: true, reverse: true))]
        if let replay = state.replay {
            left.append(Span(" REPLAY ", style: Style(foreground: .black, background: .cyan, bold: true)))
            left.append(Span(Sanitizer.inert(replay)))
        } else if state.simulated {
            let pace = state.worldRate == 1 ? "" : state.worldRate == 0 ? "· PAUSED " : "×\(Int(state.worldRate)) "
            left.append(Span(" SIMULATED \(pace)", style: Style(foreground: .black, background: .yellow, bold: true)))
        }
        left.append(Span(state.portName))
        left.append(Span(state.paused ? "scan stopped (p resumes)" : state.scanning ? "scanning" : "scan off"))
        let open = state.connections.values.filter { $0.state != .connecting && $0.isLive }.count
        left.append(Span("\(open) connected"))
        var right: [Span] = []
        if let e = state.lastError { right.append(Span(Sanitizer.inert(e), style: Style(foreground: .red, bold: true, reverse: true))) }
        else if let n = state.notice { right.append(Span(Sanitizer.inert(n), style: Style(foreground: .green, reverse: true))) }
        right.append(Span("? help ", style: Style(bold: true, reverse: true)))
        StatusBar(left: left, right: right, glyphs: glyphs).render(into: &screen, in: rect)
    }

    static func drawEditor(_ e: EditorState, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let name = Sanitizer.inert(state.label(of: e.handle, on: e.address) ?? uuidName(e.uuid) ?? e.uuid.description)
        var body: [String] = []
        body.append(ValueFormat.allCases.map { $0 == e.format ? "[\($0.label)]" : $0.label }.joined(separator: " "))
        var field = TextField(e.text)
        field.cursor = e.cursor
        var preview: [String] = []
        for f in [ValueFormat.hex, .text, .u8, .u16le, .s16le, .u32le, .float32le] where f != e.format {
            if let r = f.render(e.bytes) { preview.append("\(f.label): \(Sanitizer.inert(r))") }
        }
        let status = e.error.map { "✗ \($0) — nothing will be sent" }
            ?? "\(e.bytes.count) byte\(e.bytes.count == 1 ? "" : "s")\(e.bytes.count > 20 ? " (long write)" : "")"
        let hint = "Enter write · Tab format · ↑↓ history · ^R \(e.withResponse ? "with" : "without") response · Esc cancel"
        let dialog = Dialog(title: "Write \(name) \(e.handle)", body: body + preview + [status], input: field, hint: hint,
                            maxWidth: 78, glyphs: glyphs)
        let frame = dialog.render(into: &screen, in: screen.bounds.splitBottom(1).rest)
        // Colour the verdict line so an error is unmissable.
        if e.error != nil {
            for y in frame.y ..< frame.maxY {
                let line = (frame.x ..< frame.maxX).map { screen[$0, y].text }.joined()
                if line.contains("✗") {
                    for x in frame.x + 1 ..< frame.maxX - 1 { screen[x, y].style = bad }
                }
            }
        }
    }

    static func drawPrompt(_ prompt: Prompt, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let dialog: Dialog
        switch prompt {
        case .filter:
            dialog = Dialog(title: "Filter", body: ["Name, address, maker or service contains:"], input: state.promptField,
                            hint: "Enter keep · Esc clear", glyphs: glyphs)
        case let .passkey(address):
            dialog = Dialog(title: "Passkey", body: ["\(address) asks for the passkey it shows (6 digits)."],
                            input: state.promptField, hint: "Enter send · Esc cancel", glyphs: glyphs)
        case .export:
            dialog = Dialog(title: "Export log", body: ["\(state.log.count) entries. File (.csv for CSV, else JSON Lines):"],
                            input: state.promptField, hint: "Enter save (never overwrites) · Esc cancel", glyphs: glyphs)
        case .exportTraffic:
            let n = state.traffic.visible.count
            dialog = Dialog(title: "Export traffic", body: ["\(n) packets as shown (filtered). File (JSON Lines):"],
                            input: state.promptField, hint: "Enter save (never overwrites) · Esc cancel", glyphs: glyphs)
        case .search:
            dialog = Dialog(title: "Search traffic", body: ["Packets whose decoded line contains:"], input: state.promptField,
                            hint: "Enter keep · Esc clear", glyphs: glyphs)
        case .confirmQuit:
            dialog = Dialog(title: "Quit?", body: ["\(state.connections.count) connection(s) open; they will be closed."],
                            hint: "y quit · any other key stays", glyphs: glyphs)
        }
        dialog.render(into: &screen, in: screen.bounds.splitBottom(1).rest)
    }
}
