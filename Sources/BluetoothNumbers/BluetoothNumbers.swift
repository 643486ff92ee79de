// BluetoothNumbers: Bluetooth SIG names and value formats for humans. Pure, stdlib only.
// The name tables are in Generated/Tables.swift (from data/*.json by codegen/generate.py; see
// docs/bluetooth-numbers.md); the AD type names and the value formats below are written by hand.

/// Names from the Bluetooth SIG assigned numbers: GATT services, characteristics and descriptors, company
/// identifiers, GAP appearance values and AD types, so a UI can show "Heart Rate" instead of `0x180D`.
///
/// Every lookup returns `nil` for a number the tables do not know; none of them traps.
public enum BluetoothNumbers {
    /// The name of the GATT service with this 16-bit UUID ("Heart Rate" for `0x180D`), or `nil`.
    public static func serviceName(_ uuid16: UInt16) -> String? {
        services16.name(uuid16)
    }

    /// The name of the GATT characteristic with this 16-bit UUID ("Heart Rate Measurement" for `0x2A37`), or `nil`.
    public static func characteristicName(_ uuid16: UInt16) -> String? {
        characteristics16.name(uuid16)
    }

    /// The name of the GATT descriptor with this 16-bit UUID ("Client Characteristic Configuration" for `0x2902`),
    /// or `nil`.
    public static func descriptorName(_ uuid16: UInt16) -> String? {
        descriptors16.name(uuid16)
    }

    /// The company with this SIG company identifier, as found in manufacturer data and PnP IDs
    /// ("Apple, Inc." for 76), or `nil`.
    public static func companyName(_ id: UInt16) -> String? {
        companies.name(id)
    }

    /// The GAP appearance (advertised, or read from characteristic 0x2A01) in words: "Heart Rate Sensor: Heart Rate
    /// Belt" for 833; the category alone when the subcategory (`value & 0x3F`) is 0 or unknown; `nil` for an
    /// unknown category (`value >> 6`).
    public static func appearanceName(_ value: UInt16) -> String? {
        guard let category = appearanceCategories.name(value >> 6) else { return nil }
        if value & 0x3F != 0, let subcategory = appearanceSubcategories.name(value) {
            return category + ": " + subcategory
        }
        return category
    }

    /// The name for a 128-bit UUID given as 16 bytes, most significant first (the order UUIDs are written in).
    ///
    /// A UUID on the Bluetooth Base UUID (`0000xxxx-0000-1000-8000-00805F9B34FB`) is looked up by its 16-bit
    /// part as a service, then a characteristic, then a descriptor; any other UUID among the vendor UUIDs in the
    /// data (Nordic UART `6E400001-B5A3-F393-E0A9-E50E24DCCA9E`, Apple, micro:bit, …) as a service, then a
    /// characteristic. `nil` for unknown UUIDs and for any count other than 16.
    public static func name(forUUID128BigEndian bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if let name = services128.name(high: high, low: low) ?? characteristics128.name(high: high, low: low) {
            return name
        }
        // 0000xxxx-0000-1000 | 8000-00805F9B34FB
        guard high & 0xFFFF_0000_FFFF_FFFF == 0x0000_0000_0000_1000, low == 0x8000_0080_5F9B_34FB else {
            return nil
        }
        let uuid16 = UInt16(truncatingIfNeeded: high >> 32)
        return serviceName(uuid16) ?? characteristicName(uuid16) ?? descriptorName(uuid16)
    }

    /// The name of an advertising data (AD) structure type ("Flags" for 0x01, "Manufacturer Specific Data" for
    /// 0xFF), from the Assigned Numbers' Common Data Types; `nil` for unassigned types.
    public static func adTypeName(_ type: UInt8) -> String? {
        switch type {
        case 0x01: "Flags"
        case 0x02: "Incomplete List of 16-bit Service UUIDs"
        case 0x03: "Complete List of 16-bit Service UUIDs"
        case 0x04: "Incomplete List of 32-bit Service UUIDs"
        case 0x05: "Complete List of 32-bit Service UUIDs"
        case 0x06: "Incomplete List of 128-bit Service UUIDs"
        case 0x07: "Complete List of 128-bit Service UUIDs"
        case 0x08: "Shortened Local Name"
        case 0x09: "Complete Local Name"
        case 0x0A: "TX Power Level"
        case 0x0D: "Class of Device"
        case 0x0E: "Simple Pairing Hash C-192"
        case 0x0F: "Simple Pairing Randomizer R-192"
        case 0x10: "Device ID / Security Manager TK Value"
        case 0x11: "Security Manager Out of Band Flags"
        case 0x12: "Peripheral Connection Interval Range"
        case 0x14: "List of 16-bit Service Solicitation UUIDs"
        case 0x15: "List of 128-bit Service Solicitation UUIDs"
        case 0x16: "Service Data - 16-bit UUID"
        case 0x17: "Public Target Address"
        case 0x18: "Random Target Address"
        case 0x19: "Appearance"
        case 0x1A: "Advertising Interval"
        case 0x1B: "LE Bluetooth Device Address"
        case 0x1C: "LE Role"
        case 0x1D: "Simple Pairing Hash C-256"
        case 0x1E: "Simple Pairing Randomizer R-256"
        case 0x1F: "List of 32-bit Service Solicitation UUIDs"
        case 0x20: "Service Data - 32-bit UUID"
        case 0x21: "Service Data - 128-bit UUID"
        case 0x22: "LE Secure Connections Confirmation Value"
        case 0x23: "LE Secure Connections Random Value"
        case 0x24: "URI"
        case 0x25: "Indoor Positioning"
        case 0x26: "Transport Discovery Data"
        case 0x27: "LE Supported Features"
        case 0x28: "Channel Map Update Indication"
        case 0x29: "PB-ADV"
        case 0x2A: "Mesh Message"
        case 0x2B: "Mesh Beacon"
        case 0x2C: "BIGInfo"
        case 0x2D: "Broadcast_Code"
        case 0x2E: "Resolvable Set Identifier"
        case 0x2F: "Advertising Interval - long"
        case 0x30: "Broadcast_Name"
        case 0x31: "Encrypted Advertising Data"
        case 0x32: "Periodic Advertising Response Timing Information"
        case 0x34: "Electronic Shelf Label"
        case 0x3D: "3D Information Data"
        case 0xFF: "Manufacturer Specific Data"
        default: nil
        }
    }
}

// MARK: - Value formats

/// Renders the values of well-known SIG characteristics and descriptors for humans ("72 bpm, contact, RR 0.83 s",
/// "21.50 °C", "notifications on"), so an explorer can show more than hex.
///
/// Everything read from a device is treated as hostile: a value of the wrong length gives `nil`, strings come back
/// quoted with control characters escaped (see ``quoted(utf8:)``), and no input traps.
public enum CharacteristicFormat {
    /// Every 16-bit UUID ``decode(characteristic:value:)`` understands, characteristics and descriptors, ascending.
    public static let supportedUUIDs: [UInt16] = (baseUUIDs + sensorUUIDs).sorted()

    private static let baseUUIDs: [UInt16] = [
        0x2900, 0x2901, 0x2902,
        0x2A00, 0x2A01, 0x2A04, 0x2A05, 0x2A06, 0x2A07, 0x2A19, 0x2A1C, 0x2A1D, 0x2A1E, 0x2A24, 0x2A25, 0x2A26,
        0x2A27, 0x2A28, 0x2A29, 0x2A37, 0x2A38, 0x2A3D, 0x2A50, 0x2A6D, 0x2A6E, 0x2A6F, 0x2A87, 0x2A8A, 0x2A90,
        0x2AB5, 0x2AB6, 0x2ABE,
    ]

    /// The value of the characteristic or descriptor with this 16-bit UUID in words, or `nil` when the UUID is not
    /// in ``supportedUUIDs`` or the value's length is wrong for it.
    ///
    /// Descriptors are accepted too (0x2900 Extended Properties, 0x2901 User Description, 0x2902 CCCD): SIG
    /// descriptor UUIDs (0x29xx) never collide with characteristic UUIDs (0x2Axx–0x2Cxx).
    public static func decode(characteristic uuid16: UInt16, value: [UInt8]) -> String? {
        switch uuid16 {
        case 0x2A00, 0x2A24...0x2A29, 0x2A3D, 0x2A87, 0x2A8A, 0x2A90, 0x2AB5, 0x2AB6, 0x2ABE, 0x2901:
            quoted(utf8: value)
        case 0x2A01: appearance(value)
        case 0x2A04: preferredConnectionParameters(value)
        case 0x2A05: serviceChanged(value)
        case 0x2A06: singleByte(value).map { named($0, alertLevels) }
        case 0x2A07: singleByte(value).map { "\(Int8(bitPattern: $0)) dBm" }
        case 0x2A19: singleByte(value).map { $0 <= 100 ? "\($0) %" : "\($0) % (over 100)" }
        case 0x2A1C, 0x2A1E: temperatureMeasurement(value)
        case 0x2A1D: singleByte(value).map { named($0, temperatureTypes) }
        case 0x2A37: heartRateMeasurement(value)
        case 0x2A38: singleByte(value).map { named($0, bodySensorLocations) }
        case 0x2A50: pnpID(value)
        case 0x2A6D: pressure(value)
        case 0x2A6E: temperature(value)
        case 0x2A6F: humidity(value)
        case 0x2900: extendedProperties(value)
        case 0x2902: clientCharacteristicConfiguration(value)
        default: sensorValue(uuid16, value)  // Sensors.swift
        }
    }

    /// The value of the descriptor with this 16-bit UUID in words: ``decode(characteristic:value:)`` limited to
    /// descriptor UUIDs (0x2900–0x29FF), for callers that know the attribute is a descriptor.
    public static func descriptorValue(_ uuid16: UInt16, value: [UInt8]) -> String? {
        guard uuid16 & 0xFF00 == 0x2900 else { return nil }
        return decode(characteristic: uuid16, value: value)
    }

    /// UTF-8 bytes from a device as an inert, quoted string: `"Heart\x1B[2J"`, never raw terminal escapes.
    ///
    /// Invalid UTF-8 becomes U+FFFD; C0/C1 controls and DEL become `\xHH`; bidi and line-separator controls become
    /// `\u{HHHH}`; `"` and `\` are backslash-escaped; trailing NUL padding (common in fixed-size names) is dropped.
    public static func quoted(utf8 bytes: [UInt8]) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == 0 { end -= 1 }
        var out = "\""
        for scalar in String(decoding: bytes[..<end], as: UTF8.self).unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x00...0x1F, 0x7F...0x9F: out += "\\x" + hex(scalar.value, digits: 2)
            case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069:
                out += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Characteristics

    /// 0x2A01: a 16-bit appearance value.
    private static func appearance(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let raw = reader.u16(), reader.isAtEnd else { return nil }
        return BluetoothNumbers.appearanceName(raw) ?? "unassigned (0x" + hex(raw, digits: 4) + ")"
    }

    /// 0x2A04: connection interval min/max (1.25 ms), peripheral latency, supervision timeout (10 ms); 0xFFFF = any.
    private static func preferredConnectionParameters(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let minimum = reader.u16(), let maximum = reader.u16(), let latency = reader.u16(),
            let timeout = reader.u16(), reader.isAtEnd
        else { return nil }
        func interval(_ raw: UInt16) -> String {
            raw == 0xFFFF ? "any" : trimmed(decimal(Int64(raw) * 125, places: 2)) + " ms"
        }
        let latencyText = latency == 0xFFFF ? "any" : String(latency)
        let timeoutText = timeout == 0xFFFF ? "any" : String(Int(timeout) * 10) + " ms"
        return "interval \(interval(minimum)) to \(interval(maximum)), latency \(latencyText), timeout \(timeoutText)"
    }

    /// 0x2A05: the first and last attribute handle whose definitions changed.
    private static func serviceChanged(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let start = reader.u16(), let end = reader.u16(), reader.isAtEnd else { return nil }
        return "handles 0x" + hex(start, digits: 4) + " to 0x" + hex(end, digits: 4)
    }

    /// 0x2A1C and 0x2A1E: flags, an IEEE 11073 FLOAT, then an optional time stamp and temperature type.
    private static func temperatureMeasurement(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let flags = reader.u8(), let raw = reader.u32() else { return nil }
        var parts: [String] = []
        let number = ieee11073Float(raw)
        if number.isSpecial {
            parts.append(number.text)
        } else {
            parts.append(number.text + (flags & 0x01 == 0 ? " °C" : " °F"))
        }
        if flags & 0x02 != 0 {
            guard let year = reader.u16(), let month = reader.u8(), let day = reader.u8(), let hours = reader.u8(),
                let minutes = reader.u8(), let seconds = reader.u8()
            else { return nil }
            let date = [padded(year, 4), padded(month, 2), padded(day, 2)].joined(separator: "-")
            let time = [padded(hours, 2), padded(minutes, 2), padded(seconds, 2)].joined(separator: ":")
            parts.append(date + " " + time)
        }
        if flags & 0x04 != 0 {
            guard let type = reader.u8() else { return nil }
            parts.append(named(type, temperatureTypes))
        }
        guard reader.isAtEnd else { return nil }
        return parts.joined(separator: ", ")
    }

    /// 0x2A37: flags; heart rate as u8 or u16 (bit 0); sensor contact (bits 1–2); energy expended in kJ (bit 3);
    /// RR intervals in 1/1024 s (bit 4) filling the rest.
    private static func heartRateMeasurement(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let flags = reader.u8(),
            let rate = flags & 0x01 == 0 ? reader.u8().map(UInt16.init) : reader.u16()
        else { return nil }
        var parts = ["\(rate) bpm"]
        switch flags >> 1 & 0x03 {
        case 0b10: parts.append("no contact")
        case 0b11: parts.append("contact")
        default: break  // sensor contact not supported
        }
        if flags & 0x08 != 0 {
            guard let energy = reader.u16() else { return nil }
            parts.append("\(energy) kJ")
        }
        if flags & 0x10 != 0 {
            var intervals: [String] = []
            while !reader.isAtEnd {
                guard let rr = reader.u16() else { return nil }
                // Seconds with two decimals, rounded half up: 850/1024 s → 0.83 s.
                intervals.append(decimal((Int64(rr) * 100 + 512) / 1024, places: 2) + " s")
            }
            if !intervals.isEmpty { parts.append("RR " + intervals.joined(separator: " / ")) }
        }
        guard reader.isAtEnd else { return nil }
        return parts.joined(separator: ", ")
    }

    /// 0x2A50: vendor ID source, vendor ID, product ID, product version (0xJJMN → JJ.M.N).
    private static func pnpID(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let source = reader.u8(), let vendor = reader.u16(), let product = reader.u16(),
            let version = reader.u16(), reader.isAtEnd
        else { return nil }
        let vendorText =
            switch source {
            case 1: (BluetoothNumbers.companyName(vendor) ?? "company") + " (0x" + hex(vendor, digits: 4) + ")"
            case 2: "USB vendor 0x" + hex(vendor, digits: 4)
            default: "vendor 0x" + hex(vendor, digits: 4) + " (source \(source))"
            }
        let versionText = "\(version >> 8).\(version >> 4 & 0x0F).\(version & 0x0F)"
        return "\(vendorText), product 0x\(hex(product, digits: 4)), version \(versionText)"
    }

    /// 0x2A6D: u32 in 0.1 Pa, shown in hPa (1 hPa = 1000 units).
    private static func pressure(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let raw = reader.u32(), reader.isAtEnd else { return nil }
        return decimal(Int64(raw), places: 3) + " hPa"
    }

    /// 0x2A6E: s16 in 0.01 °C; 0x8000 means "not known".
    private static func temperature(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let raw = reader.u16(), reader.isAtEnd else { return nil }
        if raw == 0x8000 { return "unknown" }
        return decimal(Int64(Int16(bitPattern: raw)), places: 2) + " °C"
    }

    /// 0x2A6F: u16 in 0.01 %; 0xFFFF means "not known".
    private static func humidity(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let raw = reader.u16(), reader.isAtEnd else { return nil }
        if raw == 0xFFFF { return "unknown" }
        return decimal(Int64(raw), places: 2) + " %"
    }

    // MARK: Descriptors

    /// 0x2900: bit 0 reliable write, bit 1 writable auxiliaries.
    private static func extendedProperties(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let bits = reader.u16(), reader.isAtEnd else { return nil }
        var parts: [String] = []
        if bits & 0x0001 != 0 { parts.append("reliable write") }
        if bits & 0x0002 != 0 { parts.append("writable auxiliaries") }
        return withReservedBits(parts.isEmpty ? "none" : parts.joined(separator: ", "), bits & ~0x0003)
    }

    /// 0x2902: bit 0 notifications, bit 1 indications.
    private static func clientCharacteristicConfiguration(_ value: [UInt8]) -> String? {
        var reader = LittleEndianReader(value)
        guard let bits = reader.u16(), reader.isAtEnd else { return nil }
        let text =
            switch bits & 0x0003 {
            case 0x0001: "notifications on"
            case 0x0002: "indications on"
            case 0x0003: "notifications and indications on"
            default: "off"
            }
        return withReservedBits(text, bits & ~0x0003)
    }

    // MARK: Enumerations

    private static let bodySensorLocations = ["Other", "Chest", "Wrist", "Finger", "Hand", "Ear Lobe", "Foot"]
    static let temperatureTypes = [
        "", "Armpit", "Body (general)", "Ear (usually earlobe)", "Finger", "Gastrointestinal Tract", "Mouth",
        "Rectum", "Toe", "Tympanum (ear drum)",
    ]
    private static let alertLevels = ["No Alert", "Mild Alert", "High Alert"]

    /// `names[raw]`, or "reserved (raw)" past the end or for an empty name.
    static func named(_ raw: UInt8, _ names: [String]) -> String {
        let index = Int(raw)
        guard index < names.count, !names[index].isEmpty else { return "reserved (\(raw))" }
        return names[index]
    }

    // MARK: Numbers

    /// An IEEE 11073-20601 32-bit FLOAT (24-bit signed mantissa, 8-bit signed exponent) as exact decimal text, or
    /// the name of its special value (NaN, NRes, ±INFINITY, reserved).
    static func ieee11073Float(_ raw: UInt32) -> (text: String, isSpecial: Bool) {
        switch raw {
        case 0x007F_FFFF: return ("NaN", true)
        case 0x0080_0000: return ("NRes", true)
        case 0x007F_FFFE: return ("+INFINITY", true)
        case 0x0080_0002: return ("-INFINITY", true)
        case 0x0080_0001: return ("reserved", true)
        default: break
        }
        let mantissa = Int64(Int32(bitPattern: raw << 8) >> 8)  // sign-extend the low 24 bits
        let exponent = Int(Int8(truncatingIfNeeded: raw >> 24))
        if mantissa == 0 { return ("0", false) }
        switch exponent {
        case 0...6: return (String(mantissa) + String(repeating: "0", count: exponent), false)
        case -12 ..< 0: return (decimal(mantissa, places: -exponent), false)
        default: return (String(mantissa) + "e" + String(exponent), false)  // far from any real measurement
        }
    }

    /// `raw / 10^places` as exact decimal text: (2150, 2) → "21.50", (-5, 2) → "-0.05".
    static func decimal(_ raw: Int64, places: Int) -> String {
        var digits = String(raw.magnitude)
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return raw < 0 ? "-" + digits : digits
    }

    /// Decimal text without trailing fractional zeros: "7.50" → "7.5", "15.00" → "15".
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var text = Substring(text)
        while text.last == "0" { text = text.dropLast() }
        if text.last == "." { text = text.dropLast() }
        return String(text)
    }

    private static func withReservedBits(_ text: String, _ reserved: UInt16) -> String {
        reserved == 0 ? text : text + " (reserved bits 0x" + hex(reserved, digits: 4) + ")"
    }

    static func singleByte(_ value: [UInt8]) -> UInt8? {
        value.count == 1 ? value[0] : nil
    }

    static func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func padded(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Reads little-endian integers off a value, returning `nil` (not trapping) past the end.
struct LittleEndianReader {
    private let bytes: [UInt8]
    private var offset: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset >= bytes.endIndex }

    mutating func u8() -> UInt8? {
        guard offset < bytes.endIndex else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16? {
        guard bytes.endIndex - offset >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func u32() -> UInt32? {
        guard bytes.endIndex - offset >= 4 else { return nil }
        defer { offset += 4 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}

// MARK: - Table machinery (used by Generated/Tables.swift)

/// Names stored one per line in a single string literal; finds the line starts once, on creation.
///
/// One literal for thousands of names keeps Tables.swift fast to compile and the binary small.
struct NameList: Sendable {
    private let text: StaticString
    /// Where each line starts, plus one entry past the end (as if the text ended in a newline).
    private let starts: [Int]

    init(_ text: StaticString) {
        var starts = [0]
        text.withUTF8Buffer { utf8 in
            for (offset, byte) in utf8.enumerated() where byte == 0x0A { starts.append(offset + 1) }
            starts.append(utf8.count + 1)
        }
        self.text = text
        self.starts = starts
    }

    /// The number of lines.
    var count: Int { starts.count - 1 }

    /// Line `index`, or `nil` outside `0..<count`.
    subscript(index: Int) -> String? {
        guard index >= 0, index < count else { return nil }
        let range = starts[index]..<(starts[index + 1] - 1)
        return text.withUTF8Buffer { String(decoding: $0[range], as: UTF8.self) }
    }
}

/// A name per 16-bit key: keys ascending, binary-searched; names in the same order.
struct NameTable: Sendable {
    let keys: [UInt16]
    let names: NameList

    func name(_ key: UInt16) -> String? {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = low + (high - low) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        guard low < keys.count, keys[low] == key else { return nil }
        return names[low]
    }

    /// Keys strictly ascending and one name per key: what the generator promises.
    var isWellFormed: Bool {
        keys.count == names.count && zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }
    }
}

/// A name per 128-bit UUID, split into its most and least significant 64 bits; sorted by (high, low).
struct UUID128Table: Sendable {
    let high: [UInt64]
    let low: [UInt64]
    let names: NameList

    func name(high key: UInt64, low lowKey: UInt64) -> String? {
        guard high.count == low.count else { return nil }
        var lower = 0
        var upper = high.count
        while lower < upper {
            let middle = lower + (upper - lower) / 2
            if (high[middle], low[middle]) < (key, lowKey) { lower = middle + 1 } else { upper = middle }
        }
        guard lower < high.count, high[lower] == key, low[lower] == lowKey else { return nil }
        return names[lower]
    }

    /// Keys strictly ascending and one name per key: what the generator promises.
    var isWellFormed: Bool {
        let keys = Array(zip(high, low))
        return high.count == low.count && keys.count == names.count
            && zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }
    }
}
