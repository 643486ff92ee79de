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
    /// The help overlay (closing it comes back to the chart).
    case help
}

extension Keymap {
    private static func k(_ s: String) -> [Key] { s.map { Key.character($0) } }

    /// The chart view's keys (`v`), in help order; other keys do nothing there.
    public static let chartBindings: [OverlayBinding<ChartAction>] = [
        .init(keys: [.escape] + k("vq"), label: "v Esc", action: .close, description: "close the chart"),
        .init(keys: k("p "), label: "p", action: .pause, description: "pause / resume (series go on)"),
        .init(keys: k("z"), label: "z", action: .window, description: "window: 5 min, 1 min, 30 s"),
        .init(keys: k("f"), label: "f", action: .nextFormat, description: "number format: auto, u8…f32"),
        .init(keys: k("F"), label: "F", action: .previousFormat, description: "previous number format"),
        .init(keys: k("?"), label: "?", action: .help, description: "this help"),
    ]

    /// The chart view's keys for help.
    public static var chartHelp: [(keys: String, description: String)] { chartBindings.map { ($0.label, $0.description) } }
}
