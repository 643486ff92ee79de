import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile advertising names through the real binary and a real terminal (tmux): the escapes show as text,
/// nothing acts on the terminal, and the scan pane's columns stay aligned (its right border sits in one
/// column on every row, counted the way the terminal counts: the C library's wcwidth).
@Suite(.serialized) struct HostileEndToEndTests {
    /// Names as the radio sends them (hex, so any byte can be said): OSC, a C1 CSI, a bidi override, wide
    /// text, raw C1 and invalid UTF-8, a family emoji (joiners), combining marks, a zero-width joiner first.
    static let names = [
        "1B5D303B70776E0741", // ESC ] 0;pwn BEL A
        "C29B33316D42", // U+009B "31m" B
        "E280AE6C697665", // U+202E "live"
        "E6BCA2E5AD97E382BBE383B3E382B5E383BC", // 漢字センサー
        "9B316DFFFE43", // raw C1 0x9B, invalid UTF-8
        "F09F91A8E2808DF09F91A9E2808DF09F91A7", // 👨‍👩‍👧
        "65CC81CC82CC83CC84CC85", // e and five combining marks
        "E2808D5A574A", // ZWJ "ZWJ"
    ]

    static func scenario() -> String {
        let peripherals = names.enumerated().map { i, hex in
            #"{"id": "h\#(i)", "address": "DE:AD:BE:EF:01:0\#(i)", "advertisingIntervalMs": 100, "rssi": {"mean": \#(-40 - i)}, "#
                + #""advertising": {"flags": 6, "nameHex": "\#(hex)"}}"#
        }
        return #"{"name": "hostile", "peripherals": [\#(peripherals.joined(separator: ", "))]}"#
    }

    static func columns(_ line: String) -> [Int] {
        // The display column of every "│" on the line.
        var out: [Int] = []
        var x = 0
        for s in line.unicodeScalars {
            if s == "│" { out.append(x) }
            x += max(0, libcWidth(s))
        }
        return out
    }

    @Test("hostile names show inert and aligned in a real terminal")
    func hostileNamesInARealTerminal() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-hostile-\(UUID().uuidString).json")
        try Self.scenario().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tmux = try Tmux.start(width: 120, height: 30, scenario: file.path)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("all eight hostile devices", timeout: .seconds(30)) { $0.text.contains("Devices 8 ") }
        let text = screen.text
        #expect(text.contains(#"\e]0;pwn\aA"#), "the OSC shows as text:\n\(screen.report)")
        #expect(text.contains(#"\x9B31mB"#), "the C1 CSI shows as its code")
        #expect(text.contains(#"\u{202E}live"#), "the bidi override shows as its code")
        #expect(text.contains("漢字センサー"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || (0x80 ... 0x9F).contains($0.value) || $0.properties.isBidiControl },
                "nothing raw reached the terminal")
        // The scan pane's rows: its left border at 0 and its right border in one column, every row.
        let rows = screen.lines.drop { !$0.hasPrefix("┌─ Devices") }.dropFirst().prefix { $0.hasPrefix("│") }
        #expect(rows.count >= 9, "the header and eight devices:\n\(screen.report)")
        let right = Set(rows.compactMap { Self.columns($0).dropFirst().first })
        #expect(right.count == 1, "the right border moved: \(right.sorted())\n\(screen.report)")
        tmux.type("q")
        try await tmux.waitForExit()
    }
}

/// The C library's column count for one code point in C.UTF-8 (what tmux and ncurses use), -1 if unprintable.
func libcWidth(_ scalar: Unicode.Scalar) -> Int {
    #if canImport(Glibc)
    guard let locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return -1 }
    defer { freelocale(locale) }
    let previous = uselocale(locale)
    defer { uselocale(previous) }
    guard let symbol = dlsym(nil, "wcwidth") else { return -1 }
    return Int(unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)(Int32(bitPattern: scalar.value)))
    #else
    return 1
    #endif
}
