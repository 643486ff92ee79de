import Testing
import TUI

/// A widget drawn with busy content, for the any-rect checks.
struct WidgetCase: Sendable, CustomTestStringConvertible {
    let name: String
    let draw: @Sendable (inout Screen, Rect) -> Void
    var testDescription: String { name }
}

/// 300 samples, every 17th a gap, jumping over a million either side of zero.
let busyPoints: [LineChart.Point] = (0 ..< 300).map { (i: Int) -> LineChart.Point in
    let value: Double = i % 17 == 0 ? .nan : Double((i * 37) % 101) * 10_000 - 500_000
    return LineChart.Point(time: Double(i), value: value)
}

let widgetCases: [WidgetCase] = [
    WidgetCase(name: "Box") { Box(title: "漢字 Heart Rate", isFocused: true).render(into: &$0, in: $1) },
    WidgetCase(name: "Box ascii") { Box(title: "Scan", glyphs: .ascii).render(into: &$0, in: $1) },
    WidgetCase(name: "Sparkline") {
        Sparkline(values: [-100, nil, -65, -30, .nan, 12], range: -100 ... -30).render(into: &$0, in: $1)
    },
    WidgetCase(name: "LineChart") { LineChart(points: busyPoints, window: 0 ... 299).render(into: &$0, in: $1) },
    WidgetCase(name: "LineChart ascii") {
        LineChart(points: [.init(time: 5, value: -3)], window: 0 ... 10, marker: .ascii).render(into: &$0, in: $1)
    },
    WidgetCase(name: "Table") {
        Table(columns: [.init("Address", width: .fixed(17)), .init("Name"), .init("RSSI", width: .percent(20), alignment: .right)],
              rows: (0 ..< 30).map { ["00:11:22:33:44:\($0)", "漢字センサー \($0)", "\(-40 - $0)"] }, selected: 25)
            .render(into: &$0, in: $1)
    },
    WidgetCase(name: "TreeView") {
        TreeView(items: (0 ..< 30).map {
            TreeView.Item("漢字 node \($0)", depth: $0 % 5, isExpandable: $0 % 2 == 0, isExpanded: $0 % 4 == 0,
                          detail: $0 % 3 == 0 ? "0x00\($0)" : nil)
        }, selected: 29).render(into: &$0, in: $1)
    },
    WidgetCase(name: "HexView") {
        HexView(bytes: (0 ..< 100).map { UInt8($0 * 7 % 256) }, cursor: 100).render(into: &$0, in: $1)
    },
    WidgetCase(name: "TextField") {
        var field = TextField("漢字 hello world 漢字")
        field.cursor = 3
        field.render(into: &$0, in: $1)
    },
    WidgetCase(name: "LogView") {
        LogView(lines: (0 ..< 50).map { "line \($0) 漢字漢字 with some long text" }).render(into: &$0, in: $1)
    },
    WidgetCase(name: "StatusBar") {
        StatusBar(left: ["SCANNING", "漢字 12 devices"], right: ["q quit", "? help", "漢字"]).render(into: &$0, in: $1)
    },
    WidgetCase(name: "Dialog") {
        Dialog(title: "Write value to Heart Rate Control Point", body: ["A long message that will need wrapping 漢字漢字", ""],
               input: TextField("01 02 03"), hint: "Enter write · Esc cancel").render(into: &$0, in: $1)
    },
    WidgetCase(name: "HelpOverlay") {
        HelpOverlay((0 ..< 6).map { s in
            (section: "Section \(s)", entries: (0 ..< 5).map { (keys: "ctrl-\($0)", description: "does thing \($0) 漢字") })
        }).render(into: &$0, in: $1)
    },
]

let awkwardRects: [Rect] = [
    Rect(x: 2, y: 2, width: 0, height: 0), Rect(x: 2, y: 2, width: 1, height: 1), Rect(x: 2, y: 2, width: 3, height: 2),
    Rect(x: 2, y: 2, width: 20, height: 6), Rect(x: 2, y: 2, width: -5, height: -5), Rect(x: 2, y: 2, width: 2, height: 1),
    Rect(x: 2, y: 2, width: 1, height: 7), Rect(x: 2, y: 2, width: 7, height: 1), Rect(x: 0, y: 0, width: 26, height: 10),
    Rect(x: -3, y: -2, width: 10, height: 5), Rect(x: 20, y: 7, width: 10, height: 10), Rect(x: 40, y: 40, width: 5, height: 5),
]

@Suite struct RobustnessTests {
    @Test(arguments: widgetCases, awkwardRects)
    func neverWritesOutsideItsRect(widget: WidgetCase, rect: Rect) {
        let screen = drawIsolated(26, 10, in: rect) { screen, rect in widget.draw(&screen, rect) }
        if let cursor = screen.cursor {
            #expect(rect.contains(x: cursor.x, y: cursor.y) && screen.bounds.contains(x: cursor.x, y: cursor.y))
        }
    }

    @Test(arguments: widgetCases)
    func survivesExtremeRects(widget: WidgetCase) {
        for rect in [Rect(x: .max - 1, y: .max - 1, width: .max, height: .max), Rect(x: .min, y: .min, width: .max, height: .max),
                     Rect(x: .max, y: 0, width: 3, height: 3), Rect(x: .min, y: .min, width: 3, height: 3)] {
            var screen = hashScreen(8, 4)
            widget.draw(&screen, rect)
            #expect(screen == hashScreen(8, 4), "\(rect)")
        }
        var screen = hashScreen(8, 4)
        widget.draw(&screen, Rect(x: -(1 << 40), y: -(1 << 40), width: .max, height: .max)) // covers the whole screen
        var zero = Screen(width: 0, height: 0)
        widget.draw(&zero, Rect(x: 0, y: 0, width: 5, height: 5))
        #expect(zero.lines.isEmpty)
    }

    @Test(arguments: widgetCases)
    func twentyBySixDrawsSomething(widget: WidgetCase) {
        let rect = Rect(x: 2, y: 2, width: 20, height: 6)
        let screen = drawIsolated(26, 10, in: rect) { screen, rect in widget.draw(&screen, rect) }
        let inside = (rect.y ..< rect.maxY).flatMap { y in (rect.x ..< rect.maxX).map { screen[$0, y].text } }
        #expect(inside.contains { $0 != "#" && $0 != " " && $0 != "" })
    }

    @Test func wideCharactersStayWholeAtEveryWidth() {
        // Whatever the width, no widget leaves the left half of a wide character without its right half.
        for width in 0 ... 24 {
            for widget in widgetCases {
                var screen = hashScreen(26, 8)
                widget.draw(&screen, Rect(x: 1, y: 1, width: width, height: 6))
                for y in 0 ..< 8 {
                    for x in 0 ..< 26 where TextWidth.of(screen[x, y].text) == 2 {
                        #expect(screen[x + 1, y].text == "", "\(widget.name) width \(width) at \(x),\(y)")
                    }
                }
            }
        }
    }
}
