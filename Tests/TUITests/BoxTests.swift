import Testing
import TUI

@Suite struct BoxTests {
    @Test func drawsTheBorderAndTitleAndLeavesTheInsideAlone() {
        var inner = Rect(x: 0, y: 0, width: 0, height: 0)
        let screen = drawIsolated(14, 6, in: Rect(x: 1, y: 1, width: 12, height: 4)) { screen, rect in
            inner = Box(title: "Devices").render(into: &screen, in: rect)
        }
        #expect(screen.lines == rows("""
            ##############
            #┌─ Devices ┐#
            #│##########│#
            #│##########│#
            #└──────────┘#
            ##############
            """))
        #expect(inner == Rect(x: 2, y: 2, width: 10, height: 2))
    }

    @Test func longTitlesAreCutWithAnEllipsis() {
        let screen = drawIsolated(12, 3, in: Rect(x: 0, y: 0, width: 12, height: 3)) { screen, rect in
            Box(title: "Heart Rate Monitor").render(into: &screen, in: rect)
        }
        #expect(screen.lines[0] == "┌─ Heart… ─┐")
    }

    @Test func wideTitlesAreNeverSplit() {
        var screen = Screen(width: 10, height: 2)
        Box(title: "漢字漢字").render(into: &screen, in: screen.bounds)
        #expect(screen.lines[0] == "┌─ 漢字… ┐")
        var narrower = Screen(width: 9, height: 2)
        Box(title: "漢字漢字").render(into: &narrower, in: narrower.bounds)
        #expect(narrower.lines[0] == "┌─ 漢… ─┐")
        #expect(narrower.lines[1] == "└───────┘")
    }

    @Test func asciiGlyphs() {
        let screen = drawIsolated(10, 3, in: Rect(x: 0, y: 0, width: 10, height: 3)) { screen, rect in
            Box(title: "Scan", glyphs: .ascii).render(into: &screen, in: rect)
        }
        #expect(screen.lines == ["+- Scan -+", "|########|", "+--------+"])
    }

    @Test func focusedBoxesUseTheFocusedStyleAndTitlesAreBold() {
        var screen = Screen(width: 10, height: 3)
        let focus = Style(foreground: .yellow)
        Box(title: "GATT", isFocused: true, focusedStyle: focus).render(into: &screen, in: screen.bounds)
        #expect(screen[0, 0].style == focus)
        #expect(screen[9, 2].style == focus)
        #expect(screen[3, 0].text == "G" && screen[3, 0].style == Style(foreground: .yellow, bold: true))
        Box(title: "GATT").render(into: &screen, in: screen.bounds)
        #expect(screen[0, 0].style == .plain)
    }

    @Test func tinyBoxes() {
        let one = drawIsolated(3, 3, in: Rect(x: 1, y: 1, width: 1, height: 1)) { screen, rect in
            #expect(Box(title: "x").render(into: &screen, in: rect).isEmpty)
        }
        #expect(one.text == "###\n###\n###")
        let two = drawIsolated(4, 4, in: Rect(x: 1, y: 1, width: 2, height: 2)) { screen, rect in
            Box(title: "title").render(into: &screen, in: rect)
        }
        #expect(two.lines == ["####", "#┌┐#", "#└┘#", "####"])
    }

    @Test func aBoxHangingOffTheScreenDrawsOnlyItsVisibleEdges() {
        var screen = Screen(width: 6, height: 3)
        Box().render(into: &screen, in: Rect(x: 2, y: 1, width: 10, height: 10))
        #expect(screen.lines == ["      ", "  ┌───", "  │   "])
    }
}
