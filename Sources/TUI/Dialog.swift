/// A centred modal box: a title, a message, an optional text input and a hint line ("Enter write · Esc
/// cancel"). It sizes itself to its content and shrinks to fit small screens (down to 20×6 and below).
public struct Dialog: Hashable, Sendable {
    /// Shown in the top border.
    public var title: String
    /// The message, one paragraph per element, word-wrapped to the dialog's width.
    public var body: [String]
    /// A text input under the message, if the dialog asks for one.
    public var input: TextField?
    /// A dim line at the bottom naming the keys, if any.
    public var hint: String?
    /// The widest the dialog grows, border included.
    public var maxWidth: Int
    /// The look of the dialog's inside.
    public var style: Style
    /// The look of the border.
    public var borderStyle: Style
    /// The look of the input line.
    public var inputStyle: Style
    /// The look of the hint line.
    public var hintStyle: Style
    /// Border characters and ellipsis.
    public var glyphs: Glyphs

    /// A dialog.
    public init(title: String, body: [String] = [], input: TextField? = nil, hint: String? = nil, maxWidth: Int = 60,
                style: Style = .plain, borderStyle: Style = Style(bold: true), inputStyle: Style = Style(underline: true),
                hintStyle: Style = Style(dim: true), glyphs: Glyphs = .unicode) {
        self.title = title
        self.body = body
        self.input = input
        self.hint = hint
        self.maxWidth = maxWidth
        self.style = style
        self.borderStyle = borderStyle
        self.inputStyle = inputStyle
        self.hintStyle = hintStyle
        self.glyphs = glyphs
    }

    /// Columns between the border and the text.
    private static let padding = 1
    /// The narrowest input line the dialog makes room for when it can.
    private static let inputWidth = 24

    /// Where the dialog sits in `bounds`: centred, as wide as its longest line (or the input) plus border and
    /// padding up to `maxWidth`, as tall as its wrapped content, and never larger than `bounds`.
    public func frame(in bounds: Rect) -> Rect {
        let chrome = 2 + 2 * Self.padding
        var content = max(TextWidth.of(title) + 4, TextWidth.of(hint ?? ""), input == nil ? 0 : Self.inputWidth)
        for paragraph in body { content = max(content, TextWidth.of(paragraph)) }
        let width = min(content + chrome, max(maxWidth, chrome + 1), bounds.width)
        let height = min(lines(width: width - chrome, height: .max).count + 2, bounds.height)
        return bounds.centered(width: width, height: height)
    }

    /// Clears and draws the dialog centred in `rect` (usually `screen.bounds`), sets the terminal cursor on
    /// the input's caret, and returns the dialog's frame.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Rect {
        let area = rect.intersection(screen.bounds)
        let frame = frame(in: area)
        guard !frame.isEmpty else { return frame }
        screen.fill(frame, style: style)
        let inner = Box(title: title, style: style.overlaid(with: borderStyle), glyphs: glyphs).render(into: &screen, in: frame)
        let text = Rect(x: inner.x + Self.padding, y: inner.y, width: inner.width - 2 * Self.padding, height: inner.height)
        guard !text.isEmpty else { return frame }
        for (i, line) in lines(width: text.width, height: text.height).enumerated() {
            let y = text.y + i
            switch line {
            case .blank: break
            case let .body(s):
                screen.draw(s, x: text.x, y: y, width: text.width, clip: text, style: style, ellipsis: glyphs.ellipsis)
            case .input:
                input?.render(into: &screen, in: Rect(x: text.x, y: y, width: text.width, height: 1),
                              style: style.overlaid(with: inputStyle))
            case let .hint(s):
                screen.draw(s, x: text.x, y: y, width: text.width, clip: text, style: style.overlaid(with: hintStyle),
                            ellipsis: glyphs.ellipsis)
            }
        }
        return frame
    }

    private enum Line: Hashable { case blank, body(String), input, hint(String) }

    /// The content rows for a text area `width`×`height`. The input is kept first, then the hint, then as many
    /// body lines as fit; blank separators only where rows are spare.
    private func lines(width: Int, height: Int) -> [Line] {
        var budget = max(0, height)
        let showsInput = input != nil && budget > 0
        if showsInput { budget -= 1 }
        let showsHint = hint != nil && budget > 0
        if showsHint { budget -= 1 }
        var out = Array(body.lazy.flatMap { TextWidth.wrapped($0, to: width) }.prefix(budget).map { Line.body($0) })
        budget -= out.count
        if showsInput {
            if budget > 0, !out.isEmpty { out.append(.blank); budget -= 1 }
            out.append(.input)
        }
        if showsHint, let hint {
            if budget > 0, !out.isEmpty { out.append(.blank); budget -= 1 }
            out.append(.hint(hint))
        }
        return out
    }
}
