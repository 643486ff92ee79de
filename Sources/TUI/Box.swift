/// A bordered panel with an optional title in its top edge: draws the frame only and hands back the inside,
/// so panes compose as `let inner = Box(title: "Devices").render(into: &screen, in: rect)`.
public struct Box: Hashable, Sendable {
    /// Shown in the top border as `┌─ Title ─┐`, cut with an ellipsis to fit; `nil` or empty for none.
    public var title: String?
    /// Whether the pane has the keyboard; a focused box draws in `focusedStyle`.
    public var isFocused: Bool
    /// The border's look when not focused.
    public var style: Style
    /// The border's look when focused.
    public var focusedStyle: Style
    /// Border characters.
    public var glyphs: Glyphs

    /// A box; focused boxes are bold cyan by default.
    public init(title: String? = nil, isFocused: Bool = false, style: Style = .plain,
                focusedStyle: Style = Style(foreground: .cyan, bold: true), glyphs: Glyphs = .unicode) {
        self.title = title
        self.isFocused = isFocused
        self.style = style
        self.focusedStyle = focusedStyle
        self.glyphs = glyphs
    }

    /// Draws the border on `rect`'s edges (nothing when it is under 2×2) and returns the rect inside it.
    /// The interior is left untouched.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Rect {
        let inner = Rect(x: rect.x == .max ? .max : rect.x + 1, y: rect.y == .max ? .max : rect.y + 1,
                         width: rect.width - 2, height: rect.height - 2)
        let area = rect.intersection(screen.bounds)
        guard rect.width >= 2, rect.height >= 2, !area.isEmpty else { return inner }
        let look = isFocused ? focusedStyle : style
        let right = rect.safeMaxX - 1
        let bottom = rect.safeMaxY - 1
        let g = glyphs
        for y in area.y ..< area.maxY {
            for x in area.x ..< area.maxX {
                let top = y == rect.y, low = y == bottom, lead = x == rect.x, tail = x == right
                let glyph: Character? = switch (top, low, lead, tail) {
                case (true, _, true, _): g.topLeft
                case (true, _, _, true): g.topRight
                case (_, true, true, _): g.bottomLeft
                case (_, true, _, true): g.bottomRight
                case (true, _, _, _), (_, true, _, _): g.horizontal
                case (_, _, true, _), (_, _, _, true): g.vertical
                default: nil
                }
                if let glyph { screen[x, y] = Cell(String(glyph), style: look) }
            }
        }
        // "┌─ Title ─┐": the title needs the corner, a line and a space on the left, a space and the corner right.
        if let title, !title.isEmpty, rect.width >= 6, rect.y >= area.y, rect.y < area.maxY {
            let text = " " + TextWidth.truncated(title, to: rect.width - 5, ellipsis: g.ellipsis) + " "
            screen.draw(text, x: rect.x + 2, y: rect.y, width: TextWidth.of(text),
                        clip: Rect(x: area.x, y: area.y, width: min(area.maxX, right) - area.x, height: area.height),
                        style: look.overlaid(with: Style(bold: true)), ellipsis: g.ellipsis)
        }
        return inner
    }
}
