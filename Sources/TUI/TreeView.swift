/// A scrolling outline (services ▸ characteristics ▸ descriptors) drawn from an already flattened list of
/// visible items; the model owns which nodes are open and hands over only the rows to show.
public struct TreeView: Hashable, Sendable {
    /// One visible row of the outline.
    public struct Item: Hashable, Sendable {
        /// The row's text.
        public var label: String
        /// Nesting level, 0 at the root; each level indents by `indentWidth`.
        public var depth: Int
        /// Whether the node has children (draws a disclosure marker).
        public var isExpandable: Bool
        /// Whether its children are shown (`▾`) or hidden (`▸`).
        public var isExpanded: Bool
        /// Right-aligned extra text (a handle, a value, properties), if any.
        public var detail: String?
        /// The label's look; `nil` for the tree's `style`.
        public var style: Style?
        /// The detail's look; `nil` for dim.
        public var detailStyle: Style?

        /// An item; by default a leaf at the root.
        public init(_ label: String, depth: Int = 0, isExpandable: Bool = false, isExpanded: Bool = false,
                    detail: String? = nil, style: Style? = nil, detailStyle: Style? = nil) {
            self.label = label
            self.depth = depth
            self.isExpandable = isExpandable
            self.isExpanded = isExpanded
            self.detail = detail
            self.style = style
            self.detailStyle = detailStyle
        }
    }

    /// The visible rows, top to bottom.
    public var items: [Item]
    /// The highlighted row, if any.
    public var selected: Int?
    /// The first row shown last time; `render` moves it as little as it can (as `Table` does).
    public var offset: Int
    /// Columns of indentation per depth level.
    public var indentWidth: Int
    /// The look of unselected rows.
    public var style: Style
    /// Laid over the selected row across its whole width.
    public var selectedStyle: Style
    /// Supplies the markers and the ellipsis.
    public var glyphs: Glyphs

    /// A tree view.
    public init(items: [Item], selected: Int? = nil, offset: Int = 0, indentWidth: Int = 2, style: Style = .plain,
                selectedStyle: Style = Style(reverse: true), glyphs: Glyphs = .unicode) {
        self.items = items
        self.selected = selected
        self.offset = offset
        self.indentWidth = indentWidth
        self.style = style
        self.selectedStyle = selectedStyle
        self.glyphs = glyphs
    }

    /// Draws the rows that fit as `indent + marker + label … detail`, clipped to `rect`, and returns the scroll
    /// offset used. When label and detail do not both fit, the detail keeps at most half the row.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Int {
        let area = rect.intersection(screen.bounds)
        screen.fill(area, style: style)
        let top = Table.scrollOffset(selected: selected, current: offset, visibleRows: area.height, count: items.count)
        guard !area.isEmpty else { return top }
        for i in 0 ..< max(0, min(area.height, items.count - top)) {
            let index = top + i
            let item = items[index]
            let y = area.y + i
            let overlay = index == selected ? selectedStyle : nil
            if overlay != nil { screen.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style.overlaid(with: overlay)) }
            let indent = min(area.width, max(0, item.depth) * max(0, indentWidth))
            let marker = item.isExpandable ? String(item.isExpanded ? glyphs.expanded : glyphs.collapsed) + " " : "  "
            let x = area.x + indent
            let room = area.maxX - x
            let markerWidth = screen.put(marker, x: x, y: y, style: style.overlaid(with: overlay), limit: room)
            let space = room - markerWidth
            let labelWidth = TextWidth.of(item.label)
            var detailWidth = 0
            if let detail = item.detail, !detail.isEmpty, space > 2 {
                let wanted = TextWidth.of(detail)
                detailWidth = labelWidth + 1 + wanted <= space ? wanted : min(wanted, max((space - 1) / 2, space - 1 - labelWidth))
                let look = style.overlaid(with: item.detailStyle ?? Style(dim: true)).overlaid(with: overlay)
                screen.draw(detail, x: area.maxX - detailWidth, y: y, width: detailWidth, clip: area, style: look,
                            alignment: .right, ellipsis: glyphs.ellipsis)
            }
            let labelRoom = space - (detailWidth > 0 ? detailWidth + 1 : 0)
            if labelRoom > 0 {
                screen.draw(item.label, x: x + markerWidth, y: y, width: labelRoom, clip: area,
                            style: style.overlaid(with: item.style).overlaid(with: overlay), ellipsis: glyphs.ellipsis)
            }
        }
        return top
    }
}
