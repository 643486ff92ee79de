import BGAPICore
import TUI

// The traffic pane's part of the reducer: recording, the cursor and pause point (held by sequence number, so
// the lines on screen stay put while packets arrive), filters, and the chain behind a log entry.

/// Records one packet (or note) in the traffic ring.
func recordTraffic(_ state: inout ExplorerState, _ make: (Int) -> TrafficPacket) {
    let packet = make(state.traffic.packets.endSequence)
    state.traffic.packets.append(packet)
    if !state.traffic.filter.search.isEmpty { state.traffic.indexSearch() }
    if packet.name == "connection_status", let a = packet.address, let c = packet.connection {
        state.traffic.links[a] = c
    }
    // A cursor or a top row that fell out of the ring moves to the oldest kept packet.
    let oldest = state.traffic.packets.startSequence
    if let c = state.traffic.cursor, c < oldest { state.traffic.cursor = oldest }
    if let t = state.traffic.top, t < oldest { state.traffic.top = oldest }
}

/// Rows of packets the traffic pane shows now (its border excluded).
func trafficRows(_ state: ExplorerState) -> Int {
    max(1, ExplorerLayout(width: state.width, height: state.height, focus: state.focus, zoomed: state.zoomed).log.height - 2)
}

/// The index in `list` of the first packet at or after `sequence` (`list.count` when none).
func trafficIndex(_ list: [TrafficPacket], atOrAfter sequence: Int) -> Int {
    var lo = 0, hi = list.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if list[mid].sequence < sequence { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// The first row shown for a held view: `top`, moved as little as needed to keep the cursor in view.
func trafficWindowStart(_ list: [TrafficPacket], cursor: Int, top: Int?, rows: Int) -> Int {
    let c = min(cursor, max(0, list.count - 1))
    var start = top.map { trafficIndex(list, atOrAfter: $0) } ?? max(0, c - rows + 1)
    if c < start { start = c }
    if c >= start + rows { start = c - rows + 1 }
    return max(0, min(start, max(0, list.count - rows)))
}

/// j/k, g/G, page keys in the traffic pane: the cursor moves over the filtered packets; `G` follows again.
func moveTraffic(_ action: Action, _ state: inout ExplorerState) {
    let list = state.traffic.visible
    guard !list.isEmpty else { return }
    let rows = trafficRows(state)
    let current = state.traffic.cursor.map { min(trafficIndex(list, atOrAfter: $0), list.count - 1) } ?? list.count
    let target: Int
    switch action {
    case .up: target = current - 1
    case .down: target = current + 1
    case .top: target = 0
    case .bottom:
        state.traffic.cursor = nil
        state.traffic.top = nil
        return
    case .pageUp: target = current - rows
    default: target = current + rows
    }
    let index = min(max(0, target), list.count - 1)
    state.traffic.cursor = list[index].sequence
    let start = trafficWindowStart(list, cursor: index, top: state.traffic.top, rows: rows)
    state.traffic.top = list[start].sequence
}

/// `p` in the traffic pane: pause at the newest packet, or resume following.
func toggleTrafficPause(_ state: inout ExplorerState) {
    if state.traffic.frozenAt != nil {
        state.traffic.frozenAt = nil
        state.traffic.cursor = nil
        state.traffic.top = nil
    } else {
        state.traffic.frozenAt = state.traffic.packets.endSequence - 1
    }
}

/// A filter changed: the cursor stays on its packet when it still shows, else follows again.
func trafficFilterChanged(_ state: inout ExplorerState) {
    state.traffic.chain = []
    state.traffic.indexSearch()
    if let c = state.traffic.cursor, !state.traffic.visible.contains(where: { $0.sequence == c }) {
        state.traffic.cursor = nil
    }
    state.traffic.top = nil
    if let c = state.traffic.cursor {
        let list = state.traffic.visible
        let index = trafficIndex(list, atOrAfter: c)
        state.traffic.top = list[trafficWindowStart(list, cursor: index, top: nil, rows: trafficRows(state))].sequence
    }
}

/// `o`: all connections → each connection handle seen in the traffic, in turn → all.
func cycleTrafficConnection(_ state: inout ExplorerState) {
    let seen = Set(state.traffic.packets.compactMap(\.connection)).sorted()
    guard !seen.isEmpty else {
        state.traffic.filter.connection = nil
        state.lastError = "no connection in the traffic yet"
        return
    }
    if let c = state.traffic.filter.connection, let i = seen.firstIndex(of: c) {
        state.traffic.filter.connection = i + 1 < seen.count ? seen[i + 1] : nil
    } else {
        state.traffic.filter.connection = state.traffic.filter.connection == nil ? seen[0] : nil
    }
    trafficFilterChanged(&state)
}

/// The packet under the cursor, or the newest one shown.
func selectedPacket(_ state: ExplorerState) -> TrafficPacket? {
    let list = state.traffic.visible
    guard let c = state.traffic.cursor else { return list.last }
    let i = trafficIndex(list, atOrAfter: c)
    return i < list.count ? list[i] : list.last
}

/// Commands that start the procedure behind a log entry of `kind`.
private func startingCommands(_ kind: LogEntry.Kind) -> Set<String> {
    switch kind {
    case .read: ["attclient_read_by_handle", "attclient_read_long"]
    case .write, .writeWithoutResponse: ["attclient_attribute_write", "attclient_write_command", "attclient_prepare_write"]
    case .subscribed, .unsubscribed: ["attclient_attribute_write"]
    default: []
    }
}

/// The traffic packets (sequence numbers) behind `entry`: a notification's `attclient_attribute_value`
/// event; a read's or write's command and every packet on its connection since. Empty when not found (traffic
/// dropped, or the link's handle unknown).
func chain(for entry: LogEntry, in traffic: TrafficState) -> [Int] {
    guard let connection = traffic.links[entry.address] else { return [] }
    let handle = entry.handle.rawValue
    let packets = traffic.packets
    let searchFrom = max(0, packets.count - 2000)
    switch entry.kind {
    case .notification, .indication:
        for i in stride(from: packets.count - 1, through: searchFrom, by: -1) {
            let p = packets[i]
            if p.name == "attclient_attribute_value", p.connection == connection, p.handle == handle {
                return [p.sequence]
            }
        }
    case .connected, .disconnected:
        let names: Set = entry.kind == .connected ? ["gap_connect_direct", "connection_status"] : ["connection_disconnect", "connection_disconnected"]
        let found = (searchFrom ..< packets.count).reversed().map { packets[$0] }
            .filter { names.contains($0.name) && ($0.connection == connection || $0.address == entry.address) }
            .prefix(3).map(\.sequence)
        return found.reversed()
    default:
        let starts = startingCommands(entry.kind)
        guard !starts.isEmpty else { return [] }
        for i in stride(from: packets.count - 1, through: searchFrom, by: -1) {
            let p = packets[i]
            guard p.direction == .command, starts.contains(p.name), p.connection == connection else { continue }
            // A subscription writes the CCCD, the handle after the value's.
            guard p.handle == handle || (entry.kind == .subscribed || entry.kind == .unsubscribed) else { continue }
            return (i ..< packets.count).map { packets[$0] }.filter { $0.connection == connection }.map(\.sequence)
        }
    }
    return []
}

/// From a log entry's detail view: the traffic pane, showing that connection, the cursor on the chain's start.
func jumpToChain(_ entry: LogEntry, _ state: inout ExplorerState) {
    guard let first = entry.chain.first, state.traffic.packets[sequence: first] != nil else {
        state.lastError = entry.chain.isEmpty ? "no BGAPI packets recorded for this entry"
                                              : "its packets have left the traffic ring (raise --trace-capacity)"
        return
    }
    state.mode = .browse
    state.showTraffic = true
    state.focus = .log
    state.traffic.frozenAt = nil
    state.traffic.filter = TrafficFilter()
    state.traffic.filter.connection = state.traffic.packets[sequence: first]?.connection
    state.traffic.cursor = first
    state.traffic.top = nil
    let list = state.traffic.visible
    let index = trafficIndex(list, atOrAfter: first)
    if index < list.count { state.traffic.top = list[max(0, index - 1)].sequence }
    state.traffic.chain = Set(entry.chain)
}
