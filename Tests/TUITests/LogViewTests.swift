import Testing
import TUI

@Suite struct LogViewTests {
    @Test func visibleRangeFollowsOrStaysPut() {
        #expect(LogView.visibleRange(count: 10, height: 3, offset: 0, follows: true) == 7 ..< 10)
        #expect(LogView.visibleRange(count: 10, height: 3, offset: 2, follows: false) == 2 ..< 5)
        #expect(LogView.visibleRange(count: 10, height: 3, offset: 9, follows: false) == 7 ..< 10)
        #expect(LogView.visibleRange(count: 10, height: 3, offset: -4, follows: false) == 0 ..< 3)
        #expect(LogView.visibleRange(count: 2, height: 5, offset: 0, follows: true) == 0 ..< 2)
        #expect(LogView.visibleRange(count: 2, height: 5, offset: 1, follows: false) == 0 ..< 2)
        #expect(LogView.visibleRange(count: 10, height: 0, offset: 0, follows: true).isEmpty)
        #expect(LogView.visibleRange(count: 0, height: 4, offset: 3, follows: false) == 0 ..< 0)
    }

    @Test func followingShowsTheNewestLines() {
        let lines: [Span] = ["one", "two", Span("three", style: Style(foreground: .red)), "a very long line"]
        let screen = drawIsolated(10, 4, in: Rect(x: 1, y: 1, width: 8, height: 2)) { screen, rect in
            #expect(LogView(lines: lines).render(into: &screen, in: rect) == 2 ..< 4)
        }
        #expect(screen.lines == ["##########", "#three   #", "#a very… #", "##########"])
        #expect(screen[1, 1].style == Style(foreground: .red))
    }

    @Test func scrolledBackStaysAtItsOffset() {
        let lines: [Span] = ["one", "two", "three", "four"]
        var screen = Screen(width: 8, height: 2)
        #expect(LogView(lines: lines, follows: false, offset: 1).render(into: &screen, in: screen.bounds) == 1 ..< 3)
        #expect(screen.text == "two\nthree")
    }
}
