#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TUI

// What ncurses is handed: the runs `Screen.runs` gives `CursesTerminal.present`, which passes each to
// `mvaddstr`. ncurses splits the UTF-8 into code points and gives each the width the C library's wcwidth
// says (0: joins the cell before, 2: takes two cells, -1: unprintable). These helpers check runs the way
// ncurses will see them, with the real wcwidth in a UTF-8 locale: an independent check of `TextWidth`.

/// The C library's column count for one code point in a UTF-8 locale (what ncurses uses), -1 if unprintable.
public func libcWidth(_ scalar: Unicode.Scalar) -> Int {
    #if canImport(Glibc)
    let name = "C.UTF-8"
    #elseif canImport(Darwin)
    let name = "en_US.UTF-8" // not compiled here (no macOS SDK)
    #endif
    guard let locale = newlocale(LC_CTYPE_MASK, name, nil) else { return -1 }
    defer { freelocale(locale) }
    let previous = uselocale(locale) // this thread only
    defer { uselocale(previous) }
    #if canImport(Glibc)
    // The Glibc module does not export wcwidth (an X/Open function): look it up in the C library.
    guard let symbol = dlsym(nil, "wcwidth") else { return -1 }
    let wcwidth = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    return Int(wcwidth(Int32(bitPattern: scalar.value)))
    #elseif canImport(Darwin)
    return Int(Darwin.wcwidth(wchar_t(bitPattern: scalar.value)))
    #endif
}

/// Code points that must never reach the terminal: C0, DEL, C1, and the bidirectional controls.
public func isForbidden(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x20 || (0x7F ... 0x9F).contains(s.value) || s.properties.isBidiControl
}

/// What is wrong with the runs of one full redraw, as ncurses will lay them out: forbidden or unprintable
/// code points, and rows whose columns do not add up to the terminal's width (the last cell of the last row
/// may be left out: it is never written, so the terminal does not scroll).
public func boundaryProblems(_ runs: [TerminalRun], width: Int, height: Int) -> [String] {
    var problems: [String] = []
    var columns = [Int](repeating: 0, count: height)
    var next = [Int](repeating: 0, count: height)
    for run in runs {
        guard run.y >= 0, run.y < height else { problems.append("run off screen at row \(run.y)"); continue }
        if run.x != next[run.y] { problems.append("row \(run.y): run at column \(run.x), ncurses is at \(next[run.y])") }
        var w = 0
        for s in run.text.unicodeScalars {
            if isForbidden(s) { problems.append("row \(run.y): U+\(String(s.value, radix: 16, uppercase: true)) handed to curses") }
            let cw = libcWidth(s)
            if cw < 0 { problems.append("row \(run.y): unprintable U+\(String(s.value, radix: 16, uppercase: true))") }
            w += max(0, cw)
        }
        columns[run.y] += w
        next[run.y] = run.x + w
    }
    for y in 0 ..< height {
        let expected = y == height - 1 ? [width, width - 1] : [width]
        if !expected.contains(columns[y]) { problems.append("row \(y): \(columns[y]) columns for a \(width)-column terminal") }
    }
    return problems
}

/// Text from the radio at its worst: escape sequences, C1 controls (as code points), bidi overrides and
/// isolates, invalid UTF-8 (already U+FFFD), joiners, wide and combining characters, emoji sequences.
public let hostileTexts: [String] = [
    "\u{1B}[31mred\u{1B}[0m", "\u{1B}]0;title\u{07}", "\u{1B}P1;2|data\u{1B}\\", "\u{9B}31m\u{9D}0;x\u{9C}",
    "\u{85}\u{8D}\u{90}\u{9F}", "abc\u{202E}evil\u{202C}", "\u{2066}iso\u{2069}\u{2067}\u{2068}\u{202A}\u{202B}\u{202D}",
    "\u{200E}\u{200F}\u{061C}", "\u{FFFD}\u{FFFD}bad", "a\u{200D}b", "\u{200D}lead", "\u{200B}\u{2060}\u{FEFF}",
    "漢字センサー", "表示幅", "👨‍👩‍👧‍👦 family", "👍🏽 thumbs", "🇩🇪🇫🇷 flags", "❤️ heart", "é" + "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}",
    "\u{301}lead mark", "Z\u{351}\u{352}\u{353}\u{354}\u{355}\u{356}\u{357}\u{358}\u{359}\u{35A}algo", "\u{2028}line\u{2029}para",
    "\u{0378}unassigned\u{FFFF}", "tab\there\nnew\rline\u{7F}", "ㄱ\u{1161}\u{11A8} jamo", String(repeating: "漢", count: 124),
]
