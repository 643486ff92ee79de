/// One link's GATT database as a recording shows it: what discovery asked and the dongle answered
/// (services, includes, characteristic declarations, descriptors), assembled as the host's discovery
/// would. Pure; used to replay a session in the explorer.
public struct RecordedDatabase: Sendable, Hashable {
    struct Group: Sendable, Hashable { var end: AttributeHandle; var uuid: BluetoothUUID; var primary: Bool }
    struct Declaration: Sendable, Hashable { var properties: UInt8; var value: AttributeHandle; var uuid: BluetoothUUID }

    private var groups: [AttributeHandle: Group] = [:]
    private var includes: [AttributeHandle: GATTInclude] = [:]
    private var declarations: [AttributeHandle: Declaration] = [:]
    private var types: [AttributeHandle: BluetoothUUID] = [:]
    /// Bounds what a hostile recording can make it hold (an ATT database has at most 65,535 handles).
    static let maximumEntries = 65_535

    /// An empty database.
    public init() {}

    /// Whether `command` is a step of service discovery (group types 0x2800/0x2801, includes 0x2802,
    /// declarations 0x2803, or find information).
    public static func isDiscovery(_ command: BGAPICommand) -> Bool {
        switch command {
        case let .attClientReadByGroupType(c): c.uuid == BluetoothUUID(0x2800) || c.uuid == BluetoothUUID(0x2801)
        case let .attClientReadByType(c): c.uuid == BluetoothUUID(0x2802) || c.uuid == BluetoothUUID(0x2803)
        case .attClientFindInformation: true
        default: false
        }
    }

    /// Takes in an event on the link, given the discovery command it answers; returns whether it was one.
    public mutating func observe(_ event: BGAPIEvent, answering command: BGAPICommand?) -> Bool {
        guard let command, Self.isDiscovery(command) else { return false }
        switch event {
        case let .attClientGroupFound(e):
            guard groups.count < Self.maximumEntries else { return true }
            var primary = true
            if case let .attClientReadByGroupType(c) = command { primary = c.uuid != BluetoothUUID(0x2801) }
            groups[e.start] = Group(end: e.end, uuid: e.uuid, primary: primary)
            return true
        case let .attClientAttributeValue(e) where e.type == .readByType || e.type == .read:
            guard case let .attClientReadByType(c) = command, declarations.count + includes.count < Self.maximumEntries else { return true }
            let v = e.value
            if c.uuid == BluetoothUUID(0x2803), v.count == 5 || v.count == 19 {
                declarations[e.attHandle] = Declaration(properties: v[0], value: AttributeHandle(UInt16(v[1]) | UInt16(v[2]) << 8),
                                                        uuid: BluetoothUUID(littleEndianBytes: Array(v[3...])))
            } else if c.uuid == BluetoothUUID(0x2802), v.count == 4 || v.count == 6 {
                includes[e.attHandle] = GATTInclude(handle: e.attHandle, startHandle: AttributeHandle(UInt16(v[0]) | UInt16(v[1]) << 8),
                                                    endHandle: AttributeHandle(UInt16(v[2]) | UInt16(v[3]) << 8),
                                                    uuid: v.count == 6 ? BluetoothUUID(littleEndianBytes: Array(v[4...])) : nil)
            }
            return true
        case let .attClientFindInformationFound(e):
            if types.count < Self.maximumEntries { types[e.chrHandle] = e.uuid }
            return true
        case .attClientProcedureCompleted:
            return true
        default:
            return false
        }
    }

    /// Whether discovery has found any service yet.
    public var isEmpty: Bool { groups.isEmpty }

    /// The services, as the host's discovery reports them: by handle, characteristics with the descriptors
    /// between their value and the next declaration.
    public var services: [GATTService] {
        let starts = groups.keys.sorted()
        let declared = declarations.keys.sorted()
        return starts.map { start in
            let g = groups[start]!
            let inside = declared.filter { $0 > start && $0 <= g.end }
            let characteristics = inside.enumerated().map { i, d -> GATTCharacteristic in
                let decl = declarations[d]!
                let limit = i + 1 < inside.count ? inside[i + 1] : (g.end.rawValue == .max ? g.end : AttributeHandle(g.end.rawValue + 1))
                let descriptors = types.keys.sorted().filter { $0 > decl.value && $0 < limit && $0 <= g.end }
                    .filter { ![0x2800, 0x2801, 0x2802, 0x2803].contains(types[$0]!.shortValue ?? 0) }
                    .map { GATTDescriptor(uuid: types[$0]!, handle: $0) }
                return GATTCharacteristic(uuid: decl.uuid, declarationHandle: d, valueHandle: decl.value,
                                          properties: CharacteristicProperties(rawValue: decl.properties),
                                          descriptors: descriptors, serviceUUID: g.uuid)
            }
            return GATTService(uuid: g.uuid, startHandle: start, endHandle: g.end, characteristics: characteristics,
                               isPrimary: g.primary, includes: includes.keys.sorted().filter { $0 > start && $0 <= g.end }.map { includes[$0]! })
        }
    }
}
