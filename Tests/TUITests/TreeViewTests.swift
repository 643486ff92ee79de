import Testing
import TUI

@Suite struct TreeViewTests {
    let items = [
        TreeView.Item("Heart Rate", isExpandable: true, isExpanded: true, detail: "0x000C"),
        TreeView.Item("Measurement", depth: 1, isExpandable: true, detail: "notify"),
        TreeView.Item("Battery", isExpandable: true),
        TreeView.Item("CCCD", depth: 2, detail: "0x0010"),
    ]

    @Test func markersIndentationAndRightAlignedDetail() {
        let screen = drawIsolated(26, 6, in: Rect(x: 1, y: 1, width: 24, height: 4)) { screen, rect in
            TreeView(items: items, selected: 1).render(into: &screen, in: rect)
        }
        #expect(screen.lines == rows("""
            ##########################
            #▾ Heart Rate      0x000C#
            #  ▸ Measurement   notify#
            #▸ Battery               #
            #      CCCD        0x0010#
            ##########################
            """))
        for x in 1 ... 24 { #expect(screen[x, 2].style.reverse) }
        #expect(!screen[5, 1].style.reverse)
        #expect(screen[19, 1].style.dim) // detail is dim by default
    }

    @Test func narrowRowsShareTheSpaceBetweenLabelAndDetail() {
        var screen = Screen(width: 12, height: 1)
        TreeView(items: items).render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["▾ Hear… 0x0…"])
    }

    @Test func asciiMarkers() {
        var screen = Screen(width: 16, height: 3)
        TreeView(items: Array(items.prefix(3)), glyphs: .ascii).render(into: &screen, in: screen.bounds)
        #expect(screen.text == "v Heart~  0x000C\n  > Measu~ noti~\n> Battery")
    }

    @Test func scrollsLikeATable() {
        let many = (0 ..< 20).map { TreeView.Item("item \($0)") }
        var screen = Screen(width: 10, height: 3)
        let offset = TreeView(items: many, selected: 12, offset: 2).render(into: &screen, in: screen.bounds)
        #expect(offset == 10)
        #expect(screen.text == "  item 10\n  item 11\n  item 12")
    }
}
