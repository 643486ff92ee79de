import BGAPICore
import TUI

// Keys and mouse: what a key press or a click does in each pane (messages from the radio and the
// effect runner are in Update.swift; overlays in PromptUpdate, EditorUpdate, DetailUpdate, BondUpdate).

func handle(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    switch state.mode {
    case let .help(page, over):
        switch key {
        case .character("j"), .character(" "), .down, .pageDown, .right: state.mode = .help(page: page + 1, over: over)
        case .character("k"), .up, .pageUp, .left: state.mode = .help(page: max(0, page - 1), over: over)
        default: state.mode = over.map(Mode.chart) ?? .browse // help opened from the chart goes back to it
        }
        return []
    case let .detail(detail):
        handleDetail(key, detail, &state)
        return []
    case let .bonds(list):
        return handleBonds(key, list, &state)
    case .prompt:
        return handlePrompt(key, &state)
    case .editor:
        return handleEditor(key, &state)
    case .naming:
        return handleNaming(key, &state) // Update+Charts.swift
    case let .chart(target):
        return handleChart(key, target, &state)
    case .browse: break
    }
    state.lastError = nil
    if state.faultMenu { return chooseFault(key, &state) }
    if case let .click(x, y) = key { return click(x, y, &state) }
    if key == .scrollUp { return perform(.up, &state) }
    if key == .scrollDown { return perform(.down, &state) }
    if key == .escape {
        // Esc gives up a pending connect at once; otherwise it goes back to the device list.
        if let pending = state.connections.values.first(where: { $0.state == .connecting }) {
            return cancelConnect(&state, pending.address)
        }
        state.zoomed = false
        state.focus = .scan
        return []
    }
    guard let action = Keymap.action(for: key, in: state.focus) else { return [] }
    return perform(action, &state)
}

func perform(_ action: Action, _ state: inout ExplorerState) -> [Effect] {
    switch action {
    case .help:
        state.mode = .help(page: 0)
    case .zoom:
        state.zoomed.toggle()
    case .clone:
        return cloneSelected(&state)
    case .fault:
        openFaultMenu(&state)
    case .bonds:
        return openBonds(&state)
    case .search:
        state.showTraffic = true
        state.prompt = .search
        state.promptText = ""
        state.traffic.filter.search = ""
        trafficFilterChanged(&state)
    case .hideScanResponses:
        state.showTraffic = true
        state.traffic.filter.hidesScanResponses.toggle()
        trafficFilterChanged(&state)
    case .commandsOnly:
        state.showTraffic = true
        state.traffic.filter.commandsOnly.toggle()
        trafficFilterChanged(&state)
    case .connectionFilter:
        state.showTraffic = true
        cycleTrafficConnection(&state)
    case .quit:
        if !state.connections.values.contains(where: \.isLive) {
            state.quitting = true
            return [.quit]
        }
        state.prompt = .confirmQuit
        state.promptText = ""
    case .nextPane: state.focus = next(state.focus, by: 1)
    case .previousPane: state.focus = next(state.focus, by: -1)
    case .filter:
        // A fresh filter each time; Esc clears it, Enter keeps it.
        state.prompt = .filter
        state.promptText = ""
        state.filter = ""
    case .sort:
        let all = ScanSort.allCases
        state.sort = all[(all.firstIndex(of: state.sort)! + 1) % all.count]
        resort(&state)
    case .resort:
        resort(&state)
        notify(&state, "sorted by \(state.sort.rawValue)")
    case .hideUnnamed: state.hideUnnamed.toggle()
    case .raiseRSSIFloor: stepRSSIFloor(&state, by: 5)
    case .lowerRSSIFloor: stepRSSIFloor(&state, by: -5)
    case .pause:
        if state.focus == .log, state.showTraffic { toggleTrafficPause(&state) }
        else if state.focus == .log { state.logPaused.toggle(); if !state.logPaused { state.logScroll = 0 } }
        else {
            // The radio really stops: gap_end_procedure, and nothing is heard until p again.
            state.paused.toggle()
            notify(&state, state.paused ? "scanning stopped (p resumes)" : "scanning")
            return [state.paused ? .stopScan : .startScan]
        }
    case .clear:
        if state.focus == .log {
            if state.showTraffic {
                state.traffic.packets.removeAll()
                (state.traffic.cursor, state.traffic.top, state.traffic.frozenAt, state.traffic.chain) = (nil, nil, nil, [])
            } else { state.log.removeAll(); state.logScroll = 0 }
        } else {
            state.devices = state.devices.filter { state.connections[$0.key] != nil }
            state.order = state.order.filter { state.devices[$0] != nil }
            state.rank = Dictionary(uniqueKeysWithValues: state.order.enumerated().map { ($1, $0) })
            state.unsorted = state.unsorted.filter { state.devices[$0] != nil }
            state.evictionCandidates = []
            state.selectionMoved = false
            if let s = state.selectedDevice, state.devices[s] == nil { state.selectedDevice = nil }
        }
    case .hideStale: state.hideStale.toggle()
    case .raw: state.showRawAdvertisement.toggle()
    case .traffic:
        state.showTraffic.toggle()
    case .export:
        let traffic = state.focus == .log && state.showTraffic
        state.prompt = traffic ? .exportTraffic : .export
        state.promptText = traffic ? "blex-traffic.jsonl" : "blex-log.jsonl"
    case .nextConnection:
        let open = state.connections.keys.sorted()
        guard !open.isEmpty else { state.lastError = "no connections"; return [] }
        let i = state.selectedDevice.flatMap { open.firstIndex(of: $0) }.map { ($0 + 1) % open.count } ?? 0
        state.selectedDevice = open[i]
        state.selectionMoved = true
        state.focus = .details
    case .disconnect:
        guard let a = state.selectedDevice, let c = state.connections[a] else { state.lastError = "not connected"; return [] }
        if c.state == .connecting { return cancelConnect(&state, a) }
        guard c.isLive else {
            state.connections[a] = nil // forget a dropped link's tree
            if state.focus == .details { state.focus = .scan }
            return []
        }
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
        let list = state.visibleAddresses
        let index = state.selectedDevice.flatMap { list.firstIndex(of: $0) }
        if let t = target(index, count: list.count) { state.selectedDevice = list[t] }
        state.selectionMoved = true
        state.advertisementScroll = 0
    case .details:
        guard let a = state.selectedDevice, var c = state.connections[a] else {
            // The advertisement detail scrolls when it is taller than its pane.
            switch action {
            case .up: state.advertisementScroll = max(0, state.advertisementScroll - 1)
            case .down: state.advertisementScroll += 1
            case .top: state.advertisementScroll = 0
            case .bottom: state.advertisementScroll = .max
            case .pageUp: state.advertisementScroll = max(0, state.advertisementScroll - page)
            case .pageDown: state.advertisementScroll += page
            default: break
            }
            state.advertisementScroll = min(state.advertisementScroll, ExplorerView.advertisementOverflow(state))
            return
        }
        let rows = c.treeRows
        let index = c.selection.flatMap { s in rows.firstIndex { $0.node == s } }
        if let t = target(index, count: rows.count) { c.selection = rows[t].node }
        state.connections[a] = c
    case .log:
        if state.showTraffic { moveTraffic(action, &state); return }
        let count = state.log.count
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
    if state.focus == .log {
        openLogDetail(&state)
        return []
    }
    guard let a = state.selectedDevice else { return [] }
    // Acting on a device pins the selection to it (it no longer follows row 1).
    state.selectionMoved = true
    if let c = state.connections[a], case .disconnected = c.state { return reconnect(&state, a) }
    if state.focus == .details, var c = state.connections[a], let sel = c.selection {
        if let row = c.treeRows.first(where: { $0.node == sel }), row.expandable {
            if c.expanded.contains(sel) { c.expanded.remove(sel) } else { c.expanded.insert(sel) }
            state.connections[a] = c
            return []
        }
        return gattAction(.read, &state)
    }
    if let why = state.dongleGone {
        state.lastError = "no dongle (\(why)): connecting waits until it is back"
        return []
    }
    if let c = state.connections[a] {
        if case .disconnected = c.state { return reconnect(&state, a) }
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
        if let c = state.selectedDevice.flatMap({ state.connections[$0] }), !c.isLive {
            state.lastError = "the link is down: Enter reconnects"
        } else {
            state.lastError = "connect to a device first (Enter in the scan list)"
        }
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

func click(_ x: Int, _ y: Int, _ state: inout ExplorerState) -> [Effect] {
    let layout = ExplorerLayout(width: state.width, height: state.height, focus: state.focus, zoomed: state.zoomed)
    if let row = layout.scanRow(atY: y), layout.scan.contains(x: x, y: y) {
        state.focus = .scan
        let list = state.visibleAddresses
        let offset = scrollOffset(selected: state.selectedDevice.flatMap { list.firstIndex(of: $0) },
                                  count: list.count, visible: layout.scanVisibleRows)
        if offset + row < list.count { state.selectedDevice = list[offset + row]; state.selectionMoved = true }
    } else if layout.details.contains(x: x, y: y) {
        state.focus = .details
    } else if layout.log.contains(x: x, y: y) {
        state.focus = .log
    }
    return []
}

extension String {
    func leftPadded(to width: Int, with pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
