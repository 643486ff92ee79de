import BGAPICore
import BluetoothNumbers
import TUI

/// The scan pane: the device list with its sparklines, names and RSSI colours.
extension ExplorerView {
    static func drawScan(_ state: ExplorerState, _ rect: Rect, _ glyphs: Glyphs, _ screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let list = state.visibleAddresses
        var title = "Devices \(list.count)"
        if list.count != state.devices.count { title += "/\(state.devices.count)" }
        if state.evictedDevices > 0 { title += " · \(state.evictedDevices) evicted" }
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
        let span = max(1, state.rssiHistorySeconds)
        let window = sparkWidth * RSSIHistory.secondsPerColumn(width: sparkWidth, span: span)
        if sparkWidth > 0 { columns.append(Table.Column(sparkWidth >= 16 ? "RSSI, last \(window) s" : "\(window) s", width: .fixed(sparkWidth))) }
        if inner.width >= 60 { columns.append(Table.Column("Intvl", width: .fixed(6), alignment: .right)) }
        if inner.width >= 50 { columns.append(Table.Column("CB", width: .fixed(2))) }
        if wide { columns.append(Table.Column("Maker", width: .fill(1))) }
        let selected = state.selectedDevice.flatMap { list.firstIndex(of: $0) }
        let visible = max(0, inner.height - 1)
        let offset = scrollOffset(selected: selected, count: list.count, visible: visible)
        // Only the rows on screen are built (and handed to the table): ten thousand devices cost a screenful.
        let shown = list.indices.dropFirst(offset).prefix(visible)
        var rows: [[Span]] = []
        rows.reserveCapacity(shown.count)
        for i in shown {
            guard let d = state.devices[list[i]] else { continue }
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
            rows.append(row)
        }
        Table(columns: columns, rows: rows, selected: selected.map { $0 - offset }, offset: 0,
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
}
