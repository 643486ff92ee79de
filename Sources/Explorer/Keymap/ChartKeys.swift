import TUI

/// What a key does in the chart view.
public enum ChartAction: String, CaseIterable, Hashable, Sendable {
    /// Back to the panes.
    case close
    /// Freeze the window (or let it run again).
    case pause
    /// The next window length.
    case window
    /// The next / previous number format for the value.
    case nextFormat, previousFormat
    /// The help overlay.
    case help
}

extension Keymap {
    private static func k(_ s: String) -> [Key] { s.map { Key.character($0) } }

    /// The chart view's keys, in help order.
    public static let chartBindings: [(keys: [Key], label: String, action: ChartAction, description: String)] = [
        ([.escape] + k("vq"), "v Esc", .close, "close the chart"),
        (k("p "), "p", .pause, "pause / resume (series go on)"),
        (k("z"), "z", .window, "window: 5 min, 1 min, 30 s"),
        (k("f"), "f", .nextFormat, "number format: auto, u8…f32"),
        (k("F"), "F", .previousFormat, "previous number format"),
        (k("?"), "?", .help, "this help"),
    ]

    /// The chart action `key` triggers, if any.
    public static func chartAction(for key: Key) -> ChartAction? {
        chartBindings.first { $0.keys.contains(key) }?.action
    }

    /// The chart view's keys for help.
    public static var chartHelp: [(keys: String, description: String)] {
        chartBindings.map { ($0.label, $0.description) }
    }
}
