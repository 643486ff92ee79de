import Testing
import TUI

/// A screen pre-filled with "#", so any cell a widget should not have touched shows up.
func hashScreen(_ width: Int, _ height: Int) -> Screen {
    var screen = Screen(width: width, height: height)
    screen.fill(screen.bounds, with: "#")
    return screen
}

/// Draws with `draw` into `rect` on a "#"-filled `width`×`height` screen, checks every cell outside `rect`
/// still holds "#", and returns the screen for snapshot comparison.
func drawIsolated(_ width: Int, _ height: Int, in rect: Rect, sourceLocation: SourceLocation = #_sourceLocation,
                  _ draw: (inout Screen, Rect) -> Void) -> Screen {
    var screen = hashScreen(width, height)
    draw(&screen, rect)
    var outside: [String] = []
    for y in 0 ..< height {
        for x in 0 ..< width where !rect.contains(x: x, y: y) && screen[x, y].text != "#" {
            outside.append("(\(x),\(y))=\(screen[x, y].text)")
        }
    }
    #expect(outside.isEmpty, "written outside \(rect): \(outside.prefix(8))", sourceLocation: sourceLocation)
    return screen
}

/// Multi-line expected text as rows, so snapshots read like the screen.
func rows(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

let reverse = Style(reverse: true)

/// The terminal cursor as `[x, y]` (tuples are not `Equatable`), or `nil` when no widget placed it.
func at(_ cursor: (x: Int, y: Int)?) -> [Int]? {
    cursor.map { [$0.x, $0.y] }
}
