import Explorer
import Foundation
import Testing

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
        for (keys, description) in Keymap.editorHelp + Keymap.detailHelp + Keymap.bondsHelp {
            let first = keys.split(separator: " ").first.map { "`\($0)`" } ?? ""
            #expect(rows.contains { $0.contains(first) && $0.lowercased().contains(description.lowercased()) },
                    "docs/keybindings.md misses \(keys): \(description)")
        }
    }
}
