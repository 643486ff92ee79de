import BGAPICore
import TUI

/// The "name this UUID" prompt: which UUID, as what, and the text being typed.
public struct NamingPrompt: Hashable, Sendable {
    /// The UUID being named.
    public var uuid: BluetoothUUID
    /// Service, characteristic or descriptor.
    public var kind: UserNames.Kind
    /// The name being typed (starts with the current one).
    public var field: TextField
}

// MARK: - Recording

/// Folds values and RSSI into the chart series; every message passes here first, whatever the pane shows.
func recordCharts(_ state: inout ExplorerState, _ message: Message) {
    switch message {
    case let .advertisement(report, time):
        state.charts.record(rssi: report.rssi, of: report.address, at: time)
    case let .rssi(address, rssi):
        state.charts.record(rssi: rssi, of: address, at: state.now)
    case let .notified(address, handle, value, _, time):
        recordValue(&state, address, handle, value, notified: true, at: time)
    case let .read(address, handle, value, time):
        recordValue(&state, address, handle, value, notified: false, at: time)
    default:
        break
    }
}

private func recordValue(_ state: inout ExplorerState, _ address: BluetoothAddress, _ handle: AttributeHandle,
                         _ value: [UInt8], notified: Bool, at time: Timestamp) {
    // Only characteristic values have series (descriptors are configuration, not measurements).
    guard let c = state.connections[address], let ch = c.characteristic(at: handle) else { return }
    let key = SeriesKey(address, handle)
    let reading = chartReading(value, of: ch, in: c, format: state.charts.formats[key])
    state.charts.record(ValueSeries.Sample(time: time, value: reading?.value ?? .nan,
                                           bytes: Array(value.prefix(ValueSeries.bytesKept)), notified: notified),
                        unit: reading?.unit, for: key)
}

// MARK: - The chart view

/// `v`: the chart of the selected characteristic (in the GATT tree), else the RSSI chart of the selected device.
func openChart(_ state: inout ExplorerState) -> [Effect] {
    guard let a = state.selectedDevice else { state.lastError = "select a device first"; return [] }
    var handle: AttributeHandle?
    if state.focus == .details, let c = state.connections[a], let ch = c.selectedCharacteristic { handle = ch.valueHandle }
    state.chart = ChartTarget(address: a, handle: handle)
    state.charts.pausedAt = nil
    return []
}

/// Keys while the chart view is open (`Keymap.chartBindings`): close, pause, format, window, help;
/// everything else is ignored.
func handleChart(_ key: Key, _ target: ChartTarget, _ state: inout ExplorerState) -> [Effect] {
    guard let action = Keymap.action(for: key, in: Keymap.chartBindings) else { return [] }
    switch action {
    case .close:
        state.chart = nil
        state.charts.pausedAt = nil
    case .pause:
        state.charts.pausedAt = state.charts.pausedAt == nil ? state.now : nil
    case .window:
        let all = ChartsState.windows
        let i = all.firstIndex(of: state.charts.window).map { ($0 + 1) % all.count } ?? 0
        state.charts.window = all[i]
    case .nextFormat, .previousFormat:
        guard let handle = target.handle else { state.lastError = "no characteristic in this chart"; return [] }
        let key = SeriesKey(target.address, handle)
        // nil (the characteristic's own format), then every numeric view of the editor.
        let all: [ValueFormat?] = [nil] + ValueFormat.allCases.filter { $0.byteCount != nil }.map(Optional.some)
        let i = all.firstIndex(of: state.charts.formats[key]) ?? 0
        let step = action == .nextFormat ? 1 : all.count - 1
        let format = all[(i + step) % all.count]
        state.charts.formats[key] = format
        let c = state.connections[target.address]
        let ch = c?.characteristic(at: handle)
        state.charts.values[key]?.unit = ""
        state.charts.values[key]?.revalue { chartReading($0, of: ch, in: c, format: format) }
    case .help:
        state.mode = .help(page: 0, over: target)
    }
    return []
}

// MARK: - Naming

/// `N`: names the selected service, characteristic or descriptor (the prompt starts with its current name).
func startNaming(_ state: inout ExplorerState) -> [Effect] {
    guard state.focus == .details, let a = state.selectedDevice, let c = state.connections[a], let sel = c.selection else {
        state.lastError = "select a service or characteristic in the GATT tree to name it"
        return []
    }
    let uuid: BluetoothUUID, kind: UserNames.Kind
    switch sel {
    case let .service(h):
        guard let s = c.service(at: h) else { return [] }
        (uuid, kind) = (s.uuid, .service)
    case let .characteristic(h):
        guard let ch = c.characteristic(at: h) else { return [] }
        (uuid, kind) = (ch.uuid, .characteristic)
    case let .descriptor(h):
        guard let (d, _) = c.descriptor(at: h) else { return [] }
        (uuid, kind) = (d.uuid, .descriptor)
    }
    var field = TextField(state.names.name(uuid, as: kind) ?? "", placeholder: "empty: forget the name")
    field.cursor = field.text.count
    state.naming = NamingPrompt(uuid: uuid, kind: kind, field: field)
    return []
}

/// Keys in the naming prompt: Enter saves the name (empty forgets it) and writes the names file; Esc cancels.
func handleNaming(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    guard var prompt = state.naming else { return [] }
    switch key {
    case .escape:
        state.naming = nil
        return []
    case .enter:
        state.naming = nil
        state.names.set(prompt.field.text, for: prompt.uuid, as: prompt.kind)
        let named = state.names.name(prompt.uuid, as: prompt.kind)
        guard let path = state.namesPath else {
            state.lastError = "named for this session only: start blex with --names FILE to keep names"
            return []
        }
        state.notice = named.map { "\(prompt.uuid) is \"\($0)\" (saved to \(path))" } ?? "\(prompt.uuid): name forgotten"
        state.noticeTime = state.now
        return [.saveNames(path: path, contents: state.names.json)]
    default:
        if case let .character(ch) = key, TextWidth.isControl(ch) { return [] }
        guard prompt.field.text.count < UserNames.maximumNameLength || !isTyping(key) else { return [] }
        _ = prompt.field.handle(key)
        state.naming = prompt
        return []
    }
}

private func isTyping(_ key: Key) -> Bool {
    if case .character = key { return true }
    return false
}
