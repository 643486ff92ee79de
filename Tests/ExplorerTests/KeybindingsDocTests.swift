import Explorer
import Foundation
import Testing
import TUI

/// docs/keybindings.md claims to list every binding of `Keymap`; this keeps the claim true.
@Suite struct KeybindingsDocTests {
    static func page() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("docs/keybindings.md"), encoding: .utf8)
    }

    @Test func everyBindingIsListedWithItsKeys() throws {
        let page = try Self.page()
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("|") }
        for b in Keymap.bindings {
            let keys = b.label.split(separator: " ").map { "`\($0)`" }
            let row = rows.first { row in keys.allSatisfy { row.contains($0) } && row.lowercased().contains(b.description.lowercased()) }
            #expect(row != nil, "docs/keybindings.md has no row with \(keys.joined(separator: " ")) and “\(b.description)”")
        }
        for (keys, description) in Keymap.editorHelp + Keymap.detailHelp + Keymap.bondsHelp + Keymap.chartHelp {
            let tokens = Set(keys.split(separator: " ")).map { "`\($0)`" }
            #expect(rows.contains { row in tokens.allSatisfy { row.contains($0) } && row.lowercased().contains(description.lowercased()) },
                    "docs/keybindings.md misses \(keys): \(description)")
        }
    }

    @Test func overlayKeysDoNotCollideAndEveryActionHasOne() {
        func check<A: Hashable & CaseIterable>(_ table: [OverlayBinding<A>], _ all: A.AllCases) {
            var seen: Set<Key> = []
            for b in table { for k in b.keys { #expect(seen.insert(k).inserted, "\(k) twice in \(A.self)") } }
            #expect(Set(table.map(\.action)) == Set(all), "\(A.self): every action has a key")
        }
        check(Keymap.editorBindings, EditorAction.allCases)
        check(Keymap.detailBindings, DetailAction.allCases)
        check(Keymap.bondsBindings, BondsAction.allCases)
        check(Keymap.chartBindings, ChartAction.allCases)
        #expect(Keymap.action(for: .tab, in: Keymap.editorBindings) == .nextFormat)
        #expect(Keymap.action(for: .character("x"), in: Keymap.detailBindings) == nil, "any other key closes")
    }

    @Test func theChartAndNamingKeysSitBesideThePanesKeys() {
        // v and N are free in every pane; z zooms the panes, and steps the window only inside the chart.
        #expect(Keymap.action(for: .character("v"), in: .details) == .chart)
        #expect(Keymap.action(for: .character("N"), in: .scan) == .name, "N says where to use it from any pane")
        #expect(Keymap.action(for: .character("z"), in: .log) == .zoom)
        #expect(Keymap.action(for: .character("z"), in: Keymap.chartBindings) == .window)
    }
}
