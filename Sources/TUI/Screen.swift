/// A terminal colour: the 16 ANSI colours or a 256-colour index; renderers fall back when the terminal has fewer.
public enum Color: Hashable, Sendable {
    /// ANSI 0–7 and their bright forms 8–15.
    case black, red, green, yellow, blue, magenta, cyan, white
    /// Bright (high-intensity) variants.
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
    /// An xterm-256 palette index.
    case indexed(UInt8)

    /// The palette index (0–255).
    public var index: UInt8 {
        switch self {
        case .black: 0
        case .red: 1
        case .green: 2
        case .yellow: 3
        case .blue: 4
        case .magenta: 5
        case .cyan: 6
        case .white: 7
        case .brightBlack: 8
        case .brightRed: 9
        case .brightGreen: 10
        case .brightYellow: 11
        case .brightBlue: 12
        case .brightMagenta: 13
        case .brightCyan: 14
        case .brightWhite: 15
        case let .indexed(i): i
        }
    }
}

/// How a cell looks: colours and attributes. `nil` colours mean the terminal's defaults.
public struct Style: Hashable, Sendable {
    /// Text colour.
    public var foreground: Color?
    /// Background colour.
    public var background: Color?
    /// Bold text.
    public var bold = false
    /// Dimmed text.
    public var dim = false
    /// Swapped foreground and background (selection bars without colour).
    public var reverse = false
    /// Underlined text.
    public var underline = false

    /// A style; everything defaults to plain.
    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's default look.
    public static let plain = Style()
}

/// One screen position: a grapheme (empty for the right half of a wide character) and its style.
public struct Cell: Hashable, Sendable {
    /// What is drawn: one grapheme of display width 1 or 2, or "" after a wide one.
    public var text: String
    /// How it looks.
    public var style: Style

    /// A cell.
    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// A blank cell.
    public static let blank = Cell()
}

/// A rectangle of cells, origin at the top left.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A rectangle; negative sizes become empty.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// Whether it has no cells.
    public var isEmpty: Bool { width == 0 || height == 0 }
    /// One past the right column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }

    /// Whether the cell at (`px`, `py`) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// Shrinks by `n` cells on every side (for borders).
    public func inset(by n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Splits into a top part of `rows` rows (clamped) and the rest.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// Splits into a bottom part of `rows` rows (clamped) and the rest above it.
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - r), Rect(x: x, y: maxY - r, width: width, height: r))
    }

    /// Splits into a left part of `columns` columns (clamped) and the rest.
    public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let c = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }

    /// `10,2 40×12`.
    public var description: String { "\(x),\(y) \(width)×\(height)" }
}

/// An in-memory terminal screen: what the view draws and what a renderer (ncurses, a snapshot) presents.
public struct Screen: Hashable, Sendable {
    /// Columns.
    public private(set) var width: Int
    /// Rows.
    public private(set) var height: Int
    private var cells: [Cell]
    /// Where the terminal cursor should rest (a text input's caret), if visible.
    public var cursor: (x: Int, y: Int)? {
        get { cursorX.map { ($0, cursorY) } }
        set { cursorX = newValue?.x; cursorY = newValue?.y ?? 0 }
    }
    private var cursorX: Int?
    private var cursorY = 0

    /// A blank screen.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a position; out of range reads a blank and writes are ignored. A write that breaks a
    /// wide character (over either half) turns its other half into a blank, so a row never holds half a
    /// character and its columns always add up.
    public subscript(x: Int, y: Int) -> Cell {
        get { x >= 0 && x < width && y >= 0 && y < height ? cells[y * width + x] : .blank }
        set {
            guard x >= 0 && x < width && y >= 0 && y < height else { return }
            let i = y * width + x
            let old = cells[i].text
            if old.isEmpty, !newValue.text.isEmpty, x > 0, Self.isWide(cells[i - 1].text) {
                cells[i - 1].text = " "
            } else if Self.isWide(old), !Self.isWide(newValue.text), x + 1 < width, cells[i + 1].text.isEmpty {
                cells[i + 1].text = " "
            }
            cells[i] = newValue
        }
    }

    private static func isWide(_ text: String) -> Bool { text.utf8.count > 1 && TextWidth.of(text) == 2 }

    /// Fills `rect` (clipped) with `character` in `style`.
    public mutating func fill(_ rect: Rect, with character: String = " ", style: Style = .plain) {
        let area = rect.intersection(bounds) // a rect below or right of the screen would make an inverted range
        guard !area.isEmpty else { return }
        for y in area.y ..< area.maxY {
            for x in area.x ..< area.maxX { self[x, y] = Cell(character, style: style) }
        }
    }

    /// Writes `text` from (`x`, `y`) on one line, stopping at `limit` columns (or the screen edge), and
    /// returns the columns used. Each grapheme is drawn as `TextWidth.cell` gives it: control and
    /// unprintable characters as `?`, bidi controls and other invisible ones not at all, so nothing written
    /// here can move the terminal's cursor, change its state, reorder the line or shift its columns.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = x
        for grapheme in text {
            let (drawn, w) = TextWidth.cell(grapheme)
            if w == 0 { continue }
            guard column + w <= end else { break }
            if column >= 0 {
                self[column, y] = Cell(drawn, style: style)
                if w == 2 { self[column + 1, y] = Cell("", style: style) }
            }
            column += w
        }
        return max(0, column - x)
    }

    /// The rows as plain text (wide characters once, trailing spaces kept): for snapshot tests.
    public var lines: [String] {
        (0 ..< height).map { y in (0 ..< width).map { self[$0, y].text }.joined() }
    }

    /// `lines` joined with newlines, trailing spaces trimmed per row.
    public var text: String {
        lines.map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }

    /// Hashable by content.
    public static func == (a: Screen, b: Screen) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursorX == b.cursorX && a.cursorY == b.cursorY
    }

    /// Hashes the content.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(width); hasher.combine(height); hasher.combine(cells)
    }
}

/// Display width of text in terminal columns, the way the C library's wcwidth (and so ncurses) counts
/// code points: combining marks and invisible format characters 0, East Asian wide and emoji 2.
public enum TextWidth {
    /// Combining marks one cell keeps after its base (ncurses holds at most five code points per cell).
    public static let maximumMarks = 4

    /// Columns a grapheme occupies when drawn: 0, 1 or 2 (see ``cell(_:)``).
    public static func of(_ grapheme: Character) -> Int {
        // ASCII alone is one column (printable, or a control drawn as `?`); the lookups in `cell` are not free.
        if grapheme.utf8.count == 1 { return 1 }
        return cell(grapheme).width
    }

    /// Columns a string occupies.
    public static func of(_ text: String) -> Int {
        // Plain ASCII (every frame is mostly that): each byte is a grapheme of one column, CR LF being ASCII's
        // only two-byte grapheme, so without CR the byte count is the width and grapheme breaking is skipped.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// What a screen cell holds for a grapheme, and its width: what ncurses will count for exactly that text.
    /// Control and unprintable characters (C0, DEL, C1, line and paragraph separators, unassigned code
    /// points) become `?`. A grapheme that starts with an invisible character (a bidi control, a joiner, a
    /// lone combining mark) is not drawn (width 0). Otherwise the base is kept with up to ``maximumMarks``
    /// combining marks and whatever else still fits in two columns; the rest of a long cluster (the second
    /// person of a family emoji, a skin tone after a wide base) and every format character are left out.
    public static func cell(_ grapheme: Character) -> (text: String, width: Int) {
        let scalars = grapheme.unicodeScalars
        guard let base = scalars.first else { return ("", 0) }
        if isUnprintable(base) { return ("?", 1) }
        var width = columns(base)
        if width == 0 { return ("", 0) }
        if scalars.count == 1 { return (String(grapheme), width) }
        var text = String.UnicodeScalarView()
        text.append(base)
        var marks = 0
        for s in scalars.dropFirst() where !isUnprintable(s) && s.properties.generalCategory != .format {
            let w = columns(s)
            if w == 0 {
                guard marks < maximumMarks else { continue }
                marks += 1
            } else {
                guard width + w <= 2 else { continue }
                width += w
            }
            text.append(s)
        }
        return (String(text), width)
    }

    /// Whether a grapheme is a C0/C1 control or DEL.
    public static func isControl(_ grapheme: Character) -> Bool {
        grapheme.unicodeScalars.contains { $0.value < 0x20 || (0x7F ... 0x9F).contains($0.value) }
    }

    /// Columns one code point takes (wcwidth's rules; unprintable ones are checked apart).
    static func columns(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 } // ASCII and Latin-1 (controls are unprintable, not zero)
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160 ... 0x11FF).contains(v) || (0xD7B0 ... 0xD7FF).contains(v) { return 0 } // Hangul vowels, finals
        if (0x1F1E6 ... 0x1F1FF).contains(v) { return 1 } // a regional indicator alone
        if p.isEmojiPresentation || isWide(v) { return 2 }
        return 1
    }

    /// Code points a terminal cannot show as they are: controls, separators that break lines, surrogates,
    /// unassigned ones.
    static func isUnprintable(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || (0x7F ... 0x9F).contains(v) { return true }
        if v < 0x300 { return false }
        switch s.properties.generalCategory {
        case .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .control: return true
        default: return false
        }
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100 ... 0x115F).contains(v) || (0x2E80 ... 0x303E).contains(v) || (0x3041 ... 0x33FF).contains(v)
            || (0x3400 ... 0x4DBF).contains(v) || (0x4E00 ... 0x9FFF).contains(v) || (0xA000 ... 0xA4CF).contains(v)
            || (0xA960 ... 0xA97F).contains(v) || (0xAC00 ... 0xD7A3).contains(v) || (0xF900 ... 0xFAFF).contains(v)
            || (0xFE10 ... 0xFE19).contains(v) || (0xFE30 ... 0xFE6F).contains(v) || (0xFF00 ... 0xFF60).contains(v)
            || (0xFFE0 ... 0xFFE6).contains(v) || (0x16FE0 ... 0x18AFF).contains(v) || (0x1B000 ... 0x1B2FF).contains(v)
            || (0x20000 ... 0x3FFFD).contains(v)
    }
}

/// A key press or terminal happening, as the explorer sees it.
public enum Key: Hashable, Sendable {
    /// A printable character.
    case character(Character)
    /// Control plus a letter (`ctrl("c")`).
    case control(Character)
    /// Arrow keys.
    case up, down, left, right
    /// Editing and navigation keys.
    case enter, escape, tab, backTab, backspace, delete, home, end, pageUp, pageDown
    /// F1–F12.
    case function(Int)
    /// A mouse click at a cell.
    case click(x: Int, y: Int)
    /// The mouse wheel.
    case scrollUp, scrollDown
}
