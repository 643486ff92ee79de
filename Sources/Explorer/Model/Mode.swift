/// What takes the keys besides the panes: one overlay at a time, each owning its state.
public enum Mode: Hashable, Sendable {
    /// The panes have the keys.
    case browse
    /// The key reference, at a page.
    case help(page: Int)
    /// One packet or log entry, whole.
    case detail(Detail)
    /// The dongle's bonds.
    case bonds(BondList)
    /// A one-line question (filter, search, passkey, file name, quit?); its text is `promptField`.
    case prompt(Prompt)
    /// The value editor.
    case editor(EditorState)
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
        get { if case let .help(page) = mode { page } else { 0 } }
        set { if case .help = mode { mode = .help(page: max(0, newValue)) } }
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
}
