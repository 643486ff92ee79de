import Testing
import TUI

@Suite struct LineChartTests {
    typealias P = LineChart.Point
    static func points(_ values: [Double], from start: Double = 0, step: Double = 1) -> [P] {
        values.enumerated().map { P(time: start + Double($0.offset) * step, value: $0.element) }
    }

    static let heartRate = points([60, 62, 70, 75, 72, 68, 64, 66, 80, 84, 79, 70], step: 5)

    func draw(_ chart: LineChart, _ width: Int, _ height: Int) -> [String] {
        drawIsolated(width + 2, height + 2, in: Rect(x: 1, y: 1, width: width, height: height)) { screen, rect in
            chart.render(into: &screen, in: rect)
        }.lines.dropFirst().dropLast().map { line in
            // Inside the frame, trailing spaces trimmed (the snapshots below are written without them).
            String(String(line.dropFirst().dropLast()).reversed().drop(while: { $0 == " " }).reversed())
        }
    }

    @Test func asciiLineWithoutAxesLightsOneCellPerSampleAndJoinsThem() {
        let chart = LineChart(points: Self.points([0, 1, 2, 1]), window: 0 ... 3, valueRange: 0 ... 2, marker: .ascii,
                              showsAxes: false)
        #expect(draw(chart, 4, 3) == ["  *", " * *", "*"])
    }

    @Test func brailleDotsFollowTheUnicodeDotOrder() {
        // (0,3) → (1,0) in a 2×4 dot cell: dots 7, 3, 5, 4 = 0x40 | 0x04 | 0x10 | 0x08.
        let chart = LineChart(points: Self.points([0, 1]), window: 0 ... 1, valueRange: 0 ... 1, showsAxes: false)
        #expect(draw(chart, 1, 1) == ["\u{285C}"])
        let flat = LineChart(points: Self.points([0, 0]), window: 0 ... 1, valueRange: 0 ... 1, showsAxes: false)
        #expect(draw(flat, 1, 1) == ["⣀"])
    }

    @Test func halfBlocks() {
        let chart = LineChart(points: Self.points([0, 1, 1]), window: 0 ... 2, valueRange: 0 ... 1, marker: .halfBlock,
                              showsAxes: false)
        #expect(draw(chart, 3, 1) == ["▄▀▀"]) // (0,1) → (1,0) is one diagonal step
    }

    @Test func snapshot20x6Ascii() {
        #expect(draw(LineChart(points: Self.heartRate, window: 0 ... 55, marker: .ascii), 20, 6) == rows("""
            84|            **
              |    ***    *  **
              |  **   ****     *
            60|**
              +----------------+
                             now
            """))
    }

    @Test func snapshot40x8Braille() {
        #expect(draw(LineChart(points: Self.heartRate, window: 0 ... 55), 40, 8) == rows("""
            84│                           ⣀⠤⠒⠑⢄⡀
              │                         ⢀⠎     ⠈⠢⡀
            72│        ⣀⠤⠒⠤⠤⣀          ⢀⠎        ⠈⢆
              │      ⡔⠉      ⠉⠢⢄      ⢀⠎           ⠑
              │    ⢠⠊           ⠉⠒⠤⣀⠤⠔⠊
            60│⣀⠤⠤⠒⠁
              └──────┴─────────┴─────────┴─────────┴
                   -45s      -30s      -15s      now
            """))
    }

    @Test func snapshot30x5Braille() {
        #expect(draw(LineChart(points: Self.heartRate, window: 0 ... 55), 30, 5) == rows("""
            84│                   ⡠⠒⠉⠑⠢⢄
              │    ⢀⠔⠊⠉⠑⠒⠢⢄⣀    ⢀⠜      ⠉⠢
            60│⣀⡠⠤⠊⠁        ⠉⠒⠒⠉⠁
              └────────────┴─────────────┴
                         -30s          now
            """))
    }

    @Test func negativeValuesAndAGap() {
        // NaN at -3 min breaks the line; the axis says -5m and now; autoscale runs -3 … -1.
        let chart = LineChart(points: Self.points([-3, -2.5, .nan, -1, -1.5, -2], step: 60), window: 0 ... 300, marker: .ascii)
        #expect(chart.scale == -3 ... -1)
        #expect(draw(chart, 24, 6) == [
            "-1.0|           **",
            "    |             ******",
            "    |  ***",
            "-3.0|**",
            "    ++-----------------+",
            "    -5m              now",
        ])
    }

    @Test func aSinglePointSitsMidHeightAtItsTime() {
        let chart = LineChart(points: [P(time: 10, value: 5)], window: 0 ... 10, marker: .ascii, showsAxes: false)
        #expect(chart.scale == 4.5 ... 5.5)
        #expect(draw(chart, 5, 3) == ["", "    *", ""])
        let zero = LineChart(points: [P(time: 0, value: 0)], window: 0 ... 10, marker: .ascii, showsAxes: false)
        #expect(zero.scale == -1 ... 1)
        #expect(draw(zero, 5, 3) == ["", "*", ""])
    }

    @Test func autoscaleUsesOnlyFiniteSamplesInsideTheWindow() {
        let chart = LineChart(points: [P(time: -5, value: 1000), P(time: 1, value: 2), P(time: 2, value: .infinity),
                                       P(time: 3, value: 8), P(time: 99, value: -1000)], window: 0 ... 10)
        #expect(chart.scale == 2 ... 8)
        #expect(LineChart(points: [], window: 0 ... 1).scale == 0 ... 1)
        #expect(LineChart(points: [P(time: 0, value: .nan)], window: 0 ... 1).scale == 0 ... 1)
        #expect(LineChart(points: [], window: 0 ... 1, valueRange: -10 ... 10).scale == -10 ... 10)
    }

    @Test func valuesOutsideAFixedRangeAreClampedToTheEdges() {
        let chart = LineChart(points: Self.points([-50, 50]), window: 0 ... 1, valueRange: 0 ... 1, marker: .ascii,
                              showsAxes: false)
        #expect(draw(chart, 2, 3) == [" *", " *", "*"])
    }

    @Test func nothingToDrawLeavesAnEmptyPlotAndNoTrap() {
        let chart = LineChart(points: [], window: 0 ... 60, marker: .ascii)
        let lines = draw(chart, 12, 4)
        #expect(lines[0] == "1.0|")
        #expect(lines[3].hasSuffix("now"))
        // Degenerate windows and rects.
        #expect(draw(LineChart(points: Self.heartRate, window: 5 ... 5, marker: .ascii), 10, 4).count == 4)
        #expect(draw(LineChart(points: Self.heartRate, window: 0 ... 55), 1, 1).count == 1)
        var screen = Screen(width: 3, height: 3)
        LineChart(points: Self.heartRate, window: 0 ... 55).render(into: &screen, in: Rect(x: 2, y: 2, width: 10, height: 10))
        LineChart(points: Self.heartRate, window: 0 ... 55).render(into: &screen, in: Rect(x: -5, y: -5, width: 4, height: 4))
    }

    @Test func tooSmallForAxesDrawsOnlyTheLine() {
        let lines = draw(LineChart(points: Self.heartRate, window: 0 ... 55, marker: .ascii), 6, 3)
        #expect(!lines.joined().contains("|") && lines.joined().contains("*"))
    }

    @Test func labelsAndTimes() {
        #expect(LineChart.decimals(for: 60 ... 84) == 0)
        #expect(LineChart.decimals(for: 20 ... 23) == 1)
        #expect(LineChart.decimals(for: 21.4 ... 21.6) == 2)
        #expect(LineChart.decimals(for: 3 ... 3) == 0)
        #expect(LineChart.format(-0.04, 1) == "0.0")
        #expect(LineChart.format(21.55, 1) == "21.6")
        #expect(LineChart.format(-2.5, 0) == "-3")
        #expect(LineChart.format(.nan, 1) == "NaN")
        #expect(LineChart.relativeTime(0) == "now")
        #expect(LineChart.relativeTime(45) == "-45s")
        #expect(LineChart.relativeTime(300) == "-5m")
        #expect(LineChart.relativeTime(90) == "-1m30s")
        #expect(LineChart.relativeTime(5400) == "-1h30m")
    }
}
