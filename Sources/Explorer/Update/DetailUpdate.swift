import TUI

// The detail view's part of the reducer: Enter in the log pane opens the selected entry (or, in the traffic
// pane, the selected packet) whole; j/k scroll it; `t` jumps from an entry to its BGAPI chain.

/// The log entry the log pane's selection points at: the bottom row shown (the newest when following).
func selectedLogEntry(_ state: ExplorerState) -> LogEntry? {
    guard !state.log.isEmpty else { return nil }
    let index = state.log.count - 1 - min(state.logScroll, state.log.count - 1)
    return state.log[index]
}

/// Enter in the log pane.
func openLogDetail(_ state: inout ExplorerState) {
    if state.showTraffic {
        guard let p = selectedPacket(state) else { state.lastError = "no traffic yet"; return }
        state.mode = .detail(Detail(.packet(p)))
    } else {
        guard let e = selectedLogEntry(state) else { state.lastError = "the log is empty"; return }
        state.mode = .detail(Detail(.entry(e)))
    }
}

/// Keys while a detail view is open: scroll, `t` for the chain, anything in `Keymap.detailKeys` else closes.
func handleDetail(_ key: Key, _ detail: Detail, _ state: inout ExplorerState) {
    var d = detail
    let page = max(1, state.height - 6)
    switch Keymap.action(for: key, in: Keymap.detailBindings) {
    case .down: d.scroll += 1
    case .up: d.scroll = max(0, d.scroll - 1)
    case .pageDown: d.scroll += page
    case .pageUp: d.scroll = max(0, d.scroll - page)
    case .top: d.scroll = 0
    case .chain:
        if case let .entry(e) = d.subject { jumpToChain(e, &state) }
        return
    case .close, nil:
        state.mode = .browse
        return
    }
    d.scroll = min(d.scroll, ExplorerView.detailMaxScroll(d, state))
    state.mode = .detail(d)
}
