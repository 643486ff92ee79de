import Testing
import TUI

@Suite struct TextTests {
    /// The ASCII fast path (most of every frame) must agree with grapheme-by-grapheme widths: CR LF is one
    /// grapheme, a combining mark after an ASCII letter adds no column, and mixed text goes the long way.
    @Test func asciiWidthsAgreeWithGraphemeWidths() {
        let samples = ["", "abc", "Flood 42  C0:00:00:00:00:2A", "a\r\nb", "\r", "\r\n\r\n", "tab\there", "e\u{301}x",
                       "x漢", "ok🙂", "\u{7F}\u{1B}[31m", String(repeating: "-", count: 200)]
        for text in samples {
            let perGrapheme = text.reduce(0) { $0 + TextWidth.of($1) }
            #expect(TextWidth.of(text) == perGrapheme, "\(text.debugDescription)")
        }
        #expect(TextWidth.of("a\r\nb") == 3, "CR LF is one grapheme")
        #expect(TextWidth.of("e\u{301}x") == 2)
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(TextWidth.of("漢字") == 4)
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("🙂") == 2)
        var screen = hashScreen(6, 1)
        #expect(screen.put("漢字", x: 0, y: 0) == 4)
        #expect(screen.lines == ["漢字##"])
        #expect(screen[1, 0].text == "" && screen[3, 0].text == "")
    }

    @Test func putNeverSplitsAWideCharacterAtTheLimit() {
        var screen = hashScreen(6, 1)
        #expect(screen.put("漢字", x: 0, y: 0, limit: 3) == 2)
        #expect(screen.lines == ["漢####"])
    }

    @Test func truncationEndsInAnEllipsisAndNeverSplitsAWideCharacter() {
        #expect(TextWidth.truncated("Thermometer", to: 6) == "Therm…")
        #expect(TextWidth.truncated("Thermometer", to: 11) == "Thermometer")
        #expect(TextWidth.truncated("Heart Rate", to: 7) == "Heart…")
        #expect(TextWidth.truncated("漢字abc", to: 7) == "漢字abc")
        #expect(TextWidth.truncated("漢字abc", to: 6) == "漢字a…")
        #expect(TextWidth.truncated("漢字abc", to: 5) == "漢字…")
        #expect(TextWidth.truncated("漢字abc", to: 4) == "漢…") // 字 would need columns 3–4 plus the ellipsis
        #expect(TextWidth.truncated("漢字abc", to: 3) == "漢…")
        #expect(TextWidth.truncated("漢字abc", to: 2) == "…")
        #expect(TextWidth.truncated("漢字abc", to: 1) == "…")
        #expect(TextWidth.truncated("漢字abc", to: 0) == "")
        #expect(TextWidth.truncated("abc", to: -3) == "")
        #expect(TextWidth.truncated("abcdef", to: 4, ellipsis: "~") == "abc~")
        for width in 0 ... 8 {
            #expect(TextWidth.of(TextWidth.truncated("漢字abc", to: width)) <= width)
        }
    }

    @Test func fittedPadsToExactlyTheWidth() {
        #expect(TextWidth.fitted("ab", to: 5) == "ab   ")
        #expect(TextWidth.fitted("ab", to: 5, alignment: .right) == "   ab")
        #expect(TextWidth.fitted("ab", to: 5, alignment: .center) == " ab  ")
        #expect(TextWidth.fitted("漢字漢", to: 4) == "漢… ")
        #expect(TextWidth.fitted("漢字漢", to: 4, alignment: .right) == " 漢…")
        #expect(TextWidth.fitted("abc", to: 0) == "")
    }

    @Test func wrappingBreaksAtSpacesAndSplitsOnlyOverlongWords() {
        #expect(TextWidth.wrapped("the quick brown fox", to: 10) == ["the quick", "brown fox"])
        #expect(TextWidth.wrapped("abcdefghij", to: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWidth.wrapped("go abcdefgh", to: 4) == ["go", "abcd", "efgh"])
        #expect(TextWidth.wrapped("漢字漢字", to: 3) == ["漢", "字", "漢", "字"])
        #expect(TextWidth.wrapped("漢字", to: 1) == ["漢", "字"]) // cannot fit, but must not loop forever
        #expect(TextWidth.wrapped("", to: 5) == [""])
        #expect(TextWidth.wrapped("abc", to: 0) == [])
    }

    @Test func sanitizerMakesEscapesVisible() {
        #expect(Sanitizer.inert("\u{1B}[31mEVIL\u{1B}[0m\u{07}\u{FFFD}\r\n") == "\\e[31mEVIL\\e[0m\\a\u{FFFD}\\r\\n")
        #expect(Sanitizer.inert("a\u{0}b\u{7F}\u{9B}") == "a\\x00b\\x7F\\x9B")
        #expect(Sanitizer.inert("\u{202E}txt") == "\\u{202E}txt")
        #expect(Sanitizer.inert(bytes: [0x41, 0xFF, 0x1B]) == "A\u{FFFD}\\e")
    }

    @Test func controlCharactersThatSlipThroughDrawAsQuestionMarks() {
        var screen = Screen(width: 8, height: 1)
        screen.put("a\u{1B}b\u{07}", x: 0, y: 0)
        #expect(screen.text == "a?b?")
    }

    @Test func spansAreLiteralsWithOptionalStyle() {
        let span: Span = "-60 dBm"
        #expect(span == Span("-60 dBm", style: nil))
        let rssi = -72
        let interpolated: Span = "\(rssi) dBm"
        #expect(interpolated.text == "-72 dBm")
    }
}
