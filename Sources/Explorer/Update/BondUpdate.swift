import BGAPICore
import TUI

// The bond list (`B`): the bonds in the dongle's flash, each named by a device heard advertising with it,
// and `d` deletes the selected one (`D` all of them, asked first). The dongle's sm_get_bonds gives slots
// only, so a bond whose device is not around shows as its slot.

/// The bond list overlay's state.
public struct BondList: Hashable, Sendable {
    /// The slots, once the dongle answered (nil while asking).
    public var bonds: [BondHandle]?
    /// The selected row.
    public var selection = 0
    /// `D` was pressed once: a second `D` deletes every bond.
    public var confirmingDeleteAll = false

    /// A list being fetched.
    public init() {}
}

/// `B`: open the list and ask the dongle for it.
func openBonds(_ state: inout ExplorerState) -> [Effect] {
    state.mode = .bonds(BondList())
    return [.listBonds]
}

/// The devices heard advertising with `bond`.
func devices(bondedWith bond: BondHandle, in state: ExplorerState) -> [DeviceEntry] {
    state.devices.values.filter { $0.bond == bond }.sorted { $0.address < $1.address }
}

/// Keys in the bond list.
func handleBonds(_ key: Key, _ list: BondList, _ state: inout ExplorerState) -> [Effect] {
    var l = list
    let count = l.bonds?.count ?? 0
    let action = Keymap.action(for: key, in: Keymap.bondsBindings)
    if action != .deleteAll { l.confirmingDeleteAll = false }
    switch action {
    case .down: l.selection = min(max(0, count - 1), l.selection + 1)
    case .up: l.selection = max(0, l.selection - 1)
    case .delete:
        guard let bonds = l.bonds, l.selection < bonds.count else { state.lastError = "no bond selected"; return [] }
        state.mode = .bonds(l)
        return [.deleteBond(bonds[l.selection])]
    case .deleteAll:
        guard count > 0 else { return [] }
        if l.confirmingDeleteAll {
            state.mode = .bonds(l)
            return [.deleteBond(.all)]
        }
        l.confirmingDeleteAll = true
    case .refresh:
        state.mode = .bonds(BondList())
        return [.listBonds]
    case .close, nil:
        state.mode = .browse
        return []
    }
    state.mode = .bonds(l)
    return []
}

/// The dongle's answer to sm_get_bonds.
func receiveBonds(_ state: inout ExplorerState, _ bonds: [BondHandle]) {
    guard case var .bonds(l) = state.mode else { return }
    l.bonds = bonds.sorted { $0.rawValue < $1.rawValue }
    l.selection = min(l.selection, max(0, bonds.count - 1))
    state.mode = .bonds(l)
}

/// A bond (or all of them) was deleted: the devices lose their mark, and the list is asked for again.
func bondDeleted(_ state: inout ExplorerState, _ bond: BondHandle) -> [Effect] {
    for a in state.devices.keys where bond == .all || state.devices[a]!.bond == bond {
        state.devices[a]!.bonded = false
        state.devices[a]!.bond = .none
    }
    notify(&state, bond == .all ? "every bond deleted" : "bond \(bond.rawValue) deleted")
    guard case .bonds = state.mode else { return [] }
    state.mode = .bonds(BondList())
    return [.listBonds]
}
