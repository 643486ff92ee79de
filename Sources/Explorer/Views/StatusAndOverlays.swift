import BGAPICore
import BluetoothNumbers
import TUI

/// The status line, and the editor and prompt overlays.
extension ExplorerView {
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
        if state.dongleGone != nil {
            left.append(Span(" NO DONGLE ", style: Style(foreground: .white, background: .red, bold: true)))
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
