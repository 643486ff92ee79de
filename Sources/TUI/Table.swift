/// A scrolling table with a header row and a highlighted selection (the scan list, the connection list).
/// The model owns `selected` and `offset`; `render` keeps the selection in view and returns the offset it used.
public struct Table: Hashable, Sendable {
    /// One column: its header, how wide it is and which side its text hugs.
    public struct Column: Hashable, Sendable {
        /// Header text.
        public var title: String
        /// `.fixed(n)` columns, `.percent(p)` of the table, or `.fill(weight)` of what is left.
        public var width: LayoutSize
        /// Alignment of the header and the cells.
        public var alignment: Alignment

        /// A column; by default it shares the spare width and is left-aligned.
        public init(_ title: String, width: LayoutSize = .fill(1), alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    /// The columns, left to right.
    public var columns: [Column]
    /// Rows of cells, one per column (missing cells are blank, extra ones ignored); a cell's style
    /// overrides `style`.
    public var rows: [[Span]]
    /// The highlighted row, if any.
    public var selected: Int?
    /// The first row shown last time (the scroll position); `render` moves it as little as it can.
    public var offset: Int
    /// Whether the first line shows the column titles.
    public var showsHeader: Bool
    /// Columns between cells.
    public var columnSpacing: Int
    /// The look of unselected rows.
    public var style: Style
    /// The header's look.
    public var headerStyle: Style
    /// Laid over the selected row across its whole width (reverse video by default).
    public var selectedStyle: Style
    /// Supplies the ellipsis.
    public var glyphs: Glyphs

    /// A table.
    public init(columns: [Column], rows: [[Span]], selected: Int? = nil, offset: Int = 0, showsHeader: Bool = true,
                columnSpacing: Int = 1, style: Style = .plain, headerStyle: Style = Style(bold: true),
                selectedStyle: Style = Style(reverse: true), glyphs: Glyphs = .unicode) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.offset = offset
        self.showsHeader = showsHeader
        self.columnSpacing = columnSpacing
        self.style = style
        self.headerStyle = headerStyle
        self.selectedStyle = selectedStyle
        self.glyphs = glyphs
    }

    /// Draws the header and the rows that fit, clipped to `rect`, and returns the scroll offset used
    /// (store it back into `offset` for smooth scrolling next time).
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Int {
        let area = rect.intersection(screen.bounds)
        screen.fill(area, style: style)
        let header = showsHeader ? min(1, area.height) : 0
        let visible = area.height - header
        let top = Self.scrollOffset(selected: selected, current: offset, visibleRows: visible, count: rows.count)
        guard !area.isEmpty else { return top }
        let widths = Self.columnWidths(columns, width: area.width, spacing: columnSpacing)
        if header > 0 {
            drawCells(columns.map { Span($0.title) }, widths: widths, y: area.y, area: area, base: style.overlaid(with: headerStyle),
                      overlay: nil, into: &screen)
        }
        for i in 0 ..< max(0, min(visible, rows.count - top)) {
            let index = top + i
            let y = area.y + header + i
            let isSelected = index == selected
            if isSelected { screen.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style.overlaid(with: selectedStyle)) }
            drawCells(rows[index], widths: widths, y: y, area: area, base: style, overlay: isSelected ? selectedStyle : nil,
                      into: &screen)
        }
        return top
    }

    private func drawCells(_ cells: [Span], widths: [Int], y: Int, area: Rect, base: Style, overlay: Style?,
                           into screen: inout Screen) {
        var x = area.x
        for (i, column) in columns.enumerated() {
            guard x < area.maxX else { break }
            let cell = i < cells.count ? cells[i] : Span("")
            let look = base.overlaid(with: cell.style).overlaid(with: overlay)
            screen.draw(cell.text, x: x, y: y, width: widths[i], clip: area, style: look, alignment: column.alignment,
                        ellipsis: glyphs.ellipsis)
            x += widths[i] + max(0, columnSpacing)
        }
    }

    /// The first row to show so `selected` is visible, moving as little as possible from `current` and never
    /// leaving blank rows below the last one; 0 when nothing fits or the list is empty.
    public static func scrollOffset(selected: Int?, current: Int, visibleRows: Int, count: Int) -> Int {
        guard visibleRows > 0, count > 0 else { return 0 }
        let maxOffset = max(0, count - visibleRows)
        var top = min(max(0, current), maxOffset)
        if let selected {
            let s = min(max(0, selected), count - 1)
            if s < top { top = s }
            if s >= top + visibleRows { top = s - visibleRows + 1 }
        }
        return min(max(0, top), maxOffset)
    }

    /// The width of each column in a table `width` columns wide with `spacing` between columns: fixed and
    /// percent columns first, then fill columns share the rest. Unclaimed width stays empty at the right.
    public static func columnWidths(_ columns: [Column], width: Int, spacing: Int) -> [Int] {
        let gaps = max(0, spacing) * max(0, columns.count - 1)
        return LayoutSize.distribute(max(0, width - gaps), among: columns.map(\.width), absorbingSlack: false)
    }
}
