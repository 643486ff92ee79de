import Testing
import TUI

@Suite struct HelpOverlayTests {
    let help = HelpOverlay([
        (section: "Global", entries: [(keys: "q", description: "quit"), (keys: "?", description: "help")]),
        (section: "Scan", entries: [(keys: "s", description: "start/stop scan"), (keys: "enter", description: "connect")]),
    ])

    @Test func flowsSectionsIntoColumns() {
        let screen = drawIsolated(52, 8, in: Rect(x: 1, y: 1, width: 50, height: 6)) { screen, rect in
            #expect(help.render(into: &screen, in: rect) == 1)
        }
        #expect(screen.lines == rows("""
            ####################################################
            #Global                   enter  connect           #
            #q      quit                                       #
            #?      help                                       #
            #                                                  #
            #Scan                                              #
            #s      start/stop scan                            #
            ####################################################
            """))
        #expect(screen[1, 1].style == Style(bold: true, underline: true))
        #expect(screen[1, 2].style.bold && !screen[8, 2].style.bold)
    }

    @Test func pagesWhenItDoesNotFit() {
        let rect = Rect(x: 0, y: 0, width: 22, height: 4)
        #expect(help.pageCount(in: rect) == 2)
        var first = Screen(width: 22, height: 4)
        #expect(help.render(into: &first, in: rect) == 2)
        #expect(first.text == "Global\nq      quit\n?      help\n              page 1/2")
        var second = Screen(width: 22, height: 4)
        var next = help
        next.page = 1
        next.render(into: &second, in: rect)
        #expect(second.text == "Scan\ns      start/stop scan\nenter  connect\n              page 2/2")
        var beyond = Screen(width: 22, height: 4)
        next.page = 9
        next.render(into: &beyond, in: rect)
        #expect(beyond == second)
    }

    @Test func aHeadingIsNeverLeftAloneAtTheFootOfAColumn() {
        var screen = Screen(width: 50, height: 5)
        help.render(into: &screen, in: screen.bounds)
        #expect(screen.lines[0].hasSuffix("Scan" + String(repeating: " ", count: 21)))
        #expect(screen.lines[3].trimmingSpaces.isEmpty)
    }

    @Test func narrowRectsCutEntries() {
        var screen = Screen(width: 12, height: 3)
        help.render(into: &screen, in: screen.bounds)
        #expect(screen.lines[0] == "Global      ")
        #expect(screen.lines[1] == "q      quit ")
    }
}

extension String {
    var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
