import Testing
import TUI

@Suite struct StatusBarTests {
    let bar = StatusBar(left: [Span("SCAN", style: Style(foreground: .green)), "12 devices"], right: ["q quit", "? help"])

    @Test func leftAndRightSegments() {
        let screen = drawIsolated(42, 3, in: Rect(x: 1, y: 1, width: 40, height: 1)) { screen, rect in
            bar.render(into: &screen, in: rect)
        }
        #expect(screen.lines == ["##########################################",
                                 "#SCAN 12 devices            q quit ? help#",
                                 "##########################################"])
        for x in 1 ... 40 { #expect(screen[x, 1].style.reverse) }
        #expect(screen[1, 1].style == Style(foreground: .green, reverse: true))
        #expect(screen[6, 1].style == reverse)
    }

    @Test func rightSegmentsWinWhenNarrow() {
        var screen = Screen(width: 20, height: 1)
        bar.render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["SCAN…  q quit ? help"])
        #expect(screen[4, 0].style == Style(foreground: .green, reverse: true)) // the ellipsis takes the cut span's look
        var tight = Screen(width: 12, height: 1)
        bar.render(into: &tight, in: tight.bounds)
        #expect(tight.lines == ["q quit ? he…"])
    }

    @Test func wideTextIsCutCleanly() {
        var screen = Screen(width: 6, height: 1)
        StatusBar(left: ["漢字漢字"]).render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["漢字… "])
    }

    @Test func emptyBarIsJustTheFill() {
        var screen = hashScreen(5, 1)
        StatusBar().render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["     "])
        #expect(screen[4, 0].style == reverse)
    }
}
