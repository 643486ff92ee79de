import TUI

/// Every named thing a key can do in the explorer.
public enum Action: String, CaseIterable, Hashable, Sendable {
    case up, down, top, bottom, pageUp, pageDown
    case nextPane, previousPane, activate, collapse, expand
    case read, write, notify, indicate, bond, disconnect, rssi, nextConnection
    case filter, sort, pause, clear, hideStale, raw
    case export, traffic, help, quit
    case chart, name
}

/// One binding: the keys, how help shows them, and what they do where.
public struct KeyBinding: Hashable, Sendable {
    /// Keys that trigger it.
    public var keys: [Key]
    /// How help writes the keys (`j/↓`).
    public var label: String
    /// What it does.
    public var action: Action
    /// What help says.
    public var description: String
    /// Help section.
    public var section: String
    /// Panes where it applies (nil: everywhere).
    public var panes: Set<Pane>?
}

/// The explorer's keys; help is generated from this table, so the two cannot drift apart.
public enum Keymap {
    private static func c(_ s: String) -> [Key] { s.map { Key.character($0) } }

    /// All bindings, in help order.
    public static let bindings: [KeyBinding] = [
        .init(keys: [.up] + c("k"), label: "k ↑", action: .up, description: "previous row", section: "Move", panes: nil),
        .init(keys: [.down] + c("j"), label: "j ↓", action: .down, description: "next row", section: "Move", panes: nil),
        .init(keys: [.home] + c("g"), label: "g Home", action: .top, description: "first row", section: "Move", panes: nil),
        .init(keys: [.end] + c("G"), label: "G End", action: .bottom, description: "last row", section: "Move", panes: nil),
        .init(keys: [.pageUp, .control("b")], label: "PgUp ^B", action: .pageUp, description: "page up", section: "Move", panes: nil),
        .init(keys: [.pageDown, .control("f")], label: "PgDn ^F", action: .pageDown, description: "page down", section: "Move", panes: nil),
        .init(keys: [.tab], label: "Tab", action: .nextPane, description: "next pane", section: "Move", panes: nil),
        .init(keys: [.backTab], label: "S-Tab", action: .previousPane, description: "previous pane", section: "Move", panes: nil),
        .init(keys: [.enter], label: "Enter", action: .activate, description: "connect / expand", section: "Devices", panes: nil),
        .init(keys: [.left] + c("h"), label: "h ←", action: .collapse, description: "collapse", section: "Devices", panes: [.details]),
        .init(keys: [.right] + c("l"), label: "l →", action: .expand, description: "expand", section: "Devices", panes: [.details]),
        .init(keys: c("d"), label: "d", action: .disconnect, description: "disconnect", section: "Devices", panes: nil),
        .init(keys: c("b"), label: "b", action: .bond, description: "bond (pair)", section: "Devices", panes: nil),
        .init(keys: c("R"), label: "R", action: .rssi, description: "read link RSSI", section: "Devices", panes: nil),
        .init(keys: c("]"), label: "]", action: .nextConnection, description: "next connection", section: "Devices", panes: nil),
        .init(keys: c("r"), label: "r", action: .read, description: "read value", section: "GATT", panes: [.details]),
        .init(keys: c("w"), label: "w", action: .write, description: "write (editor)", section: "GATT", panes: [.details]),
        .init(keys: c("n"), label: "n", action: .notify, description: "notifications on/off", section: "GATT", panes: [.details]),
        .init(keys: c("i"), label: "i", action: .indicate, description: "indications on/off", section: "GATT", panes: [.details]),
        .init(keys: c("/"), label: "/", action: .filter, description: "filter devices", section: "Scan", panes: nil),
        .init(keys: c("s"), label: "s", action: .sort, description: "sort: RSSI, name, seen", section: "Scan", panes: nil),
        .init(keys: c("p"), label: "p", action: .pause, description: "pause scan / log", section: "Scan", panes: nil),
        .init(keys: c("c"), label: "c", action: .clear, description: "clear list / log", section: "Scan", panes: nil),
        .init(keys: c("x"), label: "x", action: .hideStale, description: "hide stale devices", section: "Scan", panes: nil),
        .init(keys: c("a"), label: "a", action: .raw, description: "raw advertisement bytes", section: "Scan", panes: nil),
        .init(keys: c("v"), label: "v", action: .chart, description: "chart: value (tree) or RSSI", section: "GATT", panes: nil),
        .init(keys: c("N"), label: "N", action: .name, description: "name the selected UUID", section: "GATT", panes: nil),
        .init(keys: c("e"), label: "e", action: .export, description: "export log (JSONL/CSV)", section: "General", panes: nil),
        .init(keys: c("t"), label: "t", action: .traffic, description: "BGAPI traffic pane", section: "General", panes: nil),
        .init(keys: c("?"), label: "?", action: .help, description: "this help", section: "General", panes: nil),
        .init(keys: c("q"), label: "q", action: .quit, description: "quit", section: "General", panes: nil),
    ]

    /// The action `key` triggers in `pane`, if any.
    public static func action(for key: Key, in pane: Pane) -> Action? {
        bindings.first { $0.keys.contains(key) && ($0.panes?.contains(pane) ?? true) }?.action
    }

    /// Keys of the value editor, for help and its hint line.
    public static let editorHelp: [(keys: String, description: String)] = [
        ("Tab", "next format (hex, UTF-8, u8…f32)"), ("Enter", "write"), ("^R", "with/without response"),
        ("Esc", "cancel"),
    ]

    /// Help sections: each binding under its section, in table order, then the editor's keys.
    public static var helpSections: [(section: String, entries: [(keys: String, description: String)])] {
        var order: [String] = []
        var entries: [String: [(keys: String, description: String)]] = [:]
        for b in bindings {
            if entries[b.section] == nil { order.append(b.section) }
            entries[b.section, default: []].append((b.label, b.description))
        }
        return order.map { ($0, entries[$0]!) } + [("Editor", editorHelp), ("Chart", chartHelp)]
    }
}
