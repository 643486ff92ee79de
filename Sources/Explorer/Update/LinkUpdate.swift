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

/// A connect seen rather than asked for (a replay): the entry the user's connect would make, or a dropped
/// link's entry coming back (its tree kept, as on a reconnect).
func linkConnecting(_ state: inout ExplorerState, _ address: BluetoothAddress, _ type: AddressType) {
    if var c = state.connections[address] {
        guard case .disconnected = c.state else { return }
        c.state = .connecting
        c.busy = "reconnecting"
        state.connections[address] = c
        return
    }
    var entry = ConnectionEntry(address: address, addressType: type)
    entry.busy = "connecting"
    state.connections[address] = entry
    if state.selectedDevice == nil { state.selectedDevice = address }
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
    let asked = c.busy == "disconnecting"
    if asked || c.services.isEmpty {
        state.connections[address] = nil
        if state.focus == .details, state.selectedDevice == address { state.focus = .scan }
    } else {
        state.connections[address]!.state = .disconnected(reason)
        state.connections[address]!.busy = nil
        state.connections[address]!.rssi = nil
    }
    // The user's own disconnect is news, not an error.
    if asked { notify(&state, "disconnected from \(address)") } else { state.lastError = "\(address) disconnected: \(reason)" }
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

/// The port closed: no link survives it (the library has said so for each; any it could not is closed here,
/// so nothing claims to be up), and the status line says the dongle is gone until a reopen works.
func dongleWentAway(_ state: inout ExplorerState, _ why: String) -> [Effect] {
    dropLiveLinks(&state, reason: "dongle gone (\(why))")
    state.dongleGone = why
    state.lastReopen = state.now
    state.lastError = "dongle gone (\(why)): blex opens it again when it is back"
    return []
}

/// The gone dongle answers again: the scan resumes if the user wanted it; links stay down until asked for.
func dongleCameBack(_ state: inout ExplorerState) -> [Effect] {
    guard state.dongleGone != nil else { return [] }
    state.dongleGone = nil
    state.lastError = nil
    notify(&state, "dongle back: Enter reconnects a device")
    return state.scanning && !state.paused ? [.startScan] : []
}

/// The dongle restarted where it is (a UART BLED112's `system_boot`): its links and its scan are gone.
func dongleResetInPlace(_ state: inout ExplorerState) -> [Effect] {
    dropLiveLinks(&state, reason: "the dongle reset")
    state.lastError = "the dongle reset: every link was closed"
    return state.scanning && !state.paused && state.dongleGone == nil ? [.startScan] : []
}

/// Marks every link still shown as up (or coming up) as down, for `reason`.
private func dropLiveLinks(_ state: inout ExplorerState, reason: String) {
    for (address, c) in state.connections where c.isLive {
        if c.state == .connecting {
            if c.services.isEmpty { state.connections[address] = nil }
            else { state.connections[address]!.state = .disconnected(reason); state.connections[address]!.busy = nil }
        } else {
            linkDisconnected(&state, address, reason: reason)
        }
    }
}
