import BGAPICore

/// Why a scenario cannot be turned into a world; names the peripheral and field.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, with where.
    public var message: String
    /// Wraps a message, kept to one line: control characters (a newline in a key or value the file gave)
    /// are shown escaped, `\n`, `\u{1B}`.
    public init(_ message: String) {
        self.message = message.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case _ where scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: String(scalar)
            }
        }.joined()
    }
    /// The message.
    public var description: String { message }
}

/// Hex text to bytes (spaces and colons allowed); `nil` if malformed.
func bytes(fromHex text: String) -> [UInt8]? { try? [UInt8](hexString: text) }

extension Scenario.AdvertisingData {
    /// The AD structures as sent over the air (length, type, data), in a fixed order.
    func encoded(context: String) throws -> [UInt8] {
        var out: [UInt8] = []
        // One AD structure is length, type, data; the length byte counts type and data, and the whole
        // payload is at most 31 bytes, so data longer than 29 bytes can never fit (checked before any
        // `UInt8(count + 1)`, which a 255-byte name would trap on).
        func add(_ type: UInt8, _ data: [UInt8], _ key: String) throws {
            guard data.count <= 29 else {
                throw ScenarioError("\(context).\(key): \(data.count) bytes; one AD structure carries at most 29")
            }
            out += [UInt8(data.count + 1), type] + data
        }
        func uuids(_ list: [String]?, width: Int, type: UInt8, key: String) throws {
            guard let list, !list.isEmpty else { return }
            var data: [UInt8] = []
            for text in list {
                guard let uuid = BluetoothUUID(text), uuid.littleEndianBytes.count == width else {
                    throw ScenarioError("\(context).\(key): '\(text)' is not a \(width * 8)-bit UUID")
                }
                data += uuid.littleEndianBytes
                guard data.count <= 29 else { break }
            }
            try add(type, data, key)
        }
        if let flags { try add(0x01, [flags], "flags") }
        if let shortName { try add(0x08, Array(shortName.utf8), "shortName") }
        if let name { try add(0x09, Array(name.utf8), "name") }
        if let nameHex {
            guard let raw = bytes(fromHex: nameHex) else { throw ScenarioError("\(context).nameHex is not hex") }
            try add(0x09, raw, "nameHex")
        }
        try uuids(services16, width: 2, type: 0x03, key: "services16")
        try uuids(services32, width: 4, type: 0x05, key: "services32")
        try uuids(services128, width: 16, type: 0x07, key: "services128")
        if let txPower { try add(0x0A, [UInt8(bitPattern: txPower)], "txPower") }
        if let appearance { try add(0x19, [UInt8(appearance & 0xFF), UInt8(appearance >> 8)], "appearance") }
        for entry in serviceData ?? [] {
            guard let uuid = BluetoothUUID(entry.uuid), let data = bytes(fromHex: entry.data) else {
                throw ScenarioError("\(context).serviceData: bad service data for \(entry.uuid)")
            }
            let type: UInt8 = switch uuid.littleEndianBytes.count { case 2: 0x16; case 4: 0x20; default: 0x21 }
            try add(type, uuid.littleEndianBytes + data, "serviceData")
        }
        if let manufacturer {
            guard let data = bytes(fromHex: manufacturer.data) else { throw ScenarioError("\(context).manufacturer.data is not hex") }
            try add(0xFF, [UInt8(manufacturer.company & 0xFF), UInt8(manufacturer.company >> 8)] + data, "manufacturer")
        }
        if let raw {
            guard let data = bytes(fromHex: raw) else { throw ScenarioError("\(context).raw is not hex") }
            out += data
        }
        guard out.count <= 31 else { throw ScenarioError("\(context): \(out.count) bytes of AD data; at most 31 fit") }
        return out
    }
}

/// One attribute of a peripheral's GATT server.
struct Attribute: Sendable {
    /// Its handle.
    var handle: AttributeHandle
    /// Its type (0x2800, 0x2803, 0x2902, or the characteristic UUID for a value).
    var type: BluetoothUUID
    /// Its current value.
    var value: [UInt8]
    /// What a client may do with it.
    var permissions: Permissions
    /// For value attributes: the index into `GATTServer.characteristics`.
    var characteristic: Int?
    /// For CCCDs: the characteristic they configure.
    var configures: Int?

    struct Permissions: Sendable {
        var readable = true
        var writable = false
        var security: Security = .none
        var maxLength = 512
        var injectedError: BGAPIErrorCode?
    }

    enum Security: Sendable { case none, encrypted, authenticated }
}

/// A characteristic's static description and where it lives.
struct CharacteristicInfo: Sendable {
    var uuid: BluetoothUUID
    var declarationHandle: AttributeHandle
    var valueHandle: AttributeHandle
    var cccdHandle: AttributeHandle?
    var properties: UInt8
    var generator: Scenario.Generator?
    var notifyInterval: Duration?
    var echoTo: BluetoothUUID?
    var echoes: Bool
}

/// A service group (declaration handle through its last attribute).
struct ServiceInfo: Sendable {
    var uuid: BluetoothUUID
    var primary: Bool
    var start: AttributeHandle
    var end: AttributeHandle
}

/// Characteristic property bits (GATT declaration).
enum PropertyBit {
    static let read: UInt8 = 0x02
    static let writeWithoutResponse: UInt8 = 0x04
    static let write: UInt8 = 0x08
    static let notify: UInt8 = 0x10
    static let indicate: UInt8 = 0x20
}

/// The attribute table of one peripheral, built from its scenario services.
struct GATTServer: Sendable {
    var attributes: [Attribute] = []
    var services: [ServiceInfo] = []
    var characteristics: [CharacteristicInfo] = []

    init(peripheral p: Scenario.Peripheral, deviceName: [UInt8]) throws {
        // The next free handle; an explicit handle may skip ahead but never back (ATT handles increase).
        var handle = 1
        func next(_ explicit: UInt16? = nil, _ context: @autoclosure () -> String = "") throws -> AttributeHandle {
            if let explicit {
                guard Int(explicit) >= handle else {
                    throw ScenarioError("\(p.id): \(context()): handle \(explicit) is not after the previous attribute (\(handle - 1))")
                }
                handle = Int(explicit)
            }
            guard handle <= Int(UInt16.max) else { throw ScenarioError("\(p.id): \(context()): more than 65535 attributes") }
            defer { handle += 1 }
            return AttributeHandle(UInt16(handle))
        }
        func uuid(_ text: String, _ context: String) throws -> BluetoothUUID {
            guard let u = BluetoothUUID(text) else { throw ScenarioError("\(p.id): \(context): '\(text)' is not a UUID") }
            return u
        }
        // Every LE device has GAP (0x1800) and GATT (0x1801) services before its own.
        var all: [(Scenario.Service, [UInt8]?)] = []
        let standard = try Scenario.decodeServices(#"""
        [ { "uuid": "1800", "characteristics": [ { "uuid": "2A00", "properties": ["read"] },
                                                 { "uuid": "2A01", "properties": ["read"], "value": "0000" } ] },
          { "uuid": "1801", "characteristics": [ { "uuid": "2A05", "properties": ["indicate"], "value": "0100FFFF" } ] } ]
        """#)
        if p.standardServices {
            all.append((standard[0], deviceName))
            all.append((standard[1], nil))
        }
        all += p.services.map { ($0, nil) }
        var serviceHandles: [BluetoothUUID: (AttributeHandle, AttributeHandle)] = [:]
        var pendingIncludes: [(attributeIndex: Int, uuid: BluetoothUUID)] = []
        for (service, nameOverride) in all {
            let serviceUUID = try uuid(service.uuid, "service")
            let start = try next(service.handle, "service \(service.uuid)")
            attributes.append(Attribute(handle: start, type: BluetoothUUID(service.primary ? 0x2800 : 0x2801),
                                        value: serviceUUID.littleEndianBytes, permissions: .init()))
            for (ii, include) in (service.includes ?? []).enumerated() {
                pendingIncludes.append((attributes.count, try uuid(include, "include")))
                let explicit = service.includeHandles.flatMap { ii < $0.count ? $0[ii] : nil }
                attributes.append(Attribute(handle: try next(explicit, "service \(service.uuid) include \(ii)"),
                                            type: BluetoothUUID(0x2802), value: [], permissions: .init()))
            }
            for (ci, c) in service.characteristics.enumerated() {
                let context = "service \(service.uuid) characteristic \(ci)"
                let cu = try uuid(c.uuid, context)
                var props: UInt8 = 0
                for name in c.properties {
                    switch name {
                    case "read": props |= PropertyBit.read
                    case "write": props |= PropertyBit.write
                    case "writeWithoutResponse": props |= PropertyBit.writeWithoutResponse
                    case "notify": props |= PropertyBit.notify
                    case "indicate": props |= PropertyBit.indicate
                    case "broadcast": props |= 0x01
                    case "authenticatedSignedWrites": props |= 0x40
                    case "extendedProperties": props |= 0x80
                    default: throw ScenarioError("\(p.id): \(context): unknown property '\(name)'")
                    }
                }
                let declaration = try next(c.handle, context)
                let valueHandle = try next(c.valueHandle, context)
                attributes.append(Attribute(handle: declaration, type: BluetoothUUID(0x2803),
                                            value: [props, UInt8(valueHandle.rawValue & 0xFF), UInt8(valueHandle.rawValue >> 8)] + cu.littleEndianBytes,
                                            permissions: .init()))
                var initial: [UInt8]
                if let text = c.text { initial = Array(text.utf8) } else {
                    guard let v = bytes(fromHex: c.value) else { throw ScenarioError("\(p.id): \(context): value is not hex") }
                    initial = v
                }
                if let nameOverride, cu == BluetoothUUID(0x2A00) { initial = nameOverride }
                let security: Attribute.Security = switch c.security {
                case "none": .none
                case "encrypted": .encrypted
                case "authenticated": .authenticated
                default: throw ScenarioError("\(p.id): \(context): security must be none, encrypted or authenticated")
                }
                let permissions = Attribute.Permissions(
                    readable: props & PropertyBit.read != 0,
                    writable: props & (PropertyBit.write | PropertyBit.writeWithoutResponse) != 0,
                    security: security, maxLength: c.maxLength,
                    injectedError: c.attError.map(BGAPIErrorCode.init(rawValue:)))
                let index = characteristics.count
                attributes.append(Attribute(handle: valueHandle, type: cu, value: initial, permissions: permissions,
                                            characteristic: index))
                var cccd: AttributeHandle?
                if let descriptors = c.descriptors {
                    // Exactly these: a clone's database, handle for handle.
                    for (di, d) in descriptors.enumerated() {
                        let where_ = "\(context) descriptor \(di)"
                        let du = try uuid(d.uuid, where_)
                        let h = try next(d.handle, where_)
                        if du == BluetoothUUID(0x2902) {
                            if cccd == nil { cccd = h }
                            attributes.append(Attribute(handle: h, type: du, value: [0, 0],
                                                        permissions: .init(readable: true, writable: true, maxLength: 2),
                                                        configures: index))
                            continue
                        }
                        let v: [UInt8]
                        if let text = d.text { v = Array(text.utf8) } else {
                            guard let b = bytes(fromHex: d.value) else { throw ScenarioError("\(p.id): \(where_): value is not hex") }
                            v = b
                        }
                        attributes.append(Attribute(handle: h, type: du, value: v,
                                                    permissions: .init(readable: true, writable: d.writable)))
                    }
                } else {
                    if props & (PropertyBit.notify | PropertyBit.indicate) != 0 {
                        let h = try next(nil, context)
                        cccd = h
                        attributes.append(Attribute(handle: h, type: BluetoothUUID(0x2902), value: [0, 0],
                                                    permissions: .init(readable: true, writable: true, maxLength: 2),
                                                    configures: index))
                    }
                    if let description = c.userDescription {
                        attributes.append(Attribute(handle: try next(nil, context), type: BluetoothUUID(0x2901),
                                                    value: Array(description.utf8), permissions: .init()))
                    }
                }
                if let ms = c.notifyIntervalMs, !ScenarioLimits.notifyIntervalMs.contains(ms) {
                    // A zero period would schedule notifications at one instant forever; a huge one overflows Int64 µs.
                    throw ScenarioError("\(p.id): \(context): notifyIntervalMs must be 0.1...3600000")
                }
                guard c.onWrite == "store" || c.onWrite == "echo" else {
                    throw ScenarioError("\(p.id): \(context): onWrite must be store or echo")
                }
                characteristics.append(CharacteristicInfo(
                    uuid: cu, declarationHandle: declaration, valueHandle: valueHandle, cccdHandle: cccd, properties: props,
                    generator: c.generator, notifyInterval: c.notifyIntervalMs.map { .microseconds(Int64(($0 * 1000).rounded())) },
                    echoTo: try c.echoTo.map { try uuid($0, context) }, echoes: c.onWrite == "echo"))
            }
            var end = AttributeHandle(UInt16(handle - 1))
            if let explicitEnd = service.endHandle {
                guard Int(explicitEnd) >= handle - 1 else {
                    throw ScenarioError("\(p.id): service \(service.uuid): endHandle \(explicitEnd) is before its last attribute (\(handle - 1))")
                }
                end = AttributeHandle(explicitEnd)
                handle = Int(explicitEnd) + 1
            }
            services.append(ServiceInfo(uuid: serviceUUID, primary: service.primary, start: start, end: end))
            serviceHandles[serviceUUID] = (start, end)
        }
        for pending in pendingIncludes {
            guard let (s, e) = serviceHandles[pending.uuid] else {
                throw ScenarioError("\(p.id): included service \(pending.uuid) is not on this device")
            }
            var value = [UInt8(s.rawValue & 0xFF), UInt8(s.rawValue >> 8), UInt8(e.rawValue & 0xFF), UInt8(e.rawValue >> 8)]
            if pending.uuid.littleEndianBytes.count == 2 { value += pending.uuid.littleEndianBytes }
            attributes[pending.attributeIndex].value = value
        }
    }

    /// Index of the attribute with `handle` (attributes are in increasing handle order; dense unless a
    /// scenario gives handles).
    func index(of handle: AttributeHandle) -> Int? {
        let dense = Int(handle.rawValue) - 1
        if dense >= 0, dense < attributes.count, attributes[dense].handle == handle { return dense }
        var low = 0, high = attributes.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if attributes[mid].handle == handle { return mid }
            if attributes[mid].handle < handle { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }
}

extension Scenario {
    static func decodeServices(_ json: String) throws -> [Service] {
        try JSONDecoderShim.decode([Service].self, json)
    }
}
