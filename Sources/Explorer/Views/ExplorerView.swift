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

    // The panes are drawn in one file each: ScanPane, AdvertisementPane, GATTPane, LogPane,
    // StatusAndOverlays, and ChartView, TrafficView, DetailView, BondsView for the overlays.
}
