/// A single-line text input: the text, a caret, Emacs-style editing keys, and horizontal scrolling so the
/// caret stays in view. Keep it in the model and feed it keys; equal when text, cursor and placeholder are.
public struct TextField: Hashable, Sendable {
    /// The text typed so far.
    public var text: String {
        didSet { cursor = min(cursor, text.count) }
    }
    /// The caret, in characters from the start (0 ... `text.count`); clamped when set.
    public var cursor: Int {
        didSet { cursor = min(max(0, cursor), text.count) }
    }
    /// Dim text shown while the field is empty ("filter by name…").
    public var placeholder: String
    /// Decides which typed characters are accepted (hex digits only, say); `nil` accepts any printable one.
    public var filter: (@Sendable (Character) -> Bool)?

    /// A field holding `text` with the caret at its end.
    public init(_ text: String = "", placeholder: String = "", filter: (@Sendable (Character) -> Bool)? = nil) {
        self.text = text
        self.cursor = text.count
        self.placeholder = placeholder
        self.filter = filter
    }

    /// Applies one key and returns whether the field used it. Characters insert (control characters and
    /// ones the filter refuses are swallowed); ←/→, Home/End, Backspace/Delete and ctrl-A/E/B/F/D/H/U/K/W
    /// edit. Keys it has no use for (Enter, Esc, Tab, ↑/↓, other ctrl keys) return `false` for the caller.
    public mutating func handle(_ key: Key) -> Bool {
        var chars = Array(text)
        switch key {
        case let .character(c):
            guard !TextWidth.isControl(c), filter?(c) ?? true else { return true }
            chars.insert(c, at: cursor)
            text = String(chars)
            // Re-count: a combining mark typed after a letter merges with it into one character.
            cursor = min(text.count, cursor + 1 - (chars.count - text.count))
        case .left: cursor -= 1
        case .right: cursor += 1
        case .home: cursor = 0
        case .end: cursor = chars.count
        case .backspace: deleteBackward()
        case .delete: deleteForward()
        case let .control(c):
            switch c.lowercased() {
            case "a": cursor = 0
            case "e": cursor = chars.count
            case "b": cursor -= 1
            case "f": cursor += 1
            case "d": deleteForward()
            case "h": deleteBackward()
            case "u":
                text = String(chars[cursor...])
                cursor = 0
            case "k": text = String(chars[..<cursor])
            case "w": deleteWordBackward()
            default: return false
            }
        default: return false
        }
        return true
    }

    private mutating func deleteBackward() {
        guard cursor > 0 else { return }
        var chars = Array(text)
        chars.remove(at: cursor - 1)
        let at = cursor - 1
        text = String(chars)
        cursor = at
    }

    private mutating func deleteForward() {
        var chars = Array(text)
        guard cursor < chars.count else { return }
        chars.remove(at: cursor)
        let at = cursor
        text = String(chars)
        cursor = at
    }

    private mutating func deleteWordBackward() {
        let chars = Array(text)
        var start = cursor
        while start > 0, chars[start - 1] == " " { start -= 1 }
        while start > 0, chars[start - 1] != " " { start -= 1 }
        text = String(chars[..<start] + chars[cursor...])
        cursor = start
    }

    /// The first character shown in a field `width` columns wide: 0 when the caret fits, else as few as
    /// possible are hidden on the left so the caret sits in the last visible cell.
    public func scrollStart(width: Int) -> Int {
        let chars = Array(text)
        let caretWidth = cursor < chars.count ? TextWidth.of(chars[cursor]) : 1
        var start = 0
        var used = chars[..<cursor].reduce(0) { $0 + TextWidth.of($1) } + caretWidth
        while used > width, start < cursor {
            used -= TextWidth.of(chars[start])
            start += 1
        }
        return start
    }

    /// Draws the field on `rect`'s top row (filled with `style`) and, when `showsCursor`, puts the terminal
    /// cursor on the caret via `screen.cursor`.
    public func render(into screen: inout Screen, in rect: Rect, style: Style = .plain, showsCursor: Bool = true) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let line = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        screen.fill(line, style: style)
        if text.isEmpty {
            screen.put(placeholder, x: area.x, y: area.y, style: style.overlaid(with: Style(dim: true)), limit: area.width)
            if showsCursor { screen.cursor = (area.x, area.y) }
            return
        }
        let chars = Array(text)
        let start = scrollStart(width: area.width)
        screen.put(String(chars[start...]), x: area.x, y: area.y, style: style, limit: area.width)
        let caret = area.x + chars[start ..< cursor].reduce(0) { $0 + TextWidth.of($1) }
        if showsCursor, caret < area.maxX { screen.cursor = (caret, area.y) }
    }

    /// Equal when text, cursor and placeholder match; the filter (a closure) is not compared.
    public static func == (a: TextField, b: TextField) -> Bool {
        a.text == b.text && a.cursor == b.cursor && a.placeholder == b.placeholder
    }

    /// Hashes text, cursor and placeholder.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(cursor)
        hasher.combine(placeholder)
    }
}
