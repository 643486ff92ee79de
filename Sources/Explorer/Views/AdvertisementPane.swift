import BGAPICore
import BluetoothNumbers
import TUI

/// The details pane: a device's advertisement, decoded and wrapped (once connected, its GATT tree: GATTPane.swift).
extension ExplorerView {
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
}
