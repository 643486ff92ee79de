import BGAPICore
import TUI

// The device under the user's hand: cloning a connected device into a scenario (`K`), and faults injected
// into the virtual world (`F`, SIMULATED only).

/// `K`: clone the selected device, if it is connected and discovered, into `clone-ADDRESS-HHMMSS.json`.
func cloneSelected(_ state: inout ExplorerState) -> [Effect] {
    guard let address = state.selectedDevice, let c = state.connections[address], !c.services.isEmpty else {
        state.lastError = "connect to a device first: K clones a connected device (its advertising, database and values)"
        return []
    }
    let device = state.devices[address]
    let samples = device?.history.samples.compactMap { $0 } ?? []
    let seconds = Int64((state.now + Double(state.utcOffset)).rounded(.down))
    let clock = [(seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60].map { String($0).leftPadded(to: 2, with: "0") }.joined()
    let path = "clone-\(address.description.filter { $0 != ":" })-\(clock).json"
    notify(&state, "cloning \(address) into \(path)…")
    return [.clone(CloneSnapshot(
        address: address, addressType: c.addressType, advertisements: device?.advertisements ?? [:],
        connectable: device?.connectable ?? true, advertisingInterval: device?.observedInterval,
        rssiMean: samples.isEmpty ? nil : samples.reduce(0, +) / Double(samples.count),
        services: c.services, values: c.values, path: path))]
}

/// `F`: the fault menu (SIMULATED only); the next key picks the fault.
func openFaultMenu(_ state: inout ExplorerState) {
    guard state.simulated, state.replay == nil else {
        state.lastError = "faults are for the virtual dongle only (SIMULATED): a real radio fails by itself"
        return
    }
    state.faultMenu = true
    state.notice = "F: d disconnect · a ATT error · s silence · g garble · u unplug · p pause world · f ×10 · j +10 s · Esc (? lists them)"
    state.noticeTime = state.now
}

/// The key after `F`: a fault for the selected device or the dongle, or nothing.
func chooseFault(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
    state.faultMenu = false
    state.notice = nil
    guard let action = Keymap.action(for: key, in: Keymap.faultBindings), action != .cancel else { return [] }
    let request: FaultRequest
    switch action {
    case .garble: request = .garble
    case .unplug: request = .unplug
    case .pauseWorld:
        state.worldRate = state.worldRate == 0 ? 1 : 0
        request = .worldRate(state.worldRate)
    case .fastWorld:
        state.worldRate = state.worldRate == 10 ? 1 : 10
        request = .worldRate(state.worldRate)
    case .jumpAhead: request = .jumpAhead(seconds: 10)
    case .disconnect, .attError, .silence:
        guard let address = state.selectedDevice, state.connections[address]?.isLive == true else {
            state.lastError = "select a connected device for this fault"
            return []
        }
        request = action == .disconnect ? .disconnect(address) : action == .attError ? .attError(address) : .silence(address)
    case .cancel: return []
    }
    notify(&state, "SIMULATED fault: \(Keymap.faultBindings.first { $0.action == action }!.description)")
    return [.injectFault(request)]
}
