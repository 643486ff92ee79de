import TUI

/// Where each pane sits for a terminal size: side by side from 100 columns, stacked when narrow, and only
/// the focused pane below 60×12 (down to 20×6 and beyond, never failing).
public struct ExplorerLayout: Hashable, Sendable {
    /// The device list (border included).
    public var scan: Rect
    /// Advertisement detail or GATT tree.
    public var details: Rect
    /// Notification log or traffic.
    public var log: Rect
    /// The status bar row.
    public var status: Rect
    /// Whether only one pane shows.
    public var compact: Bool

    /// The layout for a `width`×`height` terminal; in compact mode, or `zoomed`, `focus` decides which pane
    /// shows (and it gets the whole body). The log takes 30 % of the height, at least five rows.
    public init(width: Int, height: Int, focus: Pane = .scan, showLog: Bool = true, zoomed: Bool = false) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (body, status) = screen.splitBottom(height > 1 ? 1 : 0)
        self.status = status
        let empty = Rect(x: 0, y: 0, width: 0, height: 0)
        compact = width < 60 || height < 12
        if compact || zoomed {
            scan = focus == .scan ? body : empty
            details = focus == .details ? body : empty
            log = focus == .log ? body : empty
            return
        }
        let logRows = showLog ? max(5, body.height * 3 / 10) : 0
        let (top, bottom) = body.splitBottom(logRows)
        log = bottom
        if width >= 100 {
            let (l, r) = top.splitLeft(width * 57 / 100)
            scan = l
            details = r
        } else {
            let (t, b) = top.splitTop(top.height / 2)
            scan = t
            details = b
        }
    }

    /// Rows of devices that fit in the scan pane (border and header excluded).
    public var scanVisibleRows: Int { max(0, scan.height - 3) }

    /// The list row (0-based, before scrolling) at screen row `y`, if it is one.
    public func scanRow(atY y: Int) -> Int? {
        let first = scan.y + 2
        guard y >= first, y < first + scanVisibleRows else { return nil }
        return y - first
    }
}

/// The first row to show so the selection stays visible (the list scrolls as little as it can from the top).
func scrollOffset(selected: Int?, count: Int, visible: Int) -> Int {
    Table.scrollOffset(selected: selected, current: 0, visibleRows: visible, count: count)
}
