import Testing
import TUI

@Suite struct HexViewTests {
    let bytes: [UInt8] = [0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00, 0x7F, 0x0A, 0xFF, 0x20, 0x41]

    @Test func linesFollowTheHexdumpLayout() {
        #expect(HexView.lines(for: bytes, bytesPerRow: 8) == [
            "0000  48 65 6C 6C 6F 00 7F 0A  |Hello...|",
            "0008  FF 20 41                 |. A|",
        ])
        #expect(HexView.lines(for: bytes, bytesPerRow: 4) == [
            "0000  48 65 6C 6C  |Hell|",
            "0004  6F 00 7F 0A  |o...|",
            "0008  FF 20 41     |. A|",
        ])
        #expect(HexView.lines(for: [], bytesPerRow: 8) == [])
        #expect(HexView.lines(for: Array(repeating: 0x41, count: 0x10001), bytesPerRow: 16).last == "10000  41" + String(repeating: " ", count: 45) + "  |A|")
    }

    @Test func rowLengthAdaptsToTheWidth() {
        #expect(HexView.bytesPerRow(forWidth: 80, count: 20) == 16)
        #expect(HexView.bytesPerRow(forWidth: 73, count: 20) == 16)
        #expect(HexView.bytesPerRow(forWidth: 72, count: 20) == 8)
        #expect(HexView.bytesPerRow(forWidth: 41, count: 20) == 8)
        #expect(HexView.bytesPerRow(forWidth: 40, count: 20) == 4)
        #expect(HexView.bytesPerRow(forWidth: 24, count: 20) == 2)
        #expect(HexView.bytesPerRow(forWidth: 16, count: 20) == 1)
        #expect(HexView.bytesPerRow(forWidth: 0, count: 20) == 1)
        #expect(HexView.bytesPerRow(forWidth: 73, count: 0x10001) == 8) // five offset digits
    }

    @Test func rendersWithTheCursorHighlightedInBothColumns() {
        let screen = drawIsolated(43, 4, in: Rect(x: 1, y: 1, width: 41, height: 2)) { screen, rect in
            HexView(bytes: bytes, cursor: 9).render(into: &screen, in: rect)
        }
        #expect(screen.lines == rows("""
            ###########################################
            #0000  48 65 6C 6C 6F 00 7F 0A  |Hello...|#
            #0008  FF 20 41                 |. A|     #
            ###########################################
            """))
        #expect(screen[10, 2].text == "2" && screen[10, 2].style.reverse && screen[11, 2].style.reverse)
        #expect(screen[34, 2].text == " " && screen[34, 2].style.reverse)
        #expect(!screen[7, 2].style.reverse && !screen[33, 2].style.reverse)
        #expect(screen[1, 1].style.dim) // offset column
    }

    @Test func narrowRectsGetFewerBytesPerRow() {
        var screen = Screen(width: 20, height: 3)
        HexView(bytes: bytes).render(into: &screen, in: screen.bounds)
        #expect(screen.text == "0000  48 65  |He|\n0002  6C 6C  |ll|\n0004  6F 00  |o.|")
    }

    @Test func scrollsToTheCursorRow() {
        let data = (0 ..< 64).map { UInt8($0 + 0x30) }
        var screen = Screen(width: 41, height: 2)
        let offset = HexView(bytes: data, cursor: 40).render(into: &screen, in: screen.bounds)
        #expect(offset == 4)
        #expect(screen.lines[0].hasPrefix("0020  50 51"))
        #expect(screen.lines[1].hasPrefix("0028  58 59"))
    }

    @Test func aCursorPastTheEndShowsTheAppendSlot() {
        var screen = Screen(width: 41, height: 2)
        HexView(bytes: [0xAB], cursor: 1).render(into: &screen, in: screen.bounds)
        #expect(screen.lines[0] == "0000  AB                       |.|" + String(repeating: " ", count: 7))
        #expect(screen[9, 0].style.reverse && screen[10, 0].style.reverse && !screen[8, 0].style.reverse)
        var full = Screen(width: 41, height: 2)
        HexView(bytes: Array(repeating: 0x41, count: 8), cursor: 8).render(into: &full, in: full.bounds)
        #expect(full.lines[1].hasPrefix("0008"))
        #expect(full[6, 1].style.reverse)
        var empty = Screen(width: 41, height: 2)
        HexView(bytes: [], cursor: 0).render(into: &empty, in: empty.bounds)
        #expect(empty.text == "0000\n")
        #expect(empty[6, 0].style.reverse)
    }
}
