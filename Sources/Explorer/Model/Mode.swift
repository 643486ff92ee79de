/// What takes the keys besides the panes: one overlay at a time, each owning its state.
public enum Mode: Hashable, Sendable {
    /// The panes have the keys.
    case browse
    /// The key reference, at a page; `over` is the chart it was opened from (closing help goes back to it).
    case help(page: Int, over: ChartTarget? = nil)
    /// One packet or log entry, whole.
    case detail(Detail)
    /// The dongle's bonds.
    case bonds(BondList)
    /// A one-line question (filter, search, passkey, file name, quit?); its text is `promptField`.
    case prompt(Prompt)
    /// The value editor.
    case editor(EditorState)
    /// The chart view (`v`): a characteristic's number and the device's RSSI over time, over the panes.
    case chart(ChartTarget)
    /// The "name this UUID" prompt (`N`).
    case naming(NamingPrompt)
}

/// A detail view: one packet or one log entry with every field, scrolled by j/k.
public struct Detail: Hashable, Sendable {
    /// What is shown.
    public enum Subject: Hashable, Sendable {
        /// A BGAPI packet from the traffic pane.
        case packet(TrafficPacket)
        /// A notification log entry.
        case entry(LogEntry)
    }

    /// What is shown.
    public var subject: Subject
    /// Lines scrolled off the top.
    public var scroll = 0

    /// A detail view of `subject`, from its top.
    public init(_ subject: Subject) { self.subject = subject }
}

extension ExplorerState {
    /// Whether the help overlay is open.
    public var showHelp: Bool {
        get { if case .help = mode { true } else { false } }
        set {
            if newValue { mode = .help(page: 0) } else if case .help = mode { mode = .browse }
        }
    }

    /// The help page shown (j/k page through it when it does not fit).
    public var helpPage: Int {
        get { if case let .help(page, _) = mode { page } else { 0 } }
        set { if case let .help(_, over) = mode { mode = .help(page: max(0, newValue), over: over) } }
    }

    /// The open prompt, if any (setting nil closes only a prompt).
    public var prompt: Prompt? {
        get { if case let .prompt(p) = mode { p } else { nil } }
        set {
            if let p = newValue { mode = .prompt(p) } else if case .prompt = mode { mode = .browse }
        }
    }

    /// The open editor, if any (setting nil closes only the editor).
    public var editor: EditorState? {
        get { if case let .editor(e) = mode { e } else { nil } }
        set {
            if let e = newValue { mode = .editor(e) } else if case .editor = mode { mode = .browse }
        }
    }

    /// The open detail view, if any.
    public var detail: Detail? {
        get { if case let .detail(d) = mode { d } else { nil } }
        set {
            if let d = newValue { mode = .detail(d) } else if case .detail = mode { mode = .browse }
        }
    }

    /// The chart shown, if the chart view is open (setting nil closes only the chart).
    public var chart: ChartTarget? {
        get { if case let .chart(t) = mode { t } else { nil } }
        set {
            if let t = newValue { mode = .chart(t) } else if case .chart = mode { mode = .browse }
        }
    }

    /// The chart to draw: the open one, or the one help was opened over.
    public var chartShown: ChartTarget? {
        switch mode {
        case let .chart(t): t
        case let .help(_, over): over
        default: nil
        }
    }

    /// The open naming prompt, if any (setting nil closes only that prompt).
    public var naming: NamingPrompt? {
        get { if case let .naming(n) = mode { n } else { nil } }
        set {
            if let n = newValue { mode = .naming(n) } else if case .naming = mode { mode = .browse }
        }
    }
}
