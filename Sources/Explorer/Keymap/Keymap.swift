import TUI

/// Every named thing a key can do in the explorer.
public enum Action: String, CaseIterable, Hashable, Sendable {
    case up, down, top, bottom, pageUp, pageDown
    case nextPane, previousPane, activate, collapse, expand
    case read, write, notify, indicate, bond, bonds, disconnect, rssi, nextConnection
    case filter, sort, resort, pause, clear, hideStale, hideUnnamed, raiseRSSIFloor, lowerRSSIFloor, raw
    case search, hideScanResponses, commandsOnly, connectionFilter
    case chart, name
    case export, traffic, zoom, help, quit
    case clone, fault
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
        .init(keys: [.enter], label: "Enter", action: .activate, description: "connect / expand / open entry", section: "Devices", panes: nil),
        .init(keys: [.left] + c("h"), label: "h ←", action: .collapse, description: "collapse", section: "Devices", panes: [.details]),
        .init(keys: [.right] + c("l"), label: "l →", action: .expand, description: "expand", section: "Devices", panes: [.details]),
        .init(keys: c("d"), label: "d", action: .disconnect, description: "disconnect / cancel connect", section: "Devices", panes: nil),
        .init(keys: c("b"), label: "b", action: .bond, description: "bond (pair)", section: "Devices", panes: nil),
        .init(keys: c("B"), label: "B", action: .bonds, description: "bond list (d deletes)", section: "Devices", panes: nil),
        .init(keys: c("R"), label: "R", action: .rssi, description: "read link RSSI", section: "Devices", panes: nil),
        .init(keys: c("]"), label: "]", action: .nextConnection, description: "next connection", section: "Devices", panes: nil),
        .init(keys: c("K"), label: "K", action: .clone, description: "clone device into a scenario", section: "Devices", panes: nil),
        .init(keys: c("F"), label: "F", action: .fault, description: "SIMULATED: fault menu", section: "Devices", panes: nil),
        .init(keys: c("r"), label: "r", action: .read, description: "read value", section: "GATT", panes: [.details]),
        .init(keys: c("w"), label: "w", action: .write, description: "write (editor)", section: "GATT", panes: [.details]),
        .init(keys: c("n"), label: "n", action: .notify, description: "notifications on/off", section: "GATT", panes: [.details]),
        .init(keys: c("i"), label: "i", action: .indicate, description: "indications on/off", section: "GATT", panes: [.details]),
        .init(keys: c("/"), label: "/", action: .filter, description: "filter: name, address, maker, service", section: "Scan", panes: [.scan, .details]),
        .init(keys: c("s"), label: "s", action: .sort, description: "sort: RSSI, name, seen, first seen", section: "Scan", panes: nil),
        .init(keys: c("="), label: "=", action: .resort, description: "re-sort now", section: "Scan", panes: nil),
        .init(keys: c("p"), label: "p", action: .pause, description: "stop/resume scan; log: pause", section: "Scan", panes: nil),
        .init(keys: c("c"), label: "c", action: .clear, description: "clear list / log", section: "Scan", panes: nil),
        .init(keys: c("x"), label: "x", action: .hideStale, description: "hide stale devices", section: "Scan", panes: nil),
        .init(keys: c("u"), label: "u", action: .hideUnnamed, description: "hide unnamed devices", section: "Scan", panes: nil),
        .init(keys: c(">"), label: ">", action: .raiseRSSIFloor, description: "RSSI floor +5 dBm", section: "Scan", panes: nil),
        .init(keys: c("<"), label: "<", action: .lowerRSSIFloor, description: "RSSI floor -5 dBm (off)", section: "Scan", panes: nil),
        .init(keys: c("a"), label: "a", action: .raw, description: "raw advertisement bytes", section: "Scan", panes: nil),
        .init(keys: c("v"), label: "v", action: .chart, description: "chart: value (tree) or RSSI", section: "GATT", panes: nil),
        .init(keys: c("N"), label: "N", action: .name, description: "name the selected UUID", section: "GATT", panes: nil),
        .init(keys: c("/"), label: "/", action: .search, description: "search the traffic", section: "Log and traffic", panes: [.log]),
        .init(keys: c("S"), label: "S", action: .hideScanResponses, description: "hide scan responses", section: "Log and traffic", panes: [.log]),
        .init(keys: c("C"), label: "C", action: .commandsOnly, description: "commands/responses only", section: "Log and traffic", panes: [.log]),
        .init(keys: c("o"), label: "o", action: .connectionFilter, description: "one connection (cycles)", section: "Log and traffic", panes: [.log]),
        .init(keys: c("e"), label: "e", action: .export, description: "export log (JSONL/CSV) / traffic", section: "General", panes: nil),
        .init(keys: c("t"), label: "t", action: .traffic, description: "BGAPI traffic pane", section: "General", panes: nil),
        .init(keys: c("z"), label: "z", action: .zoom, description: "zoom the focused pane", section: "General", panes: nil),
        .init(keys: c("?"), label: "?", action: .help, description: "this help", section: "General", panes: nil),
        .init(keys: c("q"), label: "q", action: .quit, description: "quit", section: "General", panes: nil),
    ]

    /// The action `key` triggers in `pane`, if any.
    public static func action(for key: Key, in pane: Pane) -> Action? {
        bindings.first { $0.keys.contains(key) && ($0.panes?.contains(pane) ?? true) }?.action
    }

    /// The value editor's own keys (typing and the caret are `TUI.TextField`'s); the editor acts on these
    /// and help lists them, so the two cannot drift apart.
    public static let editorBindings: [OverlayBinding<EditorAction>] = [
        .init(keys: [.tab], label: "Tab", action: .nextFormat, description: "next format (hex, UTF-8, u8…f32)"),
        .init(keys: [.backTab], label: "S-Tab", action: .previousFormat, description: "previous format"),
        .init(keys: [.enter], label: "Enter", action: .write, description: "write"),
        .init(keys: [.control("r")], label: "^R", action: .toggleResponse, description: "with/without response"),
        .init(keys: [.up], label: "↑", action: .olderValue, description: "a value written before"),
        .init(keys: [.down], label: "↓", action: .newerValue, description: "a newer value (then what you typed)"),
        .init(keys: [.escape], label: "Esc", action: .cancel, description: "cancel"),
    ]

    /// The detail view's keys (Enter on a log entry or packet); any other key closes it.
    public static let detailBindings: [OverlayBinding<DetailAction>] = [
        .init(keys: [.down, .scrollDown] + c("j"), label: "j ↓", action: .down, description: "scroll down"),
        .init(keys: [.up, .scrollUp] + c("k"), label: "k ↑", action: .up, description: "scroll up"),
        .init(keys: [.pageDown, .control("f")] + c(" "), label: "PgDn", action: .pageDown, description: "page down"),
        .init(keys: [.pageUp, .control("b")], label: "PgUp", action: .pageUp, description: "page up"),
        .init(keys: [.home] + c("g"), label: "g", action: .top, description: "back to the top"),
        .init(keys: c("t"), label: "t", action: .chain, description: "entry: its BGAPI chain"),
        .init(keys: [.escape], label: "Esc", action: .close, description: "close (any other key)"),
    ]

    /// The bond list's keys (`B`); any other key closes it.
    public static let bondsBindings: [OverlayBinding<BondsAction>] = [
        .init(keys: [.down] + c("j"), label: "j ↓", action: .down, description: "next bond"),
        .init(keys: [.up] + c("k"), label: "k ↑", action: .up, description: "previous bond"),
        .init(keys: [.delete] + c("d"), label: "d Delete", action: .delete, description: "delete the bond"),
        .init(keys: c("D"), label: "D D", action: .deleteAll, description: "delete every bond"),
        .init(keys: c("r"), label: "r", action: .refresh, description: "refresh"),
        .init(keys: [.escape], label: "Esc", action: .close, description: "close the list"),
    ]

    /// The fault menu's keys (`F`, SIMULATED only); any other key closes it.
    public static let faultBindings: [OverlayBinding<FaultAction>] = [
        .init(keys: c("d"), label: "d", action: .disconnect, description: "the selected device drops its link (0x0208)"),
        .init(keys: c("a"), label: "a", action: .attError, description: "its next ATT procedure fails (0x0480)"),
        .init(keys: c("s"), label: "s", action: .silence, description: "it stops answering ATT (30 s timeout)"),
        .init(keys: c("g"), label: "g", action: .garble, description: "8 random bytes on the wire"),
        .init(keys: c("u"), label: "u", action: .unplug, description: "the dongle leaves USB, as if unplugged (blex then reports it gone)"),
        .init(keys: c("p"), label: "p", action: .pauseWorld, description: "pause / resume the simulated world"),
        .init(keys: c("f"), label: "f", action: .fastWorld, description: "the world at ×10 / back to ×1"),
        .init(keys: c("j"), label: "j", action: .jumpAhead, description: "the world jumps 10 s ahead"),
        .init(keys: [.escape], label: "Esc", action: .cancel, description: "no fault"),
    ]

    /// The fault menu's keys for help.
    public static var faultHelp: [(keys: String, description: String)] { faultBindings.map { ($0.label, $0.description) } }

    /// The editor's keys for help.
    public static var editorHelp: [(keys: String, description: String)] { editorBindings.map { ($0.label, $0.description) } }
    /// The detail view's keys for help.
    public static var detailHelp: [(keys: String, description: String)] { detailBindings.map { ($0.label, $0.description) } }
    /// The bond list's keys for help.
    public static var bondsHelp: [(keys: String, description: String)] { bondsBindings.map { ($0.label, $0.description) } }

    /// What `key` does in an overlay whose table is `table`.
    public static func action<A>(for key: Key, in table: [OverlayBinding<A>]) -> A? {
        table.first { $0.keys.contains(key) }?.action
    }

    /// Help sections: each binding under its section, in table order, then the editor's keys.
    public static var helpSections: [(section: String, entries: [(keys: String, description: String)])] {
        var order: [String] = []
        var entries: [String: [(keys: String, description: String)]] = [:]
        for b in bindings {
            if entries[b.section] == nil { order.append(b.section) }
            entries[b.section, default: []].append((b.label, b.description))
        }
        // The fault menu lists its own keys when F opens it (and docs/keybindings.md has them).
        return order.map { ($0, entries[$0]!) }
            + [("Editor", editorHelp), ("Detail view", detailHelp), ("Bond list", bondsHelp), ("Chart", chartHelp)]
    }
}

/// One key of an overlay (the editor, a detail view, the bond list): the keys, how help writes them, what
/// it does there.
public struct OverlayBinding<Action: Hashable & Sendable>: Hashable, Sendable {
    /// Keys that trigger it.
    public var keys: [Key]
    /// How help writes the keys.
    public var label: String
    /// What it does.
    public var action: Action
    /// What help says.
    public var description: String
}

/// What a key does in the value editor.
public enum EditorAction: Hashable, Sendable, CaseIterable { case nextFormat, previousFormat, write, toggleResponse, olderValue, newerValue, cancel }
/// What a key does in a detail view.
public enum DetailAction: Hashable, Sendable, CaseIterable { case down, up, pageDown, pageUp, top, chain, close }
/// What a key does in the fault menu.
public enum FaultAction: Hashable, Sendable, CaseIterable { case disconnect, attError, silence, garble, unplug, pauseWorld, fastWorld, jumpAhead, cancel }
/// What a key does in the bond list.
public enum BondsAction: Hashable, Sendable, CaseIterable { case down, up, delete, deleteAll, refresh, close }
