import CNCursesw
import TUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal through ncursesw: presents ``Screen``s (ncurses sends only the cells that changed)
/// and reads keys, mouse clicks and resizes. The only place in blex that touches curses.
public final class CursesTerminal {
    /// Colours available: 0 (none or NO_COLOR), 8, 16 or 256.
    public private(set) var colorCount = 0
    private var pairs: [Int: Int32] = [:]
    private var previous: Screen?
    private var active = false

    /// Takes over the terminal: UTF-8 locale, raw keys, no echo, hidden cursor, mouse clicks when `mouse`.
    /// Colours are off when `NO_COLOR` is set (https://no-color.org) or the terminal has fewer than 8.
    public init(mouse: Bool = true) {
        setlocale(LC_ALL, "")
        if getenv("ESCDELAY") == nil { setenv("ESCDELAY", "25", 1) }
        initscr()
        active = true
        raw()
        noecho()
        nonl()
        keypad(blex_stdscr(), true)
        nodelay(blex_stdscr(), true)
        curs_set(0)
        if mouse {
            mousemask(blex_mouse_mask(), nil)
            mouseinterval(0)
        }
        let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
            let n = blex_colors()
            colorCount = n >= 256 ? 256 : n >= 16 ? 16 : n >= 8 ? 8 : 0
        }
    }

    /// Gives the terminal back as it was. Safe to call twice.
    public func end() {
        guard active else { return }
        active = false
        endwin()
    }

    deinit { end() }

    /// Current size in columns and rows.
    public var size: (width: Int, height: Int) { (Int(blex_cols()), Int(blex_lines())) }

    /// Draws `screen`: rows equal to the last presented frame are skipped, the rest go to ncurses,
    /// whose own diff sends only changed cells to the terminal.
    public func present(_ screen: Screen) {
        let (width, height) = size
        let sameSize = previous.map { $0.width == screen.width && $0.height == screen.height } ?? false
        if !sameSize { erase() }
        // The runs are pure (TUI/TerminalRun.swift) and tested there: these exact strings go to ncurses.
        for run in screen.runs(since: sameSize ? previous : nil, width: width, height: height) {
            let (attrs, pair) = attributes(for: run.style)
            _ = blex_draw(Int32(run.y), Int32(run.x), run.text, attrs, pair)
        }
        if let c = screen.cursor, c.x >= 0, c.x < width, c.y >= 0, c.y < height {
            curs_set(1)
            move(Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
        }
        refresh()
        previous = screen
    }

    /// Forgets the last frame, so the next `present` redraws everything (after a resize).
    public func invalidate() {
        previous = nil
        clearok(blex_stdscr(), true)
    }

    private func attributes(for style: Style) -> (attr_t, Int32) {
        var attrs: attr_t = 0
        if style.bold { attrs |= blex_a_bold() }
        if style.dim { attrs |= blex_a_dim() }
        if style.reverse { attrs |= blex_a_reverse() }
        if style.underline { attrs |= blex_a_underline() }
        guard colorCount > 0, style.foreground != nil || style.background != nil else { return (attrs, 0) }
        let fg = style.foreground.map { map($0, bold: &attrs) } ?? -1
        var ignored: attr_t = 0
        let bg = style.background.map { map($0, bold: &ignored) } ?? -1
        let key = Int(fg + 1) << 16 | Int(bg + 1)
        if let pair = pairs[key] { return (attrs, pair) }
        let next = Int32(pairs.count + 1)
        guard next < blex_color_pairs() else { return (attrs, 0) }
        init_pair(Int16(next), Int16(fg), Int16(bg))
        pairs[key] = next
        return (attrs, next)
    }

    /// Maps a colour onto what the terminal has: 256 as is, 16 folds the palette, 8 turns bright into bold.
    private func map(_ color: Color, bold: inout attr_t) -> Int32 {
        let i = Int32(color.index)
        switch colorCount {
        case 256: return i
        case 16: return i < 16 ? i : 7
        default:
            if i >= 8 && i < 16 { bold |= blex_a_bold(); return i - 8 }
            return i < 8 ? i : 7
        }
    }

    /// Reads every key waiting (never blocks). A resize arrives as `nil` in the list's place: call ``size``.
    public func readKeys() -> [TerminalInput] {
        var out: [TerminalInput] = []
        while true {
            var ch: wint_t = 0
            let r = get_wch(&ch)
            if r == ERR { break }
            if r == KEY_CODE_YES {
                if let input = special(Int32(ch)) { out.append(input) }
            } else if let input = character(UInt32(ch)) {
                out.append(input)
            }
        }
        return out
    }

    private func special(_ code: Int32) -> TerminalInput? {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_BTAB: return .key(.backTab)
        case KEY_ENTER: return .key(.enter)
        case KEY_RESIZE: return .resize
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            if blex_is_wheel_up(event.bstate) != 0 { return .key(.scrollUp) }
            if blex_is_wheel_down(event.bstate) != 0 { return .key(.scrollDown) }
            if blex_is_click(event.bstate) != 0 { return .key(.click(x: Int(event.x), y: Int(event.y))) }
            return nil
        default:
            for n in 1 ... 12 where code == blex_key_f(Int32(n)) { return .key(.function(n)) }
            return nil
        }
    }

    private func character(_ value: UInt32) -> TerminalInput? {
        switch value {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1 ... 26: return .key(.control(Character(Unicode.Scalar(value + 96)!)))
        default:
            guard let scalar = Unicode.Scalar(value), value >= 32 else { return nil }
            return .key(.character(Character(scalar)))
        }
    }
}

/// What the terminal reports.
public enum TerminalInput: Hashable, Sendable {
    /// A key or mouse event.
    case key(Key)
    /// The window changed size.
    case resize
}
