/// A piece of text with an optional style; `nil` takes the style of whatever holds it (row, bar, pane).
/// Table cells, log lines and status bar segments are spans; a string literal is a plain span.
public struct Span: Hashable, Sendable, ExpressibleByStringInterpolation {
    /// What is drawn (already sanitised if it came from the radio).
    public var text: String
    /// Its look, or `nil` for the container's.
    public var style: Style?

    /// A span.
    public init(_ text: String, style: Style? = nil) {
        self.text = text
        self.style = style
    }

    /// A plain span from a literal, so `["AA:BB", "-60 dBm"]` is a row of cells.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A plain span from an interpolated literal (`"\(rssi) dBm"`).
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}

/// Where text sits in a space wider than itself.
public enum Alignment: Hashable, Sendable {
    /// Flush left (names, labels).
    case left
    /// Flush right (numbers, RSSI).
    case right
    /// Centred, any odd column going to the right.
    case center
}

extension TextWidth {
    /// `text` cut to at most `width` columns, ending in `ellipsis` (after any trailing spaces are dropped) when
    /// anything was cut. A wide character is never split: the result may be a column short of `width` instead.
    public static func truncated(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        let budget = width - of(ellipsis)
        guard budget >= 0 else { return String(text[..<prefixEnd(text[...], columns: width)]) }
        var kept = text[..<prefixEnd(text[...], columns: budget)]
        while kept.last == " " { kept.removeLast() } // "Heart…", not "Heart …"
        return String(kept) + String(ellipsis)
    }

    /// `text` truncated (see `truncated`) and padded with spaces to exactly `width` columns.
    public static func fitted(_ text: String, to width: Int, alignment: Alignment = .left,
                              ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        let cut = truncated(text, to: width, ellipsis: ellipsis)
        let gap = max(0, width - of(cut))
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            return String(repeating: " ", count: gap / 2) + cut + String(repeating: " ", count: gap - gap / 2)
        }
    }

    /// `text` word-wrapped to lines of at most `width` columns; words longer than a line are broken
    /// between characters. An empty text is one empty line; `width` ≤ 0 gives no lines.
    public static func wrapped(_ text: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ") {
            var rest = word
            var restWidth = of(String(rest))
            if lineWidth > 0, lineWidth + 1 + restWidth <= width {
                line += " " + rest
                lineWidth += 1 + restWidth
                continue
            }
            if lineWidth > 0 {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            while restWidth > width {
                var end = prefixEnd(rest, columns: width)
                if end == rest.startIndex { end = rest.index(after: end) } // a wide character in 1 column
                lines.append(String(rest[..<end]))
                rest = rest[end...]
                restWidth = of(String(rest))
            }
            line = String(rest)
            lineWidth = restWidth
        }
        if lineWidth > 0 || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The end of the longest prefix of `text` that fits in `columns` columns.
    static func prefixEnd(_ text: Substring, columns: Int) -> String.Index {
        var used = 0
        var index = text.startIndex
        while index < text.endIndex {
            let w = of(text[index])
            if used + w > columns { break }
            used += w
            index = text.index(after: index)
        }
        return index
    }
}

extension Style {
    /// This style with `top` laid over it: `top`'s colours where it sets them, attributes combined.
    func overlaid(with top: Style?) -> Style {
        guard let top else { return self }
        return Style(foreground: top.foreground ?? foreground, background: top.background ?? background,
                     bold: bold || top.bold, dim: dim || top.dim, reverse: reverse || top.reverse,
                     underline: underline || top.underline)
    }
}

extension Rect {
    /// One past the right column, saturating instead of overflowing.
    var safeMaxX: Int { x.addingReportingOverflow(width).overflow ? .max : x + width }
    /// One past the bottom row, saturating instead of overflowing.
    var safeMaxY: Int { y.addingReportingOverflow(height).overflow ? .max : y + height }
}

extension Screen {
    /// Draws `text` fitted into `width` columns from (`x`, `y`) (truncated with `ellipsis`, padded to the
    /// full width in `style`, aligned), never past `clip`'s right edge or outside its rows.
    mutating func draw(_ text: String, x: Int, y: Int, width: Int, clip: Rect, style: Style,
                       alignment: Alignment = .left, ellipsis: Character) {
        guard y >= clip.y, y < clip.maxY, x >= clip.x else { return }
        let w = min(width, clip.maxX - x)
        guard w > 0 else { return }
        put(TextWidth.fitted(text, to: w, alignment: alignment, ellipsis: ellipsis), x: x, y: y, style: style,
            limit: w)
    }
}
