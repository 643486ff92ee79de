/// A piece of one row as a terminal backend is handed it: text of one style from a column on. Its display
/// width equals the cells it covers (a wide character's right half adds nothing).
public struct TerminalRun: Hashable, Sendable {
    /// Column of its first cell.
    public var x: Int
    /// Row.
    public var y: Int
    /// The cells' text, joined.
    public var text: String
    /// Their style.
    public var style: Style

    /// A run.
    public init(x: Int, y: Int, text: String, style: Style) {
        self.x = x
        self.y = y
        self.text = text
        self.style = style
    }
}

extension Screen {
    /// What a terminal of `width`×`height` cells is given to show this screen: every row that differs from
    /// `previous` (all of them without one), split where the style changes, clipped to the terminal. A blank
    /// bottom-right cell is left out, since writing it could scroll some terminals. `CursesTerminal` hands
    /// exactly these strings to ncurses, so what is tested here is what the terminal gets.
    public func runs(since previous: Screen?, width: Int, height: Int) -> [TerminalRun] {
        let previous = previous.flatMap { $0.width == self.width && $0.height == self.height ? $0 : nil }
        let columns = min(width, self.width)
        var out: [TerminalRun] = []
        for y in 0 ..< max(0, min(height, self.height)) {
            if let previous, (0 ..< self.width).allSatisfy({ previous[$0, y] == self[$0, y] }) { continue }
            var x = 0
            while x < columns {
                let style = self[x, y].style
                var text = ""
                let start = x
                while x < columns, self[x, y].style == style {
                    text += self[x, y].text
                    x += 1
                }
                if y == height - 1, x == width, text.last == " " { text.removeLast() }
                out.append(TerminalRun(x: start, y: y, text: text, style: style))
            }
        }
        return out
    }
}
