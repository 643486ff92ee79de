// Sensor characteristics (health, fitness, time, environmental sensing), the Characteristic Presentation
// Format descriptor (0x2904), and the one number of a value that a chart plots. Field layouts from the
// Bluetooth GATT Specification Supplement; Battery Level State (0x2A1B, withdrawn) from its last XML definition.

/// A value's number and unit: what a chart of the characteristic plots ("72 bpm" → 72, "bpm").
public struct Reading: Hashable, Sendable {
    /// The number.
    public var value: Double
    /// Its unit symbol ("bpm", "°C", "%"); empty for a plain count.
    public var unit: String

    /// A reading.
    public init(_ value: Double, _ unit: String) {
        self.value = value
        self.unit = unit
    }
}

extension CharacteristicFormat {
    /// The 16-bit UUIDs decoded by this file, ascending.
    static let sensorUUIDs: [UInt16] = [
        0x2904, 0x2A1B, 0x2A2B, 0x2A2C, 0x2A35, 0x2A36, 0x2A53, 0x2A5B, 0x2A6C, 0x2A70, 0x2A71, 0x2A72, 0x2A73,
        0x2A74, 0x2A75, 0x2A76, 0x2A77, 0x2A78, 0x2A79, 0x2A7A, 0x2A7B, 0x2A98, 0x2A9D, 0x2AA0, 0x2AA1, 0x2AA3,
    ]

    /// The sensor characteristics and 0x2904 in words, or nil (unknown UUID, wrong length).
    static func sensorValue(_ uuid16: UInt16, _ value: [UInt8]) -> String? {
        switch uuid16 {
        case 0x2904: PresentationFormat(value).map(\.description)
        case 0x2A1B: batteryLevelState(value)
        case 0x2A2B: currentTime(value)
        case 0x2A35, 0x2A36: bloodPressure(value)
        case 0x2A53: runningSpeedAndCadence(value)
        case 0x2A5B: cyclingSpeedAndCadence(value)
        case 0x2A98: weight(value)
        case 0x2A9D: weightMeasurement(value)
        case 0x2AA0, 0x2AA1: magneticFluxDensity(value, axes: uuid16 == 0x2AA0 ? 2 : 3)
        case 0x2AA3: singleByte(value).map { named($0, pressureTrends) }
        default: environmental(uuid16, value).map { r in
            formatted(r.value, places: environmentalPlaces[uuid16] ?? 0) + (r.unit.isEmpty ? "" : " " + r.unit)
        }
        }
    }

    /// The number a chart plots for a value of this characteristic, with its unit; nil for characteristics that
    /// are not one quantity (strings, enumerations) and for values that are malformed, unknown or not a number.
    ///
    /// Heart Rate Measurement gives the rate, Temperature Measurement the temperature (in the unit its flags
    /// say), Blood Pressure the systolic pressure, Weight the weight, RSC the speed, CSC the wheel (else crank)
    /// revolutions, Battery Level (State) the level, the Environmental Sensing characteristics their value.
    public static func reading(characteristic uuid16: UInt16, value: [UInt8]) -> Reading? {
        var r = LittleEndianReader(value)
        switch uuid16 {
        case 0x2A19: return singleByte(value).map { Reading(Double($0), "%") }
        case 0x2A1B:
            guard batteryLevelState(value) != nil, let level = r.u8() else { return nil }
            return Reading(Double(level), "%")
        case 0x2A07: return singleByte(value).map { Reading(Double(Int8(bitPattern: $0)), "dBm") }
        case 0x2A37:
            guard decode(characteristic: uuid16, value: value) != nil, let flags = r.u8(),
                  let rate = flags & 1 == 0 ? r.u8().map(UInt16.init) : r.u16() else { return nil }
            return Reading(Double(rate), "bpm")
        case 0x2A1C, 0x2A1E:
            guard decode(characteristic: uuid16, value: value) != nil, let flags = r.u8(), let raw = r.u32(),
                  let v = ieee11073Value(raw) else { return nil }
            return Reading(v, flags & 1 == 0 ? "°C" : "°F")
        case 0x2A35, 0x2A36:
            guard bloodPressure(value) != nil, let flags = r.u8(), let raw = r.u16(), let v = sfloatValue(raw) else { return nil }
            return Reading(v, flags & 1 == 0 ? "mmHg" : "kPa")
        case 0x2A98:
            guard let raw = r.u16(), r.isAtEnd, raw != 0xFFFF else { return nil }
            return Reading(Double(raw) * 0.005, "kg")
        case 0x2A9D:
            guard weightMeasurement(value) != nil, let flags = r.u8(), let raw = r.u16(), raw != 0xFFFF else { return nil }
            return flags & 1 == 0 ? Reading(Double(raw) * 0.005, "kg") : Reading(Double(raw) * 0.01, "lb")
        case 0x2A53:
            guard runningSpeedAndCadence(value) != nil, r.u8() != nil, let speed = r.u16() else { return nil }
            return Reading(Double(speed) / 256, "m/s")
        case 0x2A5B:
            guard cyclingSpeedAndCadence(value) != nil, let flags = r.u8() else { return nil }
            if flags & 1 != 0, let wheel = r.u32() { return Reading(Double(wheel), "rev") }
            if flags & 2 != 0, let crank = r.u16() { return Reading(Double(crank), "rev") }
            return nil
        case 0x2A6D:
            guard let raw = r.u32(), r.isAtEnd else { return nil }
            return Reading(Double(raw) / 1000, "hPa")
        case 0x2A6E:
            guard let raw = r.u16(), r.isAtEnd, raw != 0x8000 else { return nil }
            return Reading(Double(Int16(bitPattern: raw)) / 100, "°C")
        case 0x2A6F:
            guard let raw = r.u16(), r.isAtEnd, raw != 0xFFFF else { return nil }
            return Reading(Double(raw) / 100, "%")
        default:
            return environmental(uuid16, value)
        }
    }

    // MARK: Environmental Sensing

    /// Decimal places each Environmental Sensing value is shown with (its resolution).
    private static let environmentalPlaces: [UInt16: Int] = [
        0x2A2C: 2, 0x2A6C: 2, 0x2A70: 2, 0x2A71: 2, 0x2A72: 2, 0x2A73: 2, 0x2A74: 1, 0x2A77: 1,
    ]

    /// The single-number Environmental Sensing characteristics: resolution and unit per the Supplement.
    private static func environmental(_ uuid16: UInt16, _ value: [UInt8]) -> Reading? {
        var r = LittleEndianReader(value)
        func done(_ v: Double, _ unit: String) -> Reading? { r.isAtEnd ? Reading(v, unit) : nil }
        switch uuid16 {
        case 0x2A2C: return r.u16().flatMap { done(Double($0) / 100, "°") }  // Magnetic Declination
        case 0x2A6C: return r.s24().flatMap { done(Double($0) / 100, "m") }  // Elevation
        case 0x2A70, 0x2A72: return r.u16().flatMap { done(Double($0) / 100, "m/s") }  // True / Apparent Wind Speed
        case 0x2A71, 0x2A73: return r.u16().flatMap { done(Double($0) / 100, "°") }  // True / Apparent Wind Direction
        case 0x2A74: return r.u8().flatMap { done(Double($0) / 10, "") }  // Gust Factor
        case 0x2A75: return r.u24().flatMap { done(Double($0), "/m³") }  // Pollen Concentration
        case 0x2A76: return r.u8().flatMap { done(Double($0), "") }  // UV Index
        case 0x2A77: return r.u16().flatMap { done(Double($0) / 10, "W/m²") }  // Irradiance
        case 0x2A78: return r.u16().flatMap { done(Double($0), "mm") }  // Rainfall
        case 0x2A79, 0x2A7A, 0x2A7B:  // Wind Chill, Heat Index, Dew Point
            return r.u8().flatMap { done(Double(Int8(bitPattern: $0)), "°C") }
        default: return nil
        }
    }

    /// 0x2AA0 / 0x2AA1: two or three s16 axes in 10⁻⁷ T, shown in µT.
    private static func magneticFluxDensity(_ value: [UInt8], axes: Int) -> String? {
        guard value.count == 2 * axes else { return nil }
        var r = LittleEndianReader(value)
        let names = ["x", "y", "z"]
        return (0 ..< axes).map { i in
            let raw = Int64(Int16(bitPattern: r.u16()!))
            return names[i] + " " + decimal(raw, places: 1) + " µT"
        }.joined(separator: ", ")
    }

    private static let pressureTrends = [
        "Unknown", "Continuously falling", "Continuously rising", "Falling, then steady", "Rising, then steady",
        "Falling before a lesser rise", "Falling before a greater rise", "Rising before a greater fall",
        "Rising before a lesser fall", "Steady",
    ]

    // MARK: Health and fitness

    /// 0x2A35 Blood Pressure Measurement / 0x2A36 Intermediate Cuff Pressure: flags (bit 0 kPa, 1 time stamp,
    /// 2 pulse rate, 3 user ID, 4 measurement status), systolic, diastolic and mean arterial pressure (SFLOAT),
    /// then the optional fields in flag order.
    static func bloodPressure(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let flags = r.u8(), let sys = r.u16(), let dia = r.u16(), let map = r.u16() else { return nil }
        let unit = flags & 0x01 == 0 ? "mmHg" : "kPa"
        var parts = ["\(sfloat(sys).text)/\(sfloat(dia).text) \(unit), mean \(sfloat(map).text)"]
        if flags & 0x02 != 0 {
            guard let stamp = dateTime(&r) else { return nil }
            parts.append(stamp)
        }
        if flags & 0x04 != 0 {
            guard let pulse = r.u16() else { return nil }
            parts.append("pulse \(sfloat(pulse).text) bpm")
        }
        if flags & 0x08 != 0 {
            guard let user = r.u8() else { return nil }
            parts.append(user == 0xFF ? "unknown user" : "user \(user)")
        }
        if flags & 0x10 != 0 {
            guard let status = r.u16() else { return nil }
            var notes: [String] = []
            if status & 0x01 != 0 { notes.append("body movement") }
            if status & 0x02 != 0 { notes.append("cuff too loose") }
            if status & 0x04 != 0 { notes.append("irregular pulse") }
            switch status >> 3 & 0x03 {
            case 1: notes.append("pulse above range")
            case 2: notes.append("pulse below range")
            case 3: notes.append("pulse range reserved")
            default: break
            }
            if status & 0x20 != 0 { notes.append("improper position") }
            parts.append(notes.isEmpty ? "status ok" : notes.joined(separator: ", "))
        }
        guard r.isAtEnd else { return nil }
        return parts.joined(separator: ", ")
    }

    /// 0x2A98 Weight: u16 in 0.005 kg.
    private static func weight(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let raw = r.u16(), r.isAtEnd else { return nil }
        return raw == 0xFFFF ? "unsuccessful" : trimmed(decimal(Int64(raw) * 5, places: 3)) + " kg"
    }

    /// 0x2A9D Weight Measurement: flags (bit 0 imperial, 1 time stamp, 2 user ID, 3 BMI and height); weight in
    /// 0.005 kg or 0.01 lb (0xFFFF: unsuccessful); BMI in 0.1 kg/m²; height in 0.001 m or 0.1 in.
    static func weightMeasurement(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let flags = r.u8(), let raw = r.u16() else { return nil }
        let imperial = flags & 0x01 != 0
        var parts: [String] = []
        if raw == 0xFFFF { parts.append("unsuccessful") }
        else { parts.append(imperial ? trimmed(decimal(Int64(raw), places: 2)) + " lb" : trimmed(decimal(Int64(raw) * 5, places: 3)) + " kg") }
        if flags & 0x02 != 0 {
            guard let stamp = dateTime(&r) else { return nil }
            parts.append(stamp)
        }
        if flags & 0x04 != 0 {
            guard let user = r.u8() else { return nil }
            parts.append(user == 0xFF ? "unknown user" : "user \(user)")
        }
        if flags & 0x08 != 0 {
            guard let bmi = r.u16(), let height = r.u16() else { return nil }
            parts.append("BMI " + decimal(Int64(bmi), places: 1))
            parts.append("height " + (imperial ? decimal(Int64(height), places: 1) + " in" : decimal(Int64(height), places: 3) + " m"))
        }
        guard r.isAtEnd else { return nil }
        return parts.joined(separator: ", ")
    }

    /// 0x2A53 RSC Measurement: flags (bit 0 stride length, 1 total distance, 2 running), speed in 1/256 m/s,
    /// cadence per minute, stride length in 0.01 m, total distance in 0.1 m.
    static func runningSpeedAndCadence(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let flags = r.u8(), let speed = r.u16(), let cadence = r.u8() else { return nil }
        var parts = [decimal((Int64(speed) * 100 + 128) / 256, places: 2) + " m/s", "\(cadence) /min",
                     flags & 0x04 != 0 ? "running" : "walking"]
        if flags & 0x01 != 0 {
            guard let stride = r.u16() else { return nil }
            parts.append("stride " + decimal(Int64(stride), places: 2) + " m")
        }
        if flags & 0x02 != 0 {
            guard let distance = r.u32() else { return nil }
            parts.append("total " + decimal(Int64(distance), places: 1) + " m")
        }
        guard r.isAtEnd else { return nil }
        return parts.joined(separator: ", ")
    }

    /// 0x2A5B CSC Measurement: flags (bit 0 wheel data: u32 revolutions, u16 event time; bit 1 crank data:
    /// u16 revolutions, u16 event time), times in 1/1024 s.
    static func cyclingSpeedAndCadence(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let flags = r.u8() else { return nil }
        func seconds(_ t: UInt16) -> String { decimal((Int64(t) * 1000 + 512) / 1024, places: 3) + " s" }
        var parts: [String] = []
        if flags & 0x01 != 0 {
            guard let revolutions = r.u32(), let time = r.u16() else { return nil }
            parts.append("wheel \(revolutions) rev at \(seconds(time))")
        }
        if flags & 0x02 != 0 {
            guard let revolutions = r.u16(), let time = r.u16() else { return nil }
            parts.append("crank \(revolutions) rev at \(seconds(time))")
        }
        guard r.isAtEnd else { return nil }
        return parts.isEmpty ? "no data" : parts.joined(separator: ", ")
    }

    /// 0x2A1B Battery Level State: level (%), then an optional Battery Power State byte (two bits each: present,
    /// discharging, charging, level).
    static func batteryLevelState(_ value: [UInt8]) -> String? {
        guard value.count == 1 || value.count == 2 else { return nil }
        var parts = [value[0] <= 100 ? "\(value[0]) %" : "\(value[0]) % (over 100)"]
        if value.count == 2 {
            let s = value[1]
            let fields: [[String]] = [
                ["presence unknown", "presence not supported", "not present", "present"],
                ["discharge unknown", "discharge not supported", "not discharging", "discharging"],
                ["charge unknown", "not chargeable", "not charging", "charging"],
                ["level unknown", "level not supported", "good level", "critically low"],
            ]
            for (i, names) in fields.enumerated() { parts.append(names[Int(s >> (2 * i) & 0x03)]) }
        }
        return parts.joined(separator: ", ")
    }

    // MARK: Time

    private static let weekdays = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// 0x2A2B Current Time: Date Time (7 bytes), day of week (1 = Monday; 0 unknown), 1/256 s, adjust reason
    /// (bit 0 manual, 1 external reference, 2 time zone, 3 daylight saving).
    static func currentTime(_ value: [UInt8]) -> String? {
        var r = LittleEndianReader(value)
        guard let stamp = dateTime(&r), let day = r.u8(), let fraction = r.u8(), let reason = r.u8(), r.isAtEnd
        else { return nil }
        var parts = [stamp + (day == 0 ? "" : " " + named(day, weekdays)) + (fraction == 0 ? "" : " +\(fraction)/256 s")]
        var why: [String] = []
        if reason & 0x01 != 0 { why.append("manual") }
        if reason & 0x02 != 0 { why.append("external reference") }
        if reason & 0x04 != 0 { why.append("time zone") }
        if reason & 0x08 != 0 { why.append("daylight saving") }
        if !why.isEmpty { parts.append("adjusted: " + why.joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }

    /// A Date Time field (year u16, month, day, hours, minutes, seconds) as `2026-12-01 13:45:44`; a zero year,
    /// month or day (not known) shows as `????`, `??`.
    static func dateTime(_ r: inout LittleEndianReader) -> String? {
        guard let year = r.u16(), let month = r.u8(), let day = r.u8(), let h = r.u8(), let m = r.u8(), let s = r.u8()
        else { return nil }
        let date = [year == 0 ? "????" : padded(year, 4), month == 0 ? "??" : padded(month, 2), day == 0 ? "??" : padded(day, 2)]
        return date.joined(separator: "-") + " " + [padded(h, 2), padded(m, 2), padded(s, 2)].joined(separator: ":")
    }

    // MARK: Numbers

    /// An IEEE 11073-20601 16-bit SFLOAT (12-bit signed mantissa, 4-bit signed exponent) as exact decimal text,
    /// or the name of its special value (NaN, NRes, ±INFINITY, reserved).
    static func sfloat(_ raw: UInt16) -> (text: String, isSpecial: Bool) {
        switch raw {
        case 0x07FF: return ("NaN", true)
        case 0x0800: return ("NRes", true)
        case 0x07FE: return ("+INFINITY", true)
        case 0x0802: return ("-INFINITY", true)
        case 0x0801: return ("reserved", true)
        default: break
        }
        let mantissa = Int64(Int16(bitPattern: raw << 4) >> 4)
        let exponent = Int(Int8(bitPattern: UInt8(raw >> 12) << 4) >> 4)
        if mantissa == 0 { return ("0", false) }
        if exponent >= 0 { return (String(mantissa) + String(repeating: "0", count: exponent), false) }
        return (decimal(mantissa, places: -exponent), false)
    }

    /// An SFLOAT's value, or nil for a special value.
    static func sfloatValue(_ raw: UInt16) -> Double? {
        guard !sfloat(raw).isSpecial else { return nil }
        let mantissa = Double(Int16(bitPattern: raw << 4) >> 4)
        return mantissa * power10(Int(Int8(bitPattern: UInt8(raw >> 12) << 4) >> 4))
    }

    /// A 32-bit FLOAT's value, or nil for a special value.
    static func ieee11073Value(_ raw: UInt32) -> Double? {
        guard !ieee11073Float(raw).isSpecial else { return nil }
        return Double(Int32(bitPattern: raw << 8) >> 8) * power10(Int(Int8(truncatingIfNeeded: raw >> 24)))
    }

    static func power10(_ e: Int) -> Double {
        var p = 1.0
        for _ in 0 ..< abs(e) { p *= 10 }
        return e < 0 ? 1 / p : p
    }

    /// `value` with `places` decimals, exact for the resolutions above (they are whole units of 10^-places).
    static func formatted(_ value: Double, places: Int) -> String {
        decimal(Int64((value * power10(places)).rounded()), places: places)
    }
}

// MARK: - Characteristic Presentation Format

/// The Characteristic Presentation Format descriptor (0x2904): how to read a characteristic's value — its
/// format, a decimal exponent and a unit — so a vendor characteristic can show "21.5 °C" instead of hex.
public struct PresentationFormat: Hashable, Sendable, CustomStringConvertible {
    /// The format code (0x04 uint8, 0x0E sint16, 0x14 float32, 0x19 UTF-8, …).
    public var format: UInt8
    /// The value is `raw × 10^exponent` (integer formats only).
    public var exponent: Int8
    /// The unit's 16-bit UUID from the Assigned Numbers (0x272F °C, 0x27AD %).
    public var unit: UInt16
    /// The description's name space (1: Bluetooth SIG).
    public var namespace: UInt8
    /// The description (in the SIG name space: 1 "first", 2 "second", …, 0x0100 "front", …).
    public var descriptionCode: UInt16

    /// Parses the descriptor's 7 bytes; nil for any other length.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 7 else { return nil }
        format = bytes[0]
        exponent = Int8(bitPattern: bytes[1])
        unit = UInt16(bytes[2]) | UInt16(bytes[3]) << 8
        namespace = bytes[4]
        descriptionCode = UInt16(bytes[5]) | UInt16(bytes[6]) << 8
    }

    /// The format's name in the Supplement ("uint16", "float32", "utf8s"), or "format 0xNN".
    public var formatName: String {
        Self.formats[format]?.name ?? "format 0x" + CharacteristicFormat.hex(format, digits: 2)
    }

    /// The unit's symbol ("°C", "%", "V"), "" for unitless (0x2700), or "unit 0xNNNN" when unknown.
    public var unitSymbol: String {
        Self.units[unit] ?? "unit 0x" + CharacteristicFormat.hex(unit, digits: 4)
    }

    /// `sint16 × 10^-2 °C`: the descriptor in words.
    public var description: String {
        var text = formatName
        if exponent != 0 { text += " × 10^\(exponent)" }
        let u = unitSymbol
        if !u.isEmpty { text += " " + u }
        if namespace == 1, descriptionCode != 0 { text += " (description \(descriptionCode))" }
        return text
    }

    /// The characteristic's value as a number in this format, or nil (not a numeric format, wrong length, NaN).
    public func number(_ value: [UInt8]) -> Double? {
        guard let (_, size, kind) = Self.formats[format], size > 0, value.count == size else { return nil }
        var raw: UInt64 = 0
        for (i, b) in value.enumerated() { raw |= UInt64(b) << (8 * UInt64(i)) }
        let scale = CharacteristicFormat.power10(Int(exponent))
        switch kind {
        case .unsigned(let bits): return Double(raw & (bits >= 64 ? .max : (1 << bits) - 1)) * scale
        case .signed(let bits):
            let shift = UInt64(64 - bits)
            return Double(Int64(bitPattern: raw << shift) >> Int64(shift)) * scale
        case .float32:
            let f = Float(bitPattern: UInt32(raw))
            return f.isFinite ? Double(f) : nil
        case .float64:
            let d = Double(bitPattern: raw)
            return d.isFinite ? d : nil
        case .sfloat: return CharacteristicFormat.sfloatValue(UInt16(raw))
        case .float: return CharacteristicFormat.ieee11073Value(UInt32(raw))
        case .text: return nil
        }
    }

    /// The value as a reading (number and unit), for charts.
    public func reading(_ value: [UInt8]) -> Reading? {
        number(value).map { Reading($0, unitSymbol.hasPrefix("unit 0x") ? "" : unitSymbol) }
    }

    /// The value in words with its unit ("21.5 °C"); strings quoted and inert; nil when it does not fit.
    public func text(_ value: [UInt8]) -> String? {
        if format == 0x19 { return CharacteristicFormat.quoted(utf8: value) }
        guard let n = number(value) else { return nil }
        let integer: Bool
        switch Self.formats[format]?.kind {
        case .unsigned?, .signed?: integer = true
        default: integer = false
        }
        let places = integer ? max(0, -Int(exponent)) : 3
        var s = integer ? CharacteristicFormat.formatted(n, places: places) : CharacteristicFormat.trimmed(CharacteristicFormat.formatted(n, places: places))
        if format == 0x01 { s = n != 0 ? "true" : "false" }
        let u = unitSymbol.hasPrefix("unit 0x") ? "" : unitSymbol
        return u.isEmpty ? s : s + " " + u
    }

    enum Kind: Hashable { case unsigned(Int), signed(Int), float32, float64, sfloat, float, text }

    /// Format code → name, byte count of the value (0: any), and how to read it.
    static let formats: [UInt8: (name: String, size: Int, kind: Kind)] = [
        0x01: ("boolean", 1, .unsigned(1)), 0x02: ("2bit", 1, .unsigned(2)), 0x03: ("nibble", 1, .unsigned(4)),
        0x04: ("uint8", 1, .unsigned(8)), 0x05: ("uint12", 2, .unsigned(12)), 0x06: ("uint16", 2, .unsigned(16)),
        0x07: ("uint24", 3, .unsigned(24)), 0x08: ("uint32", 4, .unsigned(32)), 0x09: ("uint48", 6, .unsigned(48)),
        0x0A: ("uint64", 8, .unsigned(64)), 0x0B: ("uint128", 0, .text),
        0x0C: ("sint8", 1, .signed(8)), 0x0D: ("sint12", 2, .signed(12)), 0x0E: ("sint16", 2, .signed(16)),
        0x0F: ("sint24", 3, .signed(24)), 0x10: ("sint32", 4, .signed(32)), 0x11: ("sint48", 6, .signed(48)),
        0x12: ("sint64", 8, .signed(64)), 0x13: ("sint128", 0, .text),
        0x14: ("float32", 4, .float32), 0x15: ("float64", 8, .float64), 0x16: ("SFLOAT", 2, .sfloat),
        0x17: ("FLOAT", 4, .float), 0x18: ("duint16", 0, .text), 0x19: ("utf8s", 0, .text), 0x1A: ("utf16s", 0, .text),
        0x1B: ("struct", 0, .text),
    ]

    /// Unit UUIDs (Assigned Numbers, "Units") → symbols, for the common ones.
    static let units: [UInt16: String] = [
        0x2700: "", 0x2701: "m", 0x2702: "kg", 0x2703: "s", 0x2704: "A", 0x2705: "K", 0x2706: "mol", 0x2707: "cd",
        0x2710: "m²", 0x2711: "m³", 0x2712: "m/s", 0x2713: "m/s²", 0x2715: "kg/m³", 0x2720: "rad", 0x2722: "Hz",
        0x2723: "N", 0x2724: "Pa", 0x2725: "J", 0x2726: "W", 0x2727: "C", 0x2728: "V", 0x2729: "F", 0x272A: "Ω",
        0x272B: "S", 0x272C: "Wb", 0x272D: "T", 0x272E: "H", 0x272F: "°C", 0x2730: "lm", 0x2731: "lx",
        0x2743: "rad/s", 0x2745: "W/m²", 0x2760: "min", 0x2761: "h", 0x2762: "d", 0x2763: "°", 0x2767: "l",
        0x2780: "bar", 0x2781: "mmHg", 0x2785: "kn", 0x27A2: "in", 0x27A3: "ft", 0x27A4: "mi", 0x27A5: "psi",
        0x27A6: "km/h", 0x27A7: "mph", 0x27A8: "rpm", 0x27A9: "cal", 0x27AA: "kcal", 0x27AB: "kWh", 0x27AC: "°F",
        0x27AD: "%", 0x27AE: "‰", 0x27AF: "bpm", 0x27B0: "Ah", 0x27B1: "mg/dL", 0x27B2: "mmol/L", 0x27B3: "yr",
        0x27B4: "month", 0x27B5: "/m³", 0x27B6: "W/m²", 0x27B8: "lb", 0x27C3: "dB", 0x27C4: "ppm", 0x27C5: "ppb",
    ]
}

extension LittleEndianReader {
    mutating func u24() -> UInt32? {
        guard let low = u16(), let high = u8() else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }

    mutating func s24() -> Int32? {
        u24().map { Int32(bitPattern: $0 << 8) >> 8 }
    }
}
