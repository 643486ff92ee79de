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
        for address in state.devices.keys { state.devices[address]!.history.advance(to: second) }
        if state.notice != nil, time - state.noticeTime > 6 { state.notice = nil }
        if state.hideStale { keepSelectionVisible(&state) }
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
        if state.devices[report.address] == nil {
            state.devices[report.address] = DeviceEntry(report, at: time)
        } else {
            state.devices[report.address]!.add(report, at: time)
        }
        if state.selectedDevice == nil { state.selectedDevice = state.visibleDevices.first?.address }
        return []
    case let .connected(address, parameters, encrypted):
        state.connections[address]?.state = .discovering
        state.connections[address]?.parameters = parameters
        state.connections[address]?.encrypted = encrypted
        state.connections[address]?.busy = "discovering services"
        return []
    case let .discovered(address, services):
        guard state.connections[address] != nil else { return [] }
        state.connections[address]!.services = services
        state.connections[address]!.state = .ready
        state.connections[address]!.busy = nil
        // Open the services that are not the generic ones, so the interesting characteristics show at once.
        for s in services where !(s.uuid.shortValue.map { $0 == 0x1800 || $0 == 0x1801 } ?? false) {
            state.connections[address]!.expanded.insert(.service(s.startHandle))
        }
        state.connections[address]!.selection = state.connections[address]!.treeRows.first?.node
        return []
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
        appendLog(&state, LogEntry(time: time, address: address, handle: handle, uuid: uuid(state, address, handle),
                                   kind: .write, value: value))
        if state.editor?.address == address, state.editor?.handle == handle { state.editor = nil }
        notify(&state, "wrote \(value.count) byte\(value.count == 1 ? "" : "s") to \(handle)")
        return []
    case let .subscribed(address, handle, indication):
        state.connections[address]?.busy = nil
        state.connections[address]?.subscriptions[handle] = indication
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
        notify(&state, "bonded with \(address)")
        return []
    case let .passkeyRequested(address):
        state.prompt = .passkey(address)
        state.promptText = ""
        return []
    case let .passkeyDisplayed(address, passkey):
        notify(&state, "type passkey \(String(passkey).leftPadded(to: 6, with: "0")) on \(address)")
        return []
    case let .disconnected(address, reason):
        guard state.connections.removeValue(forKey: address) != nil else { return [] }
        state.lastError = "\(address) disconnected: \(reason)"
        if state.editor?.address == address { state.editor = nil }
        if state.focus == .details, state.selectedDevice == address { state.focus = .scan }
        return []
    case let .failed(address, why):
        state.lastError = why
        if let address, let c = state.connections[address] {
            if c.state == .connecting { state.connections[address] = nil } else { state.connections[address]!.busy = nil }
            if c.state == .discovering { state.connections[address]!.state = .ready }
        }
        return []
    case let .traffic(line):
        state.traffic.append(line)
        if state.traffic.count > 2000 { state.traffic.removeFirst(state.traffic.count - 2000) }
        return []
    case let .exported(path, count):
        notify(&state, "exported \(count) entr\(count == 1 ? "y" : "ies") to \(path)")
        return []
    }
}

/// A filter or the stale rule can hide the selected device: the selection then moves to the first device
/// shown, so Enter never acts on something the list does not show.
private func keepSelectionVisible(_ state: inout ExplorerState) {
    guard state.prompt != .confirmQuit else { return }
    let list = state.visibleDevices
    if let s = state.selectedDevice, list.contains(where: { $0.address == s }) { return }
    state.selectedDevice = list.first?.address
}

/// A characteristic's SIG name, or its UUID.
private func label(_ uuid: BluetoothUUID) -> String { uuidName(uuid) ?? uuid.description }

/// Shows a short notice for six seconds.
private func notify(_ state: inout ExplorerState, _ text: String) {
    state.notice = text
    state.noticeTime = state.now
}

/// What the explorer does when it starts.
public func initialEffects(_ state: ExplorerState) -> [Effect] { state.scanning ? [.startScan] : [] }

private func uuid(_ state: ExplorerState, _ address: BluetoothAddress, _ handle: AttributeHandle) -> BluetoothUUID? {
    guard let c = state.connections[address] else { return nil }
    return c.characteristic(at: handle)?.uuid ?? c.descriptor(at: handle)?.0.uuid
}

private func appendLog(_ state: inout ExplorerState, _ entry: LogEntry) {
    var entry = entry
    entry.name = entry.name ?? state.label(of: entry.handle, on: entry.address)
    entry.decoded = entry.decoded ?? state.connections[entry.address].flatMap { describeValue(entry.value, at: entry.handle, in: $0) }
    state.log.append(entry)
    if state.log.count > state.logCapacity { state.log.removeFirst(state.log.count - state.logCapacity) }
    // A scrolled (or paused) log keeps showing the same lines while new ones arrive below.
    if state.logScroll > 0 || state.logPaused { state.logScroll += 1 }
}

// MARK: - Keys

private func handle(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    if state.showHelp {
        switch key {
        case .character("j"), .character(" "), .down, .pageDown, .right: state.helpPage += 1
        case .character("k"), .up, .pageUp, .left: state.helpPage = max(0, state.helpPage - 1)
        default: state.showHelp = false
        }
        return []
    }
    if state.prompt != nil { return handlePrompt(key, &state) }
    if state.editor != nil { return handleEditor(key, &state) }
    if state.naming != nil { return handleNaming(key, &state) }
    if state.charts.open != nil { return handleChart(key, &state) }
    state.lastError = nil
    if case let .click(x, y) = key { return click(x, y, &state) }
    if key == .scrollUp { return perform(.up, &state) }
    if key == .scrollDown { return perform(.down, &state) }
    if key == .escape { state.focus = .scan; return [] }
    guard let action = Keymap.action(for: key, in: state.focus) else { return [] }
    return perform(action, &state)
}

func perform(_ action: Action, _ state: inout ExplorerState) -> [Effect] {
    switch action {
    case .help:
        state.showHelp = true
        state.helpPage = 0
    case .quit:
        if state.connections.isEmpty {
            state.quitting = true
            return [.quit]
        }
        state.prompt = .confirmQuit
        state.promptText = ""
    case .nextPane: state.focus = next(state.focus, by: 1)
    case .previousPane: state.focus = next(state.focus, by: -1)
    case .filter:
        state.prompt = .filter
        state.promptText = state.filter
    case .sort:
        let all = ScanSort.allCases
        state.sort = all[(all.firstIndex(of: state.sort)! + 1) % all.count]
    case .pause:
        if state.focus == .log { state.logPaused.toggle(); if !state.logPaused { state.logScroll = 0 } }
        else { state.paused.toggle() }
    case .clear:
        if state.focus == .log {
            if state.showTraffic { state.traffic = [] } else { state.log = []; state.logScroll = 0 }
        } else {
            state.devices = state.devices.filter { state.connections[$0.key] != nil }
            if let s = state.selectedDevice, state.devices[s] == nil { state.selectedDevice = nil }
        }
    case .hideStale: state.hideStale.toggle()
    case .raw: state.showRawAdvertisement.toggle()
    case .traffic:
        state.showTraffic.toggle()
        return [.traceTraffic(state.showTraffic)]
    case .export:
        state.prompt = .export
        state.promptText = "blex-log.jsonl"
    case .nextConnection:
        let open = state.connections.keys.sorted()
        guard !open.isEmpty else { state.lastError = "no connections"; return [] }
        let i = state.selectedDevice.flatMap { open.firstIndex(of: $0) }.map { ($0 + 1) % open.count } ?? 0
        state.selectedDevice = open[i]
        state.focus = .details
    case .disconnect:
        guard let a = state.selectedDevice, state.connections[a] != nil else { state.lastError = "not connected"; return [] }
        state.connections[a]!.busy = "disconnecting"
        return [.disconnect(a)]
    case .bond:
        guard let a = state.selectedDevice, state.connections[a]?.state == .ready else { state.lastError = "connect first"; return [] }
        state.connections[a]!.busy = "bonding"
        return [.bond(a)]
    case .rssi:
        guard let a = state.selectedDevice, state.connections[a]?.state == .ready else { state.lastError = "connect first"; return [] }
        return [.readRSSI(a)]
    case .up, .down, .top, .bottom, .pageUp, .pageDown:
        move(action, &state)
    case .activate:
        return activate(&state)
    case .collapse, .expand:
        guard let a = state.selectedDevice, var c = state.connections[a], let sel = c.selection else { return [] }
        let row = c.treeRows.first { $0.node == sel }
        if action == .expand, row?.expandable == true { c.expanded.insert(sel) }
        if action == .collapse {
            if c.expanded.contains(sel) { c.expanded.remove(sel) } else { c.selection = parent(of: sel, in: c) ?? sel }
        }
        state.connections[a] = c
    case .read, .write, .notify, .indicate:
        return gattAction(action, &state)
    case .chart: return openChart(&state)
    case .name: return startNaming(&state)
    }
    return []
}

private func next(_ pane: Pane, by step: Int) -> Pane {
    let all = Pane.allCases
    return all[(all.firstIndex(of: pane)! + step + all.count) % all.count]
}

private func move(_ action: Action, _ state: inout ExplorerState) {
    let page = max(1, state.height / 2 - 3)
    func target(_ index: Int?, count: Int) -> Int? {
        guard count > 0 else { return nil }
        let i = index ?? -1
        let t = switch action {
        case .up: i - 1
        case .down: i + 1
        case .top: 0
        case .bottom: count - 1
        case .pageUp: i - page
        default: i + page
        }
        return min(max(0, t), count - 1)
    }
    switch state.focus {
    case .scan:
        let list = state.visibleDevices
        let index = state.selectedDevice.flatMap { s in list.firstIndex { $0.address == s } }
        if let t = target(index, count: list.count) { state.selectedDevice = list[t].address }
    case .details:
        guard let a = state.selectedDevice, var c = state.connections[a] else { return }
        let rows = c.treeRows
        let index = c.selection.flatMap { s in rows.firstIndex { $0.node == s } }
        if let t = target(index, count: rows.count) { c.selection = rows[t].node }
        state.connections[a] = c
    case .log:
        let count = state.showTraffic ? state.traffic.count : state.log.count
        switch action {
        case .up: state.logScroll = min(count, state.logScroll + 1)
        case .down: state.logScroll = max(0, state.logScroll - 1)
        case .top: state.logScroll = count
        case .bottom: state.logScroll = 0
        case .pageUp: state.logScroll = min(count, state.logScroll + page)
        default: state.logScroll = max(0, state.logScroll - page)
        }
    }
}

private func parent(of node: TreeNode, in c: ConnectionEntry) -> TreeNode? {
    switch node {
    case .service: return nil
    case let .characteristic(h):
        return c.services.first { s in s.characteristics.contains { $0.valueHandle == h } }.map { .service($0.startHandle) }
    case let .descriptor(h):
        return c.descriptor(at: h).map { .characteristic($0.1.valueHandle) }
    }
}

private func activate(_ state: inout ExplorerState) -> [Effect] {
    guard let a = state.selectedDevice else { return [] }
    if state.focus == .details, var c = state.connections[a], let sel = c.selection {
        if let row = c.treeRows.first(where: { $0.node == sel }), row.expandable {
            if c.expanded.contains(sel) { c.expanded.remove(sel) } else { c.expanded.insert(sel) }
            state.connections[a] = c
            return []
        }
        return gattAction(.read, &state)
    }
    if let c = state.connections[a] {
        if c.state == .ready { state.focus = .details }
        return []
    }
    guard let d = state.devices[a] else { return [] }
    guard d.connectable else {
        state.lastError = "\(d.address) does not accept connections (it only broadcasts)"
        return []
    }
    var entry = ConnectionEntry(address: a, addressType: d.addressType)
    entry.busy = "connecting"
    state.connections[a] = entry
    return [.connect(a, d.addressType)]
}

private func gattAction(_ action: Action, _ state: inout ExplorerState) -> [Effect] {
    guard let a = state.selectedDevice, let c = state.connections[a], c.state == .ready else {
        state.lastError = "connect to a device first (Enter in the scan list)"
        return []
    }
    guard let handle = c.selectedValueHandle else {
        state.lastError = "select a characteristic or descriptor"
        return []
    }
    let characteristic = c.selectedCharacteristic
    let isDescriptor = if case .descriptor = c.selection { true } else { false }
    switch action {
    case .read:
        if !isDescriptor, let p = characteristic?.properties, !p.contains(.read) {
            state.lastError = "\(label(characteristic!.uuid)) is not readable (\(p))"
            return []
        }
        state.connections[a]!.busy = "reading \(handle)"
        return [.read(a, handle)]
    case .write:
        guard let ch = characteristic else { return [] }
        let p = isDescriptor ? CharacteristicProperties.write : ch.properties
        guard p.contains(.write) || p.contains(.writeWithoutResponse) else {
            state.lastError = "\(label(ch.uuid)) is not writable (\(ch.properties))"
            return []
        }
        let uuid = isDescriptor ? (c.descriptor(at: handle)?.0.uuid ?? ch.uuid) : ch.uuid
        state.editor = EditorState(address: a, handle: handle, uuid: uuid, properties: p, bytes: c.values[handle] ?? [])
        return []
    default:
        guard let ch = characteristic else { return [] }
        let indication = action == .indicate
        let needed: CharacteristicProperties = indication ? .indicate : .notify
        guard ch.properties.contains(needed) else {
            state.lastError = "\(label(ch.uuid)) cannot \(indication ? "indicate" : "notify") (\(ch.properties))"
            return []
        }
        let on = c.subscriptions[ch.valueHandle] == indication
        state.connections[a]!.busy = on ? "unsubscribing" : "subscribing"
        return [.subscribe(a, ch.valueHandle, indication: indication, enable: !on)]
    }
}

private func click(_ x: Int, _ y: Int, _ state: inout ExplorerState) -> [Effect] {
    let layout = ExplorerLayout(width: state.width, height: state.height, focus: state.focus)
    if let row = layout.scanRow(atY: y), layout.scan.contains(x: x, y: y) {
        state.focus = .scan
        let list = state.visibleDevices
        let offset = scrollOffset(selected: state.selectedDevice.flatMap { s in list.firstIndex { $0.address == s } },
                                  count: list.count, visible: layout.scanVisibleRows)
        if offset + row < list.count { state.selectedDevice = list[offset + row].address }
    } else if layout.details.contains(x: x, y: y) {
        state.focus = .details
    } else if layout.log.contains(x: x, y: y) {
        state.focus = .log
    }
    return []
}

// MARK: - Prompts and the editor

private func handlePrompt(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    guard let prompt = state.prompt else { return [] }
    if prompt == .confirmQuit {
        state.prompt = nil
        if key == .character("y") || key == .character("Y") || key == .enter {
            state.quitting = true
            return [.quit]
        }
        return []
    }
    switch key {
    case .escape:
        state.prompt = nil
        if prompt == .filter { state.filter = "" }
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
        case .confirmQuit: break
        }
        return []
    case .backspace:
        if !state.promptText.isEmpty { state.promptText.removeLast() }
    case .control("u"):
        state.promptText = ""
    case let .character(ch):
        if case .passkey = prompt, !ch.isASCII || !ch.isNumber || state.promptText.count >= 6 { return [] }
        guard !TextWidth.isControl(ch) else { return [] }
        state.promptText.append(ch)
    default:
        return []
    }
    if prompt == .filter { state.filter = state.promptText } // filter as you type
    return []
}

private func handleEditor(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    guard var e = state.editor else { return [] }
    var chars = Array(e.text)
    e.cursor = min(max(0, e.cursor), chars.count)
    switch key {
    case .escape:
        state.editor = nil
        return []
    case .enter:
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
            return [.write(e.address, e.handle, bytes, withResponse: e.withResponse)]
        }
    case .tab, .backTab:
        // Every keystroke that parses already updated `bytes`; switching views never re-reads the text,
        // so a view that cannot show a value exactly (NaN payloads, say) does not change it.
        let all = ValueFormat.allCases
        let step = key == .tab ? 1 : all.count - 1
        e.format = all[(all.firstIndex(of: e.format)! + step) % all.count]
        e.text = e.format.render(e.bytes) ?? ""
        e.cursor = e.text.count
        e.error = e.format.render(e.bytes) == nil ? "\(e.bytes.count) bytes do not fit \(e.format.label)" : nil
        state.editor = e
        return []
    case .control("r"):
        if e.properties.contains(.write) && e.properties.contains(.writeWithoutResponse) { e.withResponse.toggle() }
    case .left: e.cursor = max(0, e.cursor - 1)
    case .right: e.cursor = min(chars.count, e.cursor + 1)
    case .home, .control("a"): e.cursor = 0
    case .end, .control("e"): e.cursor = chars.count
    case .backspace:
        if e.cursor > 0 { chars.remove(at: e.cursor - 1); e.cursor -= 1 }
    case .delete:
        if e.cursor < chars.count { chars.remove(at: e.cursor) }
    case .control("u"):
        chars.removeFirst(e.cursor); e.cursor = 0
    case let .character(ch):
        guard !TextWidth.isControl(ch) else { return [] }
        chars.insert(ch, at: e.cursor)
        // A combining mark joins the character before it: count characters again, never past the end.
        e.cursor = String(chars.prefix(e.cursor + 1)).count
    default:
        return []
    }
    e.text = String(chars)
    e.cursor = min(e.cursor, e.text.count)
    switch e.format.parse(e.text) {
    case let .success(bytes): e.bytes = bytes; e.error = nil
    case let .failure(error): e.error = error.reason
    }
    state.editor = e
    return []
}

extension String {
    func leftPadded(to width: Int, with pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
