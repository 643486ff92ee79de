/// Finds a peer's whole GATT database (Core Vol 3 Part G 4.4–4.7, Reference §4.5): primary services
/// (`read_by_group_type` 0x2800), secondary services (0x2801), includes (`read_by_type` 0x2802),
/// characteristic declarations (`read_by_type` 0x2803), then descriptors (`find_information` between a
/// value handle and the next declaration). "Attribute not found" ends a step that found everything there was.
struct DiscoveryProcedure: HostProcedure {
    enum Step: Hashable, Sendable {
        case ready
        case primaryServices
        case secondaryServices
        case includes
        case characteristics
        /// Descriptors of the characteristic at `index` in the sorted declarations.
        case descriptors(index: Int)
    }
    struct Group: Hashable, Sendable { var start: AttributeHandle; var end: AttributeHandle; var uuid: BluetoothUUID; var primary: Bool }
    struct Declaration: Hashable, Sendable {
        var handle: AttributeHandle; var properties: UInt8; var value: AttributeHandle; var uuid: BluetoothUUID
    }
    /// Caps what a hostile peer can make the host hold (an ATT database has at most 65,535 handles).
    static let maximumEntries = 65_535

    let connection: ConnectionHandle
    private(set) var step = Step.ready
    /// Whether the current step's command was accepted, so the dongle is running it.
    private(set) var running = false
    private var groups: [Group] = []
    private var includes: [GATTInclude] = []
    private var declarations: [Declaration] = []
    private var descriptors: [AttributeHandle: [GATTDescriptor]] = [:]  // by declaration handle
    private var pendingDescriptors: [GATTDescriptor] = []

    init(connection: ConnectionHandle) { self.connection = connection }

    mutating func start(at now: Duration) -> ProcedureStep { begin(.primaryServices) }

    private mutating func begin(_ next: Step) -> ProcedureStep {
        step = next
        running = false
        let c = connection
        switch next {
        case .ready: return .wait
        case .primaryServices:
            return .send(.attClientReadByGroupType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2800))))
        case .secondaryServices:
            return .send(.attClientReadByGroupType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2801))))
        case .includes:
            return .send(.attClientReadByType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2802))))
        case .characteristics:
            return .send(.attClientReadByType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2803))))
        case let .descriptors(index):
            // Skip characteristics whose value is the last handle before the next declaration.
            var i = index
            while i < declarations.count {
                if let range = descriptorRange(i) {
                    step = .descriptors(index: i)
                    return .send(.attClientFindInformation(.init(connection: c, start: range.lowerBound, end: range.upperBound)))
                }
                i += 1
            }
            return .done(.services(assemble()))
        }
    }

    /// The handles between a characteristic's value and the next declaration (or its service's end).
    private func descriptorRange(_ i: Int) -> ClosedRange<AttributeHandle>? {
        let d = declarations[i]
        let serviceEnd = groups.first { $0.start < d.handle && d.handle <= $0.end }?.end ?? .last
        var last = serviceEnd
        if i + 1 < declarations.count, declarations[i + 1].handle <= serviceEnd {
            last = AttributeHandle(declarations[i + 1].handle.rawValue - 1)
        }
        // The next service's declaration also ends the range.
        if let nextService = groups.map(\.start).filter({ $0 > d.handle }).min(), nextService <= last {
            last = AttributeHandle(nextService.rawValue - 1)
        }
        guard d.value < last, d.value.rawValue < UInt16.max else { return nil }
        return AttributeHandle(d.value.rawValue + 1) ... last
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        running = true
        return .wait
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? {
        guard running else { return nil }
        switch (step, event) {
        case let (.primaryServices, .attClientGroupFound(e)), let (.secondaryServices, .attClientGroupFound(e)):
            guard e.connection == connection else { return nil }
            guard groups.count < Self.maximumEntries else { return .wait }
            groups.append(Group(start: e.start, end: e.end, uuid: e.uuid, primary: step == .primaryServices))
            return .wait
        case let (.includes, .attClientAttributeValue(e)) where e.type == .readByType || e.type == .read:
            guard e.connection == connection else { return nil }
            let v = e.value
            // Included service handle, end group handle, and a 16-bit UUID when it has one.
            if (v.count == 4 || v.count == 6), includes.count < Self.maximumEntries {
                includes.append(GATTInclude(handle: e.attHandle, startHandle: AttributeHandle(UInt16(v[0]) | UInt16(v[1]) << 8),
                                            endHandle: AttributeHandle(UInt16(v[2]) | UInt16(v[3]) << 8),
                                            uuid: v.count == 6 ? BluetoothUUID(littleEndianBytes: Array(v[4...])) : nil))
            }
            return .wait
        case let (.characteristics, .attClientAttributeValue(e)) where e.type == .readByType || e.type == .read:
            guard e.connection == connection else { return nil }
            // Declaration value: properties u8, value handle u16, UUID (2 or 16 bytes). Malformed ones are skipped.
            let v = e.value
            if v.count == 5 || v.count == 19, declarations.count < Self.maximumEntries {
                declarations.append(Declaration(handle: e.attHandle, properties: v[0],
                                                value: AttributeHandle(UInt16(v[1]) | UInt16(v[2]) << 8),
                                                uuid: BluetoothUUID(littleEndianBytes: Array(v[3...]))))
            }
            return .wait
        case let (.descriptors, .attClientFindInformationFound(e)):
            guard e.connection == connection else { return nil }
            if pendingDescriptors.count < Self.maximumEntries {
                pendingDescriptors.append(GATTDescriptor(uuid: e.uuid, handle: e.chrHandle))
            }
            return .wait
        case let (_, .attClientProcedureCompleted(e)):
            guard e.connection == connection else { return nil }
            return completed(e.result)
        default:
            return nil
        }
    }

    private mutating func completed(_ result: BGAPIErrorCode) -> ProcedureStep {
        let nothingMore = result.isSuccess || result == .attributeNotFound
        switch step {
        case .ready:
            return .wait
        case .primaryServices:
            guard nothingMore else { return .fail(BGAPIError(code: result)) }
            return begin(.secondaryServices)
        case .secondaryServices:
            // Secondary services are optional; a server that refuses the group type has none.
            guard nothingMore || result.space == .attribute else { return .fail(BGAPIError(code: result)) }
            return begin(.includes)
        case .includes:
            guard nothingMore || result.space == .attribute else { return .fail(BGAPIError(code: result)) }
            return begin(.characteristics)
        case .characteristics:
            guard nothingMore else { return .fail(BGAPIError(code: result)) }
            declarations.sort { $0.handle < $1.handle }
            groups.sort { $0.start < $1.start }
            return begin(.descriptors(index: 0))
        case let .descriptors(index):
            guard nothingMore else { return .fail(BGAPIError(code: result)) }
            if let range = descriptorRange(index) {
                descriptors[declarations[index].handle] = pendingDescriptors.filter { range.contains($0.handle) }
            }
            pendingDescriptors = []
            return begin(.descriptors(index: index + 1))
        }
    }

    private func assemble() -> [GATTService] {
        groups.map { g in
            let inside = declarations.filter { $0.handle > g.start && $0.handle <= g.end }
            let characteristics = inside.map { d in
                GATTCharacteristic(uuid: d.uuid, declarationHandle: d.handle, valueHandle: d.value,
                                   properties: CharacteristicProperties(rawValue: d.properties),
                                   descriptors: descriptors[d.handle] ?? [], serviceUUID: g.uuid)
            }
            return GATTService(uuid: g.uuid, startHandle: g.start, endHandle: g.end, characteristics: characteristics,
                               isPrimary: g.primary,
                               includes: includes.filter { $0.handle > g.start && $0.handle <= g.end })
        }
    }

    var isRunningOnDongle: Bool { running }
}
