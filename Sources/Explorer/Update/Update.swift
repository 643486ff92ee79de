import BGAPICore
import TUI

/// The explorer's whole behaviour: a message changes the state and may ask for effects. Pure: no I/O, no clock.
public func update(_ state: inout ExplorerState, _ message: Message) -> [Effect] {
    recordCharts(&state, message) // Update+Charts.swift
    switch message {
    case let .key(key):
        let effects = handle(key, &state)
        keepSelectionVisible(&state)
        return effects
    case let .tick(time):
        state.now = time
        state.spinner &+= 1
        let second = Int64(time.rounded(.down))
        // In place: iterating `keys` while writing would copy the whole table on every tick.
        var i = state.devices.values.startIndex
        while i != state.devices.values.endIndex {
            state.devices.values[i].history.advance(to: second)
            state.devices.values.formIndex(after: &i)
        }
        if state.notice != nil, time - state.noticeTime > 6 { state.notice = nil }
        if time - state.lastSort >= state.resortInterval { resort(&state) } else { followFirstRow(&state) }
        if state.hideStale { keepSelectionVisible(&state) }
        if state.dongleGone != nil {
            guard time - state.lastReopen >= state.reopenInterval else { return [] }
            state.lastReopen = time
            return [.reopenDongle]
        }
        // A connected device stops advertising: its sparkline goes on with the link's RSSI, every 2 s.
        guard time - state.lastRSSIPoll >= 2 else { return [] }
        state.lastRSSIPoll = time
        return state.connections.values.filter { $0.state == .ready && $0.busy == nil }
            .map(\.address).sorted().map { Effect.pollRSSI($0) }
    case let .resize(width, height):
        state.width = max(0, width)
        state.height = max(0, height)
        return []
    case let .advertisement(report, time):
        state.now = max(state.now, time)
        guard !state.paused else { return [] }
        hear(&state, report, at: time) // Model/DeviceTable.swift: bounded, the stalest evicted
        // Every change to a device passes here, so the filter memo stays true (without a filter it is dropped).
        if !state.filter.isEmpty, let d = state.devices[report.address] {
            state.filterMemo.note(d, needle: state.filter.lowercased(), devices: state.devices.count)
        } else if state.filter.isEmpty, !state.filterMemo.isEmpty {
            state.filterMemo = FilterMemo()
        }
        // The first device shown is selected. Later the selection follows the first row on each tick and key
        // (not per packet: at thousands a second, finding the first row of a list being filled would be the
        // explorer's whole cost).
        if state.selectedDevice == nil, let d = state.devices[report.address], state.shows(d, needle: state.filter.lowercased()) {
            state.selectedDevice = state.firstVisibleAddress
        }
        return []
    case let .connecting(address, type):
        linkConnecting(&state, address, type)
        return []
    case let .disconnecting(address):
        if state.connections[address]?.isLive == true { state.connections[address]?.busy = "disconnecting" }
        return []
    case let .connected(address, parameters, encrypted):
        linkConnected(&state, address, parameters: parameters, encrypted: encrypted)
        return []
    case let .discovered(address, services):
        return linkDiscovered(&state, address, services)
    case let .read(address, handle, value, time):
        state.connections[address]?.values[handle] = value
        state.connections[address]?.busy = nil
        appendLog(&state, LogEntry(time: time, address: address, handle: handle, uuid: uuid(state, address, handle),
                                   kind: .read, value: value))
        return []
    case let .fetched(address, handle, value):
        state.connections[address]?.values[handle] = value
        return []
    case let .notified(address, handle, value, indication, time):
        state.connections[address]?.values[handle] = value
        appendLog(&state, LogEntry(time: time, address: address, handle: handle, uuid: uuid(state, address, handle),
                                   kind: indication ? .indication : .notification, value: value))
        return []
    case let .wrote(address, handle, value, time):
        state.connections[address]?.busy = nil
        let withResponse = state.connections[address]?.pendingWrites.removeValue(forKey: handle) ?? true
        rememberWrite(&state, WrittenValue(address: address, handle: handle, bytes: value))
        appendLog(&state, LogEntry(time: time, address: address, handle: handle, uuid: uuid(state, address, handle),
                                   kind: withResponse ? .write : .writeWithoutResponse, value: value))
        if state.editor?.address == address, state.editor?.handle == handle { state.editor = nil }
        notify(&state, "wrote \(value.count) byte\(value.count == 1 ? "" : "s") to \(handle)")
        return []
    case let .subscribed(address, handle, indication):
        state.connections[address]?.busy = nil
        state.connections[address]?.subscriptions[handle] = indication
        let how = indication.map { $0 ? "indications on" : "notifications on" } ?? "off"
        logLinkEvent(&state, address, indication == nil ? .unsubscribed : .subscribed, note: how, handle: handle)
        return []
    case let .rssi(address, rssi):
        state.connections[address]?.rssi = rssi
        state.connections[address]?.busy = nil
        if state.devices[address] != nil {
            state.devices[address]!.rssi = rssi
            state.devices[address]!.history.add(rssi, at: state.now)
        }
        return []
    case let .bonded(address):
        state.connections[address]?.encrypted = true
        state.connections[address]?.busy = nil
        state.devices[address]?.bonded = true
        logLinkEvent(&state, address, .bonded, note: "bond stored in the dongle")
        notify(&state, "bonded with \(address)")
        return []
    case let .passkeyRequested(address):
        // The peer waits for it: the passkey prompt takes over whatever overlay is open.
        state.prompt = .passkey(address)
        state.promptText = ""
        return []
    case let .passkeyDisplayed(address, passkey):
        notify(&state, "type passkey \(String(passkey).leftPadded(to: 6, with: "0")) on \(address)")
        return []
    case let .disconnected(address, reason):
        linkDisconnected(&state, address, reason: reason)
        return []
    case let .failed(address, why):
        operationFailed(&state, address, why)
        return []
    case let .dongleGone(why):
        return dongleWentAway(&state, why)
    case .dongleBack:
        return dongleCameBack(&state)
    case .dongleReset:
        return dongleResetInPlace(&state)
    case let .traffic(line):
        let now = state.now
        recordTraffic(&state) { TrafficPacket(sequence: $0, time: now, note: line) }
        return []
    case let .packet(message, time):
        recordTraffic(&state) { TrafficPacket(sequence: $0, time: time, message: message) }
        return []
    case let .bondSlot(address, bond):
        state.devices[address]?.bond = bond
        state.devices[address]?.bonded = bond.isBonded
        return []
    case let .bondList(bonds):
        receiveBonds(&state, bonds)
        return []
    case let .bondDeleted(bond):
        return bondDeleted(&state, bond)
    case let .exported(path, count):
        notify(&state, "exported \(count) entr\(count == 1 ? "y" : "ies") to \(path)")
        return []
    case let .cloned(path, summary):
        notify(&state, "cloned into \(path): \(summary)")
        return []
    }
}

/// A filter or the stale rule can hide the selected device: the selection then moves to the first device
/// shown, so Enter never acts on something the list does not show.
func keepSelectionVisible(_ state: inout ExplorerState) {
    guard state.prompt != .confirmQuit else { return }
    let list = state.visibleAddresses
    if let s = state.selectedDevice, list.contains(s) { return }
    state.selectedDevice = list.first
}

/// A characteristic's SIG name, or its UUID.
func label(_ uuid: BluetoothUUID) -> String { uuidName(uuid) ?? uuid.description }

/// Shows a short notice for six seconds.
func notify(_ state: inout ExplorerState, _ text: String) {
    state.notice = text
    state.noticeTime = state.now
}

/// What the explorer does when it starts.
/// Traffic is recorded from start-up (before the first scan command), so the pane has it all when opened.
public func initialEffects(_ state: ExplorerState) -> [Effect] { [.traceTraffic(true)] + (state.scanning ? [.startScan] : []) }

func uuid(_ state: ExplorerState, _ address: BluetoothAddress, _ handle: AttributeHandle) -> BluetoothUUID? {
    guard let c = state.connections[address] else { return nil }
    return c.characteristic(at: handle)?.uuid ?? c.descriptor(at: handle)?.0.uuid
}

func appendLog(_ state: inout ExplorerState, _ entry: LogEntry) {
    var entry = entry
    if entry.chain.isEmpty { entry.chain = chain(for: entry, in: state.traffic) }
    // The names and words of the moment: a later rename or format does not rewrite what was logged.
    if entry.handle.rawValue != 0 { entry.name = entry.name ?? state.label(of: entry.handle, on: entry.address) }
    if !entry.isLinkEvent {
        entry.decoded = entry.decoded ?? state.connections[entry.address].flatMap { describeValue(entry.value, at: entry.handle, in: $0) }
    }
    if state.log.capacity != state.logCapacity { state.log.setCapacity(state.logCapacity) }
    state.log.append(entry)
    // A scrolled (or paused) log keeps showing the same lines while new ones arrive below.
    if state.logScroll > 0 || state.logPaused { state.logScroll += 1 }
}
