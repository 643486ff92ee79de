import Testing
import TUI
import TUITestSupport

/// The strings and cells handed to curses (`Screen.runs`): never a control, a bidi control or an
/// unprintable code point, and every row exactly as wide as the terminal, whatever text was put.
@Suite struct TerminalRunsTests {
    @Test(arguments: [(20, 6), (80, 3), (7, 2), (1, 1)])
    func hostileTextReachesCursesInertAndAligned(width: Int, height: Int) {
        for text in hostileTexts {
            var screen = Screen(width: width, height: height)
            for y in 0 ..< height { screen.put(text, x: y % 3, y: y, style: Style(bold: y % 2 == 0)) }
            screen.put(text, x: width - 1, y: 0) // a wide character on the last column cannot fit
            let problems = boundaryProblems(screen.runs(since: nil, width: width, height: height), width: width, height: height)
            #expect(problems.isEmpty, "\(width)×\(height) \(text.debugDescription): \(problems.prefix(4))")
        }
    }

    @Test func everyCellIsAsWideAsTheCLibrarySays() {
        for text in hostileTexts {
            var screen = Screen(width: 300, height: 1)
            screen.put(text, x: 0, y: 0)
            for x in 0 ..< 300 where !screen[x, 0].text.isEmpty {
                let cell = screen[x, 0].text
                let libc = cell.unicodeScalars.reduce(0) { $0 + max(0, libcWidth($1)) }
                #expect(libc == TextWidth.of(cell), "\(text.debugDescription): cell \(cell.debugDescription) at \(x)")
                #expect(TextWidth.of(cell) == (screen[x + 1, 0].text.isEmpty && x + 1 < 300 ? 2 : 1),
                        "\(text.debugDescription): a wide cell is followed by its right half, nothing else is")
            }
        }
    }

    @Test func overwritingHalfAWideCharacterLeavesNoHalf() {
        var screen = Screen(width: 10, height: 2)
        screen.put("漢字漢字漢", x: 0, y: 0)
        screen.put("ab", x: 1, y: 0) // over the right half of 漢 and the left half of 字
        screen.put("漢字漢字漢", x: 0, y: 1)
        screen[3, 1] = Cell("x") // the right half of 字 alone
        screen[6, 1] = Cell("") // a right half with nothing wide before it
        #expect(boundaryProblems(screen.runs(since: nil, width: 10, height: 2), width: 10, height: 2).isEmpty)
        #expect(screen.lines[0] == " ab 漢字漢", "the halves left over are blanks")
    }

    @Test func unchangedRowsAreSkippedAndTheLastCellIsNeverWritten() {
        var a = Screen(width: 4, height: 3)
        a.put("abcd", x: 0, y: 0)
        a.put("wxy ", x: 0, y: 2)
        var b = a
        b.put("Q", x: 1, y: 1)
        let runs = b.runs(since: a, width: 4, height: 3)
        #expect(runs.map(\.y) == [1], "only the changed row")
        #expect(runs.map(\.text) == [" Q  "])
        #expect(a.runs(since: nil, width: 4, height: 3).last?.text == "wxy", "a blank bottom-right cell is not written (it could scroll)")
    }

    @Test func runsSplitWhereTheStyleChangesAndClipToTheTerminal() {
        var s = Screen(width: 6, height: 1)
        s.put("ab", x: 0, y: 0, style: Style(bold: true))
        s.put("cd", x: 2, y: 0)
        let runs = s.runs(since: nil, width: 4, height: 2)
        #expect(runs == [TerminalRun(x: 0, y: 0, text: "ab", style: Style(bold: true)), TerminalRun(x: 2, y: 0, text: "cd", style: .plain)])
    }
}
