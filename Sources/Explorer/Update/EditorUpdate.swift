import BGAPICore
import TUI

// The value editor's part of the reducer. Typing is the TUI's TextField; Tab/S-Tab switch the view (each
// view keeps what was typed in it while the value stays the same); ↑/↓ walk the values written to this
// characteristic before; Enter writes; ^R toggles with/without response.

/// One value written, for the editor's history.
public struct WrittenValue: Hashable, Sendable {
    /// Whose value.
    public var address: BluetoothAddress
    /// Which handle.
    public var handle: AttributeHandle
    /// The bytes.
    public var bytes: [UInt8]

    /// A history entry.
    public init(address: BluetoothAddress, handle: AttributeHandle, bytes: [UInt8]) {
        self.address = address
        self.handle = handle
        self.bytes = bytes
    }
}

/// Remembers a confirmed write (the newest last, at most `writeHistoryCapacity`, no repeat in a row).
func rememberWrite(_ state: inout ExplorerState, _ value: WrittenValue) {
    state.writeHistory.removeAll { $0 == value }
    state.writeHistory.append(value)
    if state.writeHistory.count > state.writeHistoryCapacity {
        state.writeHistory.removeFirst(state.writeHistory.count - state.writeHistoryCapacity)
    }
}

func handleEditor(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    guard var e = state.editor else { return [] }
    switch Keymap.action(for: key, in: Keymap.editorBindings) {
    case .cancel:
        state.editor = nil
        return []
    case .write:
        switch e.format.parse(e.text) {
        case let .failure(error):
            e.error = error.reason
            state.editor = e
            return []
        case let .success(bytes):
            guard bytes.count <= 512 else {
                e.error = "\(bytes.count) bytes: an attribute holds at most 512"
                state.editor = e
                return []
            }
            if !e.withResponse, bytes.count > 20 {
                e.error = "\(bytes.count) bytes: a write without response carries at most 20"
                state.editor = e
                return []
            }
            e.bytes = bytes
            e.error = nil
            state.editor = e
            state.connections[e.address]?.busy = "writing \(e.handle)"
            state.connections[e.address]?.pendingWrites[e.handle] = e.withResponse
            return [.write(e.address, e.handle, bytes, withResponse: e.withResponse)]
        }
    case .nextFormat, .previousFormat:
        // Every keystroke that parses already updated `bytes`; switching views never re-reads the text,
        // so a view that cannot show a value exactly (NaN payloads, say) does not change it.
        if e.error == nil { e.typed[e.format] = e.text }
        let all = ValueFormat.allCases
        let step = Keymap.action(for: key, in: Keymap.editorBindings) == .nextFormat ? 1 : all.count - 1
        e.format = all[(all.firstIndex(of: e.format)! + step) % all.count]
        show(e.bytes, in: &e)
        state.editor = e
        return []
    case .olderValue, .newerValue:
        let older = state.writeHistory.filter { $0.address == e.address && $0.handle == e.handle }.map(\.bytes).reversed()
        let values = Array(older)
        guard !values.isEmpty else { e.error = "nothing written to this characteristic yet"; state.editor = e; return [] }
        if e.historyIndex == nil { e.draft = e.text }
        let next = (e.historyIndex ?? -1) + (Keymap.action(for: key, in: Keymap.editorBindings) == .olderValue ? 1 : -1)
        if next < 0 {
            // Past the newest: back to what was being typed.
            e.historyIndex = nil
            e.text = e.draft ?? ""
            e.cursor = e.text.count
            reparse(&e)
        } else {
            e.historyIndex = min(next, values.count - 1)
            show(values[e.historyIndex!], in: &e)
            if e.format.render(values[e.historyIndex!]) == nil {
                e.format = .hex
                show(values[e.historyIndex!], in: &e)
            }
        }
        state.editor = e
        return []
    case .toggleResponse:
        if e.properties.contains(.write) && e.properties.contains(.writeWithoutResponse) { e.withResponse.toggle() }
        state.editor = e
        return []
    case nil:
        var field = TextField(e.text)
        field.cursor = min(max(0, e.cursor), e.text.count)
        guard field.handle(key) else { return [] }
        e.text = field.text
        e.cursor = field.cursor
        e.historyIndex = nil
        e.typed = [:] // a new value: what other views held no longer matches it
        reparse(&e)
    }
    state.editor = e
    return []
}

/// Shows `bytes` in the editor's current view: what was typed there, if it still means these bytes, else
/// the view's own rendering.
private func show(_ bytes: [UInt8], in e: inout EditorState) {
    e.bytes = bytes
    if let typed = e.typed[e.format], case .success(bytes) = e.format.parse(typed) {
        e.text = typed
    } else {
        e.text = e.format.render(bytes) ?? ""
    }
    e.cursor = e.text.count
    e.error = e.format.render(bytes) == nil ? "\(bytes.count) bytes do not fit \(e.format.label)" : nil
}

private func reparse(_ e: inout EditorState) {
    switch e.format.parse(e.text) {
    case let .success(bytes): e.bytes = bytes; e.error = nil
    case let .failure(error): e.error = error.reason
    }
}
