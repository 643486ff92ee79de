import Testing
import TUI

@Suite struct SparklineTests {
    let rssi: ClosedRange<Double> = -100 ... -30

    @Test func minimumIsTheLowestBarMaximumTheFullBlockNilASpace() {
        #expect(Sparkline.string(values: [-100, -30, nil], width: 3, range: rssi) == "▁█ ")
    }

    @Test func levelsAreLinearAcrossTheRange() {
        let values: [Double?] = (0 ..< 8).map { -100 + 10 * Double($0) }
        #expect(Sparkline.string(values: values, width: 8, range: rssi) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.string(values: [-96, -94, -36, -34], width: 4, range: rssi) == "▁▂▇█") // nearest level
    }

    @Test func valuesOutsideTheRangeAreClamped() {
        #expect(Sparkline.string(values: [-127, 20, .infinity, -.infinity], width: 4, range: rssi) == "▁██▁")
    }

    @Test func notANumberIsAGap() {
        #expect(Sparkline.string(values: [.nan, -30], width: 2, range: rssi) == " █")
    }

    @Test func newestSampleIsAtTheRightEdgeAndOnlyTheLastWidthAreShown() {
        #expect(Sparkline.string(values: [-100, -30], width: 5, range: rssi) == "   ▁█")
        let history: [Double?] = [-30, -30, -30, -100, nil, -65]
        #expect(Sparkline.string(values: history, width: 3, range: rssi) == "▁ ▅")
        #expect(Sparkline.string(values: history, width: 0, range: rssi) == "")
        #expect(Sparkline.string(values: history, width: -2, range: rssi) == "")
        #expect(Sparkline.string(values: [], width: 2, range: rssi) == "  ")
    }

    @Test func asciiRamp() {
        let values: [Double?] = (0 ..< 8).map { -100 + 10 * Double($0) }
        #expect(Sparkline.string(values: values, width: 8, range: rssi, ascii: true) == " .:-=+*#")
        #expect(Sparkline.string(values: [-30, nil, -65], width: 3, range: rssi, ascii: true) == "# =")
    }

    @Test func aDegenerateRangeDoesNotDivideByZero() {
        #expect(Sparkline.string(values: [-50, -60, -40], width: 3, range: -50 ... -50) == "█▁█")
    }

    @Test func rendersOnTheTopRowOfItsRect() {
        let screen = drawIsolated(10, 4, in: Rect(x: 2, y: 1, width: 5, height: 2)) { screen, rect in
            Sparkline(values: [-100, nil, -30], range: rssi, style: Style(foreground: .green)).render(into: &screen, in: rect)
        }
        #expect(screen.lines == ["##########", "##  ▁ █###", "##########", "##########"])
        #expect(screen[6, 1].style == Style(foreground: .green))
    }

    @Test func rendersWithAsciiGlyphs() {
        var screen = Screen(width: 4, height: 1)
        Sparkline(values: [-100, -80, -30], range: rssi, glyphs: .ascii).render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["  :#"])
    }
}
