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

    /// The cell at a position; out of range reads a blank and writes are ignored.
    public subscript(x: Int, y: Int) -> Cell {
        get { x >= 0 && x < width && y >= 0 && y < height ? cells[y * width + x] : .blank }
        set { if x >= 0 && x < width && y >= 0 && y < height { cells[y * width + x] = newValue } }
    }

    /// Fills `rect` (clipped) with `character` in `style`.
    public mutating func fill(_ rect: Rect, with character: String = " ", style: Style = .plain) {
        let area = rect.intersection(bounds) // a rect below or right of the screen would make an inverted range
        guard !area.isEmpty else { return }
        for y in area.y ..< area.maxY {
            for x in area.x ..< area.maxX { self[x, y] = Cell(character, style: style) }
        }
    }

    /// Writes `text` from (`x`, `y`) on one line, stopping at `limit` columns (or the screen edge), and
    /// returns the columns used. Control characters that slipped through are drawn as `?`: nothing written
    /// here can move the terminal's cursor or change its state.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = x
        for grapheme in text {
            let w = TextWidth.of(grapheme)
            if w == 0 { continue }
            guard column + w <= end else { break }
            if column >= 0 {
                self[column, y] = Cell(TextWidth.isControl(grapheme) ? "?" : String(grapheme), style: style)
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

/// Display width of text in terminal columns (a small wcwidth: combining marks 0, East Asian wide and emoji 2).
public enum TextWidth {
    /// Columns a grapheme occupies: 0, 1 or 2. Control characters count 1 (they are drawn as a visible mark).
    public static func of(_ grapheme: Character) -> Int {
        guard let first = grapheme.unicodeScalars.first else { return 0 }
        // ASCII is one column (no ASCII scalar is a mark, wide or emoji-presented); the lookups below are not free.
        if first.value < 0x80 { return 1 }
        let p = first.properties
        if p.generalCategory == .nonspacingMark || p.generalCategory == .enclosingMark { return 0 }
        if first.value == 0x200B || first.value == 0xFEFF { return 0 }
        if p.isEmojiPresentation || isWide(first.value) { return 2 }
        return 1
    }

    /// Columns a string occupies.
    public static func of(_ text: String) -> Int {
        // Plain ASCII (every frame is mostly that): each byte is a grapheme of one column, CR LF being ASCII's
        // only two-byte grapheme, so without CR the byte count is the width and grapheme breaking is skipped.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// Whether a grapheme is a C0/C1 control or DEL.
    public static func isControl(_ grapheme: Character) -> Bool {
        grapheme.unicodeScalars.contains { $0.value < 0x20 || (0x7F ... 0x9F).contains($0.value) }
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100 ... 0x115F).contains(v) || (0x2E80 ... 0x303E).contains(v) || (0x3041 ... 0x33FF).contains(v)
            || (0x3400 ... 0x4DBF).contains(v) || (0x4E00 ... 0x9FFF).contains(v) || (0xA000 ... 0xA4CF).contains(v)
            || (0xAC00 ... 0xD7A3).contains(v) || (0xF900 ... 0xFAFF).contains(v) || (0xFE30 ... 0xFE4F).contains(v)
            || (0xFF00 ... 0xFF60).contains(v) || (0xFFE0 ... 0xFFE6).contains(v) || (0x20000 ... 0x3FFFD).contains(v)
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
