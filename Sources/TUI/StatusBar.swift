/// A one-row bar of segments, some flush left (state, counts) and some flush right (key hints); when the row
/// is too narrow the right segments keep their space and the left ones are cut with an ellipsis.
public struct StatusBar: Hashable, Sendable {
    /// Segments from the left edge.
    public var left: [Span]
    /// Segments ending at the right edge.
    public var right: [Span]
    /// The bar's look (segments are laid over it); reverse video by default.
    public var style: Style
    /// Columns between segments.
    public var spacing: Int
    /// Supplies the ellipsis.
    public var glyphs: Glyphs

    /// A status bar.
    public init(left: [Span] = [], right: [Span] = [], style: Style = Style(reverse: true), spacing: Int = 1,
                glyphs: Glyphs = .unicode) {
        self.left = left
        self.right = right
        self.style = style
        self.spacing = spacing
        self.glyphs = glyphs
    }

    /// Fills `rect`'s top row with `style` and draws the segments on it: right ones first (cut at their end
    /// only if they alone are too wide), then left ones in what remains, one column apart.
    public func render(into screen: inout Screen, in rect: Rect) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        screen.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: style)
        let rightWidth = min(area.width, width(of: right))
        draw(right, x: area.maxX - rightWidth, width: rightWidth, y: area.y, on: &screen)
        let leftWidth = area.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        draw(left, x: area.x, width: leftWidth, y: area.y, on: &screen)
    }

    private func width(of spans: [Span]) -> Int {
        spans.reduce(0) { $0 + TextWidth.of($1.text) } + max(0, spacing) * max(0, spans.count - 1)
    }

    /// Draws `spans` in `width` columns from `x`, cutting the sequence with an ellipsis if it is too long.
    private func draw(_ spans: [Span], x: Int, width: Int, y: Int, on screen: inout Screen) {
        guard width > 0 else { return }
        var glyphs: [(character: Character, look: Style)] = []
        for (i, span) in spans.enumerated() {
            if i > 0 { glyphs += repeatElement((character: Character(" "), look: style), count: max(0, spacing)) }
            let look = style.overlaid(with: span.style)
            glyphs += span.text.map { ($0, look) }
        }
        if glyphs.reduce(0, { $0 + TextWidth.of($1.character) }) > width {
            let budget = width - TextWidth.of(self.glyphs.ellipsis)
            var used = 0
            var kept = 0
            while kept < glyphs.count, used + TextWidth.of(glyphs[kept].character) <= budget {
                used += TextWidth.of(glyphs[kept].character)
                kept += 1
            }
            while kept > 0, glyphs[kept - 1].character == " " { kept -= 1 }
            let look = kept > 0 ? glyphs[kept - 1].look : style
            glyphs = Array(glyphs[..<kept]) + [(self.glyphs.ellipsis, look)]
        }
        var column = 0
        for glyph in glyphs {
            column += screen.put(String(glyph.character), x: x + column, y: y, style: glyph.look, limit: width - column)
        }
    }
}
