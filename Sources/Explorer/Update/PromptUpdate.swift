import TUI

// Prompts (filter, search, passkey, export names, quit): the text is a `TUI.TextField`, so the caret and
// the editing keys are the toolkit's; Enter and Esc are the prompt's.

func handlePrompt(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    guard let prompt = state.prompt else { return [] }
    if prompt == .confirmQuit {
        state.prompt = nil
        if key == .character("y") || key == .character("Y") || key == .enter {
            state.quitting = true
            // Leaving closes every link on purpose: their disconnects remove them rather than keep trees.
            for a in state.connections.keys where state.connections[a]!.isLive { state.connections[a]!.busy = "disconnecting" }
            return [.quit]
        }
        return []
    }
    switch key {
    case .escape:
        state.prompt = nil
        if prompt == .filter { state.filter = "" }
        if prompt == .search { state.traffic.filter.search = ""; trafficFilterChanged(&state) }
        return []
    case .enter:
        state.prompt = nil
        switch prompt {
        case .filter: state.filter = state.promptText
        case let .passkey(address):
            guard let key = UInt32(state.promptText), state.promptText.count <= 6 else {
                state.lastError = "a passkey is up to six digits"
                state.prompt = prompt
                return []
            }
            return [.enterPasskey(address, key)]
        case .export:
            let path = state.promptText.trimmingWhitespace
            guard !path.isEmpty else { state.lastError = "no file name"; return [] }
            let csv = path.lowercased().hasSuffix(".csv")
            let contents = csv ? LogExport.csv(state.log) : LogExport.jsonl(state.log)
            return [.export(path: path, contents: contents, count: state.log.count)]
        case .exportTraffic:
            let path = state.promptText.trimmingWhitespace
            guard !path.isEmpty else { state.lastError = "no file name"; return [] }
            let packets = state.traffic.visible
            return [.export(path: path, contents: TrafficExport.jsonl(packets), count: packets.count)]
        case .search:
            state.traffic.filter.search = state.promptText
            trafficFilterChanged(&state)
        case .confirmQuit: break
        }
        return []
    default:
        // Editing is the TUI's TextField: the caret moves (←/→, Home/End, ^A/^E), ^U/^K/^W kill.
        var field = state.promptField
        if case .passkey = prompt { field.filter = { $0.isASCII && $0.isNumber } }
        guard field.handle(key) else { return [] }
        if case .passkey = prompt, field.text.count > 6 { return [] }
        field.filter = nil
        state.promptField = field
    }
    if prompt == .filter { state.filter = state.promptText } // filter as you type
    if prompt == .search { state.traffic.filter.search = state.promptText; trafficFilterChanged(&state) }
    return []
}

