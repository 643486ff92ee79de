import BGAPICore
import TUI

/// The user's own names for UUIDs, in nRF Connect for Desktop's `uuid_definitions.json` format, so a team's
/// existing file works as is: six tables (`uuid16bitServiceDefinitions`, `uuid128bitCharacteristicDefinitions`,
/// …) keyed by the UUID in hex without dashes, each entry `{"name": "…", "format": "TEXT"}` (format optional).
///
/// The tree, the log, the export and the subcommands prefer these names to the SIG ones.
public struct UserNames: Hashable, Sendable {
    /// What a name is for: the same UUID may name a service and a characteristic differently.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// A service UUID (`uuid16bitServiceDefinitions`, `uuid128bitServiceDefinitions`).
        case service = "Service"
        /// A characteristic UUID.
        case characteristic = "Characteristic"
        /// A descriptor UUID.
        case descriptor = "Descriptor"
    }

    /// One named UUID.
    public struct Entry: Hashable, Sendable {
        /// The name.
        public var name: String
        /// nRF Connect's display format (`TEXT`, `NO_FORMAT`), kept when the file is saved again.
        public var format: String?
    }

    /// Entries by kind, then by key (`2A37`, `6E400001B5A3F393E0A9E50E24DCCA9E`).
    public private(set) var entries: [Kind: [String: Entry]] = [:]
    /// Top-level members that are not definitions (`_comment`), written back unchanged.
    private var extra: [String: JSONValue] = [:]
    private var extraOrder: [String] = []
    /// Longest name kept, in characters: names are typed by people, not novels.
    public static let maximumNameLength = 64
    /// At most this many names per kind (a file is read whole into memory).
    public static let capacity = 10_000

    /// No names.
    public init() {}

    /// The names in a `uuid_definitions.json` text. Keys that are not UUIDs and entries without a string
    /// `name` are errors (with the table and key), so a typo does not silently drop a name.
    public init(json text: String) throws(NamesFileError) {
        let root: JSONValue
        do { root = try JSONValue.parse(text) } catch { throw NamesFileError(reason: "not JSON: \(error)") }
        guard case let .object(members) = root else { throw NamesFileError(reason: "the top level must be an object {…}") }
        for (key, value) in members {
            guard let (kind, long) = Self.table(key) else {
                extra[key] = value
                extraOrder.append(key)
                continue
            }
            guard case let .object(definitions) = value else { throw NamesFileError(reason: "\(key) must be an object") }
            for (uuidText, definition) in definitions {
                let expected = long ? 32 : 4
                let hex = uuidText.filter { $0 != "-" }
                guard hex.count == expected, let uuid = BluetoothUUID(hex) else {
                    throw NamesFileError(reason: "\(key): \"\(uuidText)\" is not a \(long ? 128 : 16)-bit UUID in hex")
                }
                let name: String?, format: String?
                switch definition {
                case let .string(s): (name, format) = (s, nil)  // some files use the bare form
                case .object:
                    if case let .string(s)? = definition["name"] { name = s } else { name = nil }
                    if case let .string(f)? = definition["format"] { format = f } else { format = nil }
                default: (name, format) = (nil, nil)
                }
                guard let name, !name.trimmingWhitespace.isEmpty else {
                    throw NamesFileError(reason: "\(key): \"\(uuidText)\" needs a \"name\"")
                }
                guard (entries[kind]?.count ?? 0) < Self.capacity else {
                    throw NamesFileError(reason: "\(key): more than \(Self.capacity) names")
                }
                entries[kind, default: [:]][Self.key(uuid)] = Entry(name: Self.cleaned(name), format: format)
            }
        }
    }

    /// `uuid16bitServiceDefinitions` → (.service, false).
    private static func table(_ key: String) -> (Kind, Bool)? {
        for kind in Kind.allCases {
            if key == "uuid16bit\(kind.rawValue)Definitions" { return (kind, false) }
            if key == "uuid128bit\(kind.rawValue)Definitions" { return (kind, true) }
        }
        return nil
    }

    /// The table key for `uuid`: 4 hex digits for a SIG UUID (also when written out on the Base UUID), else 32.
    static func key(_ uuid: BluetoothUUID) -> String {
        if let short = uuid.shortValue { return BluetoothUUID(short).description }
        if let long = uuid.uuid128BigEndian { return long.map(hexDigits).joined() }
        return uuid.description
    }

    /// A name as kept: one line, trimmed, at most `maximumNameLength` characters.
    static func cleaned(_ name: String) -> String {
        String(name.map { TextWidth.isControl($0) ? " " : $0 }).trimmingWhitespace.prefix(maximumNameLength).description
    }

    /// The user's name for `uuid` as a `kind`, if any.
    public func name(_ uuid: BluetoothUUID, as kind: Kind) -> String? { entries[kind]?[Self.key(uuid)]?.name }

    /// Names `uuid` (or forgets its name when `name` is empty).
    public mutating func set(_ name: String, for uuid: BluetoothUUID, as kind: Kind) {
        let clean = Self.cleaned(name)
        if clean.isEmpty { entries[kind]?[Self.key(uuid)] = nil; return }
        let format = entries[kind]?[Self.key(uuid)]?.format
        entries[kind, default: [:]][Self.key(uuid)] = Entry(name: clean, format: format)
    }

    /// How many names there are.
    public var count: Int { entries.values.reduce(0) { $0 + $1.count } }

    /// The file's text: the other top-level members first (as read), then all six tables, keys sorted.
    public var json: String {
        var members: [(key: String, value: JSONValue)] = extraOrder.compactMap { k in extra[k].map { (k, $0) } }
        for long in [false, true] {
            for kind in Kind.allCases {
                let table = (entries[kind] ?? [:]).filter { ($0.key.count == 32) == long }.sorted { $0.key < $1.key }
                members.append(("uuid\(long ? 128 : 16)bit\(kind.rawValue)Definitions", .object(table.map { key, entry in
                    var fields: [(key: String, value: JSONValue)] = [("name", .string(entry.name))]
                    if let f = entry.format { fields.append(("format", .string(f))) }
                    return (key, .object(fields))
                })))
            }
        }
        return JSONValue.object(members).pretty + "\n"
    }
}

/// Why a names file cannot be used; the explorer and the subcommands say it and stop.
public struct NamesFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason, with the table and key when it is one entry.
    public var reason: String
    /// The reason.
    public var description: String { reason }
}

extension ExplorerState {
    /// What the explorer calls a characteristic: the user's name, else the SIG name with the device's user
    /// description (`Temperature "Indoor"`), else the description, the SIG name, or the UUID.
    public func label(of characteristic: GATTCharacteristic, in c: ConnectionEntry) -> String {
        if let n = names.name(characteristic.uuid, as: .characteristic) { return n }
        let described = characteristic.descriptors.first { $0.uuid.matches(BluetoothUUID(0x2901)) }
            .flatMap { c.values[$0.handle] }.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }
        let sig = uuidName(characteristic.uuid)
        if let d = described { return sig.map { $0 + " " + d } ?? d }
        return sig ?? characteristic.uuid.description
    }

    /// What the explorer calls the attribute at `handle` on `address` (characteristic or descriptor), or nil.
    public func label(of handle: AttributeHandle, on address: BluetoothAddress) -> String? {
        guard let c = connections[address] else { return nil }
        if let ch = c.characteristic(at: handle) { return label(of: ch, in: c) }
        if let (d, _) = c.descriptor(at: handle) { return names.name(d.uuid, as: .descriptor) ?? uuidName(d.uuid) ?? d.uuid.description }
        return nil
    }

    /// A service's name: the user's, else the SIG's, else `Service <uuid>`.
    public func label(of service: GATTService) -> String {
        names.name(service.uuid, as: .service) ?? serviceName(service.uuid) ?? "Service \(service.uuid)"
    }
}
