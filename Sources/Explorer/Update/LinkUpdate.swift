import BGAPICore

// Links and their events: a pending connect can be given up at once, a dropped link keeps its GATT tree
// (greyed, with the reason) and Enter reconnects and re-subscribes; every link event lands in the log.

/// Logs a link event (connect, disconnect, subscription, bond, failure) for `address`.
func logLinkEvent(_ state: inout ExplorerState, _ address: BluetoothAddress, _ kind: LogEntry.Kind, note: String,
                  handle: AttributeHandle = AttributeHandle(0)) {
    let uuid = handle.rawValue == 0 ? nil : state.connections[address].flatMap { c in
        c.characteristic(at: handle)?.uuid ?? c.descriptor(at: handle)?.0.uuid
    }
    appendLog(&state, LogEntry(time: state.now, address: address, handle: handle, uuid: uuid, kind: kind, value: [], note: note))
}

/// A link came up: discovery follows.
func linkConnected(_ state: inout ExplorerState, _ address: BluetoothAddress, parameters: String, encrypted: Bool) {
    guard state.connections[address] != nil else { return }
    state.connections[address]!.state = .discovering
    state.connections[address]!.parameters = parameters
    state.connections[address]!.encrypted = encrypted
    state.connections[address]!.busy = "discovering services"
    logLinkEvent(&state, address, .connected, note: parameters)
}

/// Discovery finished: the tree is ready; after a reconnect the old view is kept and subscriptions renewed.
func linkDiscovered(_ state: inout ExplorerState, _ address: BluetoothAddress, _ services: [GATTService]) -> [Effect] {
    guard var c = state.connections[address] else { return [] }
    let reconnect = !c.services.isEmpty
    c.services = services
    c.state = .ready
    c.busy = nil
    if !reconnect {
        // Open the services that are not the generic ones, so the interesting characteristics show at once.
        for s in services where !(s.uuid.shortValue.map { $0 == 0x1800 || $0 == 0x1801 } ?? false) {
            c.expanded.insert(.service(s.startHandle))
        }
    }
    if c.selection == nil || !c.treeRows.contains(where: { $0.node == c.selection }) { c.selection = c.treeRows.first?.node }
    let renew = c.resubscribe.filter { h, _ in c.characteristic(at: h) != nil }.sorted { $0.key < $1.key }
    c.resubscribe = [:]
    if !renew.isEmpty { c.busy = "re-subscribing" }
    state.connections[address] = c
    return renew.map { Effect.subscribe(address, $0.key, indication: $0.value, enable: true) }
}

/// A link went down. One the user closed goes; one that dropped stays, greyed, for Enter to reconnect.
func linkDisconnected(_ state: inout ExplorerState, _ address: BluetoothAddress, reason: String) {
    guard let c = state.connections[address] else { return }
    if case .disconnected = c.state { return }
    logLinkEvent(&state, address, .disconnected, note: reason)
    if state.editor?.address == address { state.editor = nil }
    if c.busy == "disconnecting" || c.services.isEmpty {
        state.connections[address] = nil
        if state.focus == .details, state.selectedDevice == address { state.focus = .scan }
    } else {
        state.connections[address]!.state = .disconnected(reason)
        state.connections[address]!.busy = nil
        state.connections[address]!.rssi = nil
    }
    state.lastError = "\(address) disconnected: \(reason)"
}

/// An operation failed: the log says what was running and why; a connect that failed leaves (a reconnect
/// keeps its old tree, greyed).
func operationFailed(_ state: inout ExplorerState, _ address: BluetoothAddress?, _ why: String) {
    state.lastError = why
    guard let address, let c = state.connections[address] else { return }
    let what = c.busy ?? "operation"
    logLinkEvent(&state, address, .failed, note: "\(what) failed: \(why)", handle: busyHandle(c.busy) ?? AttributeHandle(0))
    switch c.state {
    case .connecting:
        if c.services.isEmpty { state.connections[address] = nil }
        else { state.connections[address]!.state = .disconnected("reconnect failed"); state.connections[address]!.busy = nil }
    case .discovering:
        state.connections[address]!.state = .ready
        state.connections[address]!.busy = nil
    default:
        state.connections[address]!.busy = nil
    }
}

/// The handle in a busy text (`reading 0x000F`), so a failure's log entry names the characteristic.
private func busyHandle(_ busy: String?) -> AttributeHandle? {
    guard let word = busy?.split(separator: " ").last, word.hasPrefix("0x"), let v = UInt16(word.dropFirst(2), radix: 16) else {
        return nil
    }
    return AttributeHandle(v)
}

/// `d` or `Esc` on a device whose connect has not completed: give it up now.
func cancelConnect(_ state: inout ExplorerState, _ address: BluetoothAddress) -> [Effect] {
    guard let c = state.connections[address], c.state == .connecting else { return [] }
    if c.services.isEmpty { state.connections[address] = nil }
    else { state.connections[address]!.state = .disconnected("connect cancelled"); state.connections[address]!.busy = nil }
    notify(&state, "connect to \(address) cancelled")
    return [.cancelConnect(address)]
}

/// Enter on a dropped link: connect again, keeping the tree and renewing its subscriptions after discovery.
func reconnect(_ state: inout ExplorerState, _ address: BluetoothAddress) -> [Effect] {
    guard var c = state.connections[address], case .disconnected = c.state else { return [] }
    c.resubscribe = c.subscriptions
    c.subscriptions = [:]
    c.state = .connecting
    c.busy = "reconnecting"
    state.connections[address] = c
    return [.connect(address, c.addressType)]
}

extension ConnectionEntry {
    /// Whether the link is up or coming up (not a dropped one kept for its tree).
    public var isLive: Bool { if case .disconnected = state { false } else { true } }
}
