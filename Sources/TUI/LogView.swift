/// A scrolling log (BGAPI traffic, events): follows the newest line at the bottom, or stays where the user
/// scrolled to. Long lines are cut with an ellipsis.
public struct LogView: Hashable, Sendable {
    /// The lines, oldest first; a line's style overrides `style`.
    public var lines: [Span]
    /// Whether the view is pinned to the bottom (new lines scroll in) rather than at `offset`.
    public var follows: Bool
    /// The first line shown when not following.
    public var offset: Int
    /// The look of lines without their own.
    public var style: Style
    /// Supplies the ellipsis.
    public var glyphs: Glyphs

    /// A log view, following by default.
    public init(lines: [Span], follows: Bool = true, offset: Int = 0, style: Style = .plain, glyphs: Glyphs = .unicode) {
        self.lines = lines
        self.follows = follows
        self.offset = offset
        self.style = style
        self.glyphs = glyphs
    }

    /// Draws the visible lines, clipped to `rect`, and returns their indices.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Range<Int> {
        let area = rect.intersection(screen.bounds)
        screen.fill(area, style: style)
        let range = Self.visibleRange(count: lines.count, height: area.height, offset: offset, follows: follows)
        guard !area.isEmpty else { return range }
        for (i, index) in range.enumerated() {
            let line = lines[index]
            screen.draw(line.text, x: area.x, y: area.y + i, width: area.width, clip: area,
                        style: style.overlaid(with: line.style), ellipsis: glyphs.ellipsis)
        }
        return range
    }

    /// The indices of the lines shown in `height` rows: the last `height` when following, else from `offset`
    /// clamped so the view is never scrolled past the last line (nor shows blank rows it could fill).
    public static func visibleRange(count: Int, height: Int, offset: Int, follows: Bool) -> Range<Int> {
        let count = max(0, count)
        guard height > 0 else { return count ..< count }
        let last = max(0, count - height)
        let start = follows ? last : min(max(0, offset), last)
        return start ..< min(count, start + height)
    }
}
