import Testing
import TUI

@Suite struct DialogTests {
    let write = Dialog(title: "Write", body: ["Write 2 bytes to 0x0025?"], input: TextField("0102"),
                       hint: "Enter write · Esc cancel")

    @Test func centredWithBodyInputAndHint() {
        var screen = Screen(width: 40, height: 12)
        let frame = write.render(into: &screen, in: screen.bounds)
        #expect(frame == Rect(x: 6, y: 2, width: 28, height: 7))
        #expect(screen.text == """


                  ┌─ Write ──────────────────┐
                  │ Write 2 bytes to 0x0025? │
                  │                          │
                  │ 0102                     │
                  │                          │
                  │ Enter write · Esc cancel │
                  └──────────────────────────┘
            """ + "\n\n\n")
        #expect(at(screen.cursor) == [12, 5])
        #expect(screen[8, 5].style.underline && screen[31, 5].style.underline)
        #expect(screen[8, 7].style.dim)
    }

    @Test func shrinksToFitTwentyBySix() {
        let screen = drawIsolated(22, 8, in: Rect(x: 1, y: 1, width: 20, height: 6)) { screen, rect in
            #expect(write.frame(in: rect) == rect)
            write.render(into: &screen, in: rect)
        }
        #expect(screen.lines == rows("""
            ######################
            #┌─ Write ──────────┐#
            #│ Write 2 bytes to │#
            #│ 0x0025?          │#
            #│ 0102             │#
            #│ Enter write · E… │#
            #└──────────────────┘#
            ######################
            """))
    }

    @Test func keepsTheInputWhenRowsRunOut() {
        var screen = Screen(width: 20, height: 3)
        write.render(into: &screen, in: screen.bounds)
        #expect(screen.lines[1] == "│ 0102             │")
        #expect(at(screen.cursor) == [6, 1])
    }

    @Test func longMessagesWrapWithinMaxWidth() {
        let dialog = Dialog(title: "No dongle", body: ["no BLED112 found: plug one in, pass --port PATH, or run without it"],
                            maxWidth: 30)
        var screen = Screen(width: 40, height: 8)
        #expect(dialog.render(into: &screen, in: screen.bounds) == Rect(x: 5, y: 1, width: 30, height: 5))
        #expect(screen.lines[2] == "     │ no BLED112 found: plug one │     ")
        #expect(screen.lines[3] == "     │ in, pass --port PATH, or   │     ")
        #expect(screen.lines[4] == "     │ run without it             │     ")
    }

    @Test func clearsWhatIsUnderIt() {
        var screen = hashScreen(12, 5)
        Dialog(title: "Hi").render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["############", "#┌─ Hi ───┐#", "#└────────┘#", "############", "############"])
    }
}
