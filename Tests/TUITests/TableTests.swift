import Testing
import TUI

@Suite struct TableTests {
    let columns = [Table.Column("Name"), Table.Column("RSSI", width: .fixed(4), alignment: .right)]
    let devices: [[Span]] = [["Thermo", "-60"], ["Heart Rate Monitor", "-72"], ["漢字センサー", "-80"]]

    @Test func headerRowsTruncationAndSelection() {
        let screen = drawIsolated(18, 6, in: Rect(x: 1, y: 1, width: 16, height: 4)) { screen, rect in
            let offset = Table(columns: columns, rows: devices, selected: 1).render(into: &screen, in: rect)
            #expect(offset == 0)
        }
        #expect(screen.lines == rows("""
            ##################
            #Name        RSSI#
            #Thermo       -60#
            #Heart Rate…  -72#
            #漢字センサ…  -80#
            ##################
            """))
        // The selection spans the whole row, gaps included; other rows are not reversed.
        for x in 1 ... 16 { #expect(screen[x, 3].style.reverse, "column \(x)") }
        for x in 1 ... 16 { #expect(!screen[x, 2].style.reverse && !screen[x, 4].style.reverse) }
        #expect(screen[1, 1].style.bold)
    }

    @Test func cellStylesSurviveSelection() {
        let rows: [[Span]] = [["a", Span("-50", style: Style(foreground: .green))], ["b", "-90"]]
        var screen = Screen(width: 10, height: 3)
        Table(columns: columns, rows: rows, selected: 0).render(into: &screen, in: screen.bounds)
        #expect(screen[9, 1].text == "0")
        #expect(screen[9, 1].style == Style(foreground: .green, reverse: true))
        #expect(screen[0, 1].style == reverse)
        #expect(screen[9, 2].style == .plain)
    }

    @Test func scrollsToKeepTheSelectionVisible() {
        let rows: [[Span]] = (0 ..< 10).map { ["dev \($0)", "\(-40 - $0)"] }
        var screen = Screen(width: 12, height: 4)
        let offset = Table(columns: columns, rows: rows, selected: 7).render(into: &screen, in: screen.bounds)
        #expect(offset == 5)
        #expect(screen.text == """
            Name    RSSI
            dev 5    -45
            dev 6    -46
            dev 7    -47
            """)
        #expect(screen[0, 3].style.reverse)
        // Moving back up within the view keeps the offset it was given.
        var again = Screen(width: 12, height: 4)
        #expect(Table(columns: columns, rows: rows, selected: 6, offset: 5).render(into: &again, in: again.bounds) == 5)
        #expect(again.lines[1].hasPrefix("dev 5"))
    }

    @Test func withoutHeader() {
        var screen = Screen(width: 12, height: 2)
        Table(columns: columns, rows: devices, showsHeader: false).render(into: &screen, in: screen.bounds)
        #expect(screen.text == "Thermo   -60\nHeart…   -72")
    }

    @Test func scrollOffsetMath() {
        #expect(Table.scrollOffset(selected: 0, current: 0, visibleRows: 5, count: 10) == 0)
        #expect(Table.scrollOffset(selected: 7, current: 0, visibleRows: 5, count: 10) == 3)
        #expect(Table.scrollOffset(selected: 4, current: 3, visibleRows: 5, count: 10) == 3)
        #expect(Table.scrollOffset(selected: 2, current: 5, visibleRows: 5, count: 10) == 2)
        #expect(Table.scrollOffset(selected: 9, current: 0, visibleRows: 5, count: 10) == 5)
        #expect(Table.scrollOffset(selected: nil, current: 8, visibleRows: 5, count: 10) == 5)
        #expect(Table.scrollOffset(selected: nil, current: 2, visibleRows: 5, count: 10) == 2)
        #expect(Table.scrollOffset(selected: 1, current: 6, visibleRows: 5, count: 3) == 0) // list shrank
        #expect(Table.scrollOffset(selected: 20, current: 0, visibleRows: 5, count: 10) == 5)
        #expect(Table.scrollOffset(selected: -3, current: 4, visibleRows: 5, count: 10) == 0)
        #expect(Table.scrollOffset(selected: 3, current: 2, visibleRows: 0, count: 10) == 0)
        #expect(Table.scrollOffset(selected: 3, current: 2, visibleRows: -1, count: 10) == 0)
        #expect(Table.scrollOffset(selected: 0, current: 2, visibleRows: 3, count: 0) == 0)
    }

    @Test func scrollOffsetAlwaysShowsTheSelectionAndMovesMinimally() {
        for count in 1 ... 12 {
            for visible in 1 ... 6 {
                for current in -1 ... 13 {
                    for selected in 0 ..< count {
                        let top = Table.scrollOffset(selected: selected, current: current, visibleRows: visible, count: count)
                        #expect((top ... top + visible - 1).contains(selected))
                        #expect(top >= 0 && top <= max(0, count - visible))
                        let clamped = min(max(0, current), max(0, count - visible))
                        if (clamped ..< clamped + visible).contains(selected) { #expect(top == clamped) }
                    }
                }
            }
        }
    }

    @Test func columnWidths() {
        let cols = [Table.Column("a", width: .fixed(4)), Table.Column("b"), Table.Column("c", width: .fill(2))]
        #expect(Table.columnWidths(cols, width: 20, spacing: 1) == [4, 5, 9])
        #expect(Table.columnWidths(cols, width: 3, spacing: 1) == [1, 0, 0])
        let fixed = [Table.Column("a", width: .fixed(10)), Table.Column("b", width: .fixed(10))]
        #expect(Table.columnWidths(fixed, width: 15, spacing: 1) == [10, 4])
        #expect(Table.columnWidths(fixed, width: 40, spacing: 1) == [10, 10]) // fixed columns do not stretch
    }

    @Test func missingCellsAreBlankAndExtraOnesIgnored() {
        var screen = Screen(width: 10, height: 3)
        Table(columns: columns, rows: [["only"], ["x", "1", "extra"]], showsHeader: false)
            .render(into: &screen, in: screen.bounds)
        #expect(screen.text == "only\nx        1\n") // the third row is empty
    }
}
