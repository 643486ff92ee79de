import BluetoothNumbers
import Testing

/// Vectors worked out from the field definitions of the GATT Specification Supplement: each optional field is
/// built from its flag, so every flag combination is checked, and each value once cut short and once overlong.
@Suite struct SensorCharacteristicTests {
    private func decode(_ uuid: UInt16, _ bytes: [UInt8]) -> String? {
        CharacteristicFormat.decode(characteristic: uuid, value: bytes)
    }

    private func reading(_ uuid: UInt16, _ bytes: [UInt8]) -> Reading? {
        CharacteristicFormat.reading(characteristic: uuid, value: bytes)
    }

    /// A value and what it must decode to, then the same value one byte short and one byte long: both nil.
    private func check(_ uuid: UInt16, _ bytes: [UInt8], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(decode(uuid, bytes) == expected, "\(bytes)", sourceLocation: sourceLocation)
        #expect(decode(uuid, Array(bytes.dropLast())) == nil, "short \(bytes)", sourceLocation: sourceLocation)
        #expect(decode(uuid, bytes + [0x00]) == nil, "overlong \(bytes)", sourceLocation: sourceLocation)
    }

    // MARK: Heart Rate Measurement (0x2A37)

    @Test func heartRateEveryFlagCombination() {
        // Flags: bit 0 u16 rate; bits 1–2 contact (10 no contact, 11 contact); bit 3 energy (u16 kJ);
        // bit 4 RR intervals (u16, 1/1024 s). Rate 0x0091 = 145 bpm, energy 0x01F4 = 500 kJ,
        // RR 0x0300 = 768/1024 = 0.75 s and 0x0400 = 1.00 s.
        for flags in UInt8(0) ..< 32 {
            var bytes = [flags]
            var text = ["145 bpm"]
            bytes += flags & 0x01 != 0 ? [0x91, 0x00] : [0x91]
            switch flags >> 1 & 3 {
            case 2: text.append("no contact")
            case 3: text.append("contact")
            default: break
            }
            if flags & 0x08 != 0 { bytes += [0xF4, 0x01]; text.append("500 kJ") }
            if flags & 0x10 != 0 { bytes += [0x00, 0x03, 0x00, 0x04]; text.append("RR 0.75 s / 1.00 s") }
            check(0x2A37, bytes, text.joined(separator: ", "))
            #expect(reading(0x2A37, bytes) == Reading(145, "bpm"))
        }
    }

    // MARK: Temperature Measurement (0x2A1C)

    @Test func temperatureMeasurementEveryFlagCombination() {
        // FLOAT 0xFE000866: mantissa 0x000866 = 2150, exponent 0xFE = -2, so 21.50.
        for flags in UInt8(0) ..< 8 {
            var bytes: [UInt8] = [flags, 0x66, 0x08, 0x00, 0xFE]
            var text = [flags & 1 == 0 ? "21.50 °C" : "21.50 °F"]
            if flags & 0x02 != 0 { bytes += [0xEA, 0x07, 12, 1, 13, 45, 9]; text.append("2026-12-01 13:45:09") }
            if flags & 0x04 != 0 { bytes += [0x02]; text.append("Body (general)") }
            check(0x2A1C, bytes, text.joined(separator: ", "))
            #expect(reading(0x2A1C, bytes) == Reading(21.5, flags & 1 == 0 ? "°C" : "°F"))
        }
        #expect(reading(0x2A1C, [0x00, 0xFF, 0xFF, 0x7F, 0x00]) == nil)  // NaN plots as a gap
    }

    // MARK: Blood Pressure Measurement (0x2A35)

    @Test func bloodPressureEveryFlagCombination() {
        // SFLOAT: 0x0078 = 120, 0x0050 = 80, 0x005D = 93 (exponent 0); pulse 0xF2D0 = 720 × 10^-1 = 72.0.
        for flags in UInt8(0) ..< 32 {
            var bytes: [UInt8] = [flags, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00]
            var text = ["120/80 \(flags & 1 == 0 ? "mmHg" : "kPa"), mean 93"]
            if flags & 0x02 != 0 { bytes += [0xE9, 0x07, 2, 28, 23, 59, 58]; text.append("2025-02-28 23:59:58") }
            if flags & 0x04 != 0 { bytes += [0xD0, 0xF2]; text.append("pulse 72.0 bpm") }
            if flags & 0x08 != 0 { bytes += [0x03]; text.append("user 3") }
            if flags & 0x10 != 0 { bytes += [0x2D, 0x00]; text.append("body movement, irregular pulse, pulse above range, improper position") }
            check(0x2A35, bytes, text.joined(separator: ", "))
            check(0x2A36, bytes, text.joined(separator: ", "))  // Intermediate Cuff Pressure: same layout
            #expect(reading(0x2A35, bytes) == Reading(120, flags & 1 == 0 ? "mmHg" : "kPa"))
        }
    }

    @Test func bloodPressureSpecialValuesAndStatus() {
        // MAP not known: SFLOAT NaN 0x07FF; unknown user 0xFF; status 0x0010 = pulse below range; 0 = ok.
        #expect(decode(0x2A35, [0x18, 0x78, 0x00, 0x50, 0x00, 0xFF, 0x07, 0xFF, 0x10, 0x00])
                    == "120/80 mmHg, mean NaN, unknown user, pulse below range")
        #expect(decode(0x2A35, [0x10, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00, 0x00, 0x00]) == "120/80 mmHg, mean 93, status ok")
        // kPa with exponent -1: 0xF0A0 = 160 × 10^-1 = 16.0 kPa.
        #expect(decode(0x2A35, [0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0x80, 0xF0]) == "16.0/10.7 kPa, mean 12.8")
        #expect(reading(0x2A35, [0x00, 0xFF, 0x07, 0x50, 0x00, 0x5D, 0x00]) == nil)
    }

    // MARK: Weight (0x2A98) and Weight Measurement (0x2A9D)

    @Test func weightMeasurementEveryFlagCombination() {
        // Weight 14500 × 0.005 kg = 72.5 kg, or 14500 × 0.01 lb = 145 lb; BMI 224 × 0.1 = 22.4;
        // height 1800 × 0.001 m = 1.800 m, or 1800 × 0.1 in = 180.0 in.
        for flags in UInt8(0) ..< 16 {
            let imperial = flags & 1 != 0
            var bytes: [UInt8] = [flags, 0xA4, 0x38]
            var text = [imperial ? "145 lb" : "72.5 kg"]
            if flags & 0x02 != 0 { bytes += [0xEA, 0x07, 1, 31, 7, 0, 0]; text.append("2026-01-31 07:00:00") }
            if flags & 0x04 != 0 { bytes += [0xFF]; text.append("unknown user") }
            if flags & 0x08 != 0 { bytes += [0xE0, 0x00, 0x08, 0x07]; text += ["BMI 22.4", imperial ? "height 180.0 in" : "height 1.800 m"] }
            check(0x2A9D, bytes, text.joined(separator: ", "))
            #expect(reading(0x2A9D, bytes) == (imperial ? Reading(145, "lb") : Reading(72.5, "kg")))
        }
        #expect(decode(0x2A9D, [0x00, 0xFF, 0xFF]) == "unsuccessful")
        #expect(reading(0x2A9D, [0x00, 0xFF, 0xFF]) == nil)
    }

    @Test func weight() {
        check(0x2A98, [0xA4, 0x38], "72.5 kg")
        check(0x2A98, [0x01, 0x00], "0.005 kg")
        #expect(decode(0x2A98, [0xFF, 0xFF]) == "unsuccessful")
        #expect(reading(0x2A98, [0xA4, 0x38]) == Reading(72.5, "kg"))
    }

    // MARK: Cycling and running

    @Test func cyclingSpeedAndCadenceEveryFlagCombination() {
        // Wheel: 0x00012345 = 74565 rev, event 0x0800 = 2048/1024 = 2.000 s;
        // crank: 0x00C8 = 200 rev, event 0x0200 = 512/1024 = 0.500 s.
        for flags in UInt8(0) ..< 4 {
            var bytes = [flags]
            var text: [String] = []
            if flags & 1 != 0 { bytes += [0x45, 0x23, 0x01, 0x00, 0x00, 0x08]; text.append("wheel 74565 rev at 2.000 s") }
            if flags & 2 != 0 { bytes += [0xC8, 0x00, 0x00, 0x02]; text.append("crank 200 rev at 0.500 s") }
            check(0x2A5B, bytes, text.isEmpty ? "no data" : text.joined(separator: ", "))
        }
        #expect(reading(0x2A5B, [0x03, 0x45, 0x23, 0x01, 0x00, 0x00, 0x08, 0xC8, 0x00, 0x00, 0x02]) == Reading(74565, "rev"))
        #expect(reading(0x2A5B, [0x02, 0xC8, 0x00, 0x00, 0x02]) == Reading(200, "rev"))
        #expect(reading(0x2A5B, [0x00]) == nil)
        #expect(decode(0x2A5B, [0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00]) == "wheel 0 rev at 0.001 s")  // 1/1024, rounded
    }

    @Test func runningSpeedAndCadenceEveryFlagCombination() {
        // Speed 0x0380 = 896/256 = 3.50 m/s; cadence 170 /min; stride 0x007D = 1.25 m; distance 0x3039 = 1234.5 m.
        for flags in UInt8(0) ..< 8 {
            var bytes: [UInt8] = [flags, 0x80, 0x03, 170]
            var text = ["3.50 m/s", "170 /min", flags & 4 != 0 ? "running" : "walking"]
            if flags & 1 != 0 { bytes += [0x7D, 0x00]; text.append("stride 1.25 m") }
            if flags & 2 != 0 { bytes += [0x39, 0x30, 0x00, 0x00]; text.append("total 1234.5 m") }
            check(0x2A53, bytes, text.joined(separator: ", "))
            #expect(reading(0x2A53, bytes) == Reading(3.5, "m/s"))
        }
    }

    // MARK: Time, identity, appearance, battery

    @Test func currentTime() {
        // 2026-12-01 13:45:44, Tuesday (2), 128/256 s, adjusted for time zone and DST (0x0C).
        check(0x2A2B, [0xEA, 0x07, 12, 1, 13, 45, 44, 2, 128, 0x0C],
              "2026-12-01 13:45:44 Tuesday +128/256 s, adjusted: time zone, daylight saving")
        check(0x2A2B, [0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0], "????-??-?? 00:00:00")
        check(0x2A2B, [0xEA, 0x07, 12, 1, 13, 45, 44, 7, 0, 0x03], "2026-12-01 13:45:44 Sunday, adjusted: manual, external reference")
        #expect(decode(0x2A2B, [0xEA, 0x07, 12, 1, 13, 45, 44, 9, 0, 0]) == "2026-12-01 13:45:44 reserved (9)")
    }

    @Test func pnpIDAndAppearance() {
        // PnP ID: source 1 (SIG), vendor 0x0059 (Nordic), product 0x1234, version 0x0123 = 1.2.3.
        check(0x2A50, [0x01, 0x59, 0x00, 0x34, 0x12, 0x23, 0x01], "Nordic Semiconductor ASA (0x0059), product 0x1234, version 1.2.3")
        check(0x2A50, [0x02, 0x6B, 0x1D, 0x01, 0x00, 0x00, 0x02], "USB vendor 0x1D6B, product 0x0001, version 2.0.0")
        // Appearance 0x0341 = category 13 (Heart Rate Sensor), subcategory 1 (belt).
        check(0x2A01, [0x41, 0x03], "Heart Rate Sensor: Heart Rate Belt")
        check(0x2A01, [0x00, 0x00], "Unknown")
    }

    @Test func batteryLevelState() {
        #expect(decode(0x2A1B, [80]) == "80 %")  // the power state is optional
        // Power state 0b10_11_10_11: present, not discharging, charging... bits 0–1 = 3 present, 2–3 = 2 not
        // discharging, 4–5 = 3 charging, 6–7 = 2 good level → 0xBB.
        #expect(decode(0x2A1B, [80, 0xBB]) == "80 %, present, not discharging, charging, good level")
        #expect(decode(0x2A1B, [5, 0xFF]) == "5 %, present, discharging, charging, critically low")
        #expect(decode(0x2A1B, [0, 0x00]) == "0 %, presence unknown, discharge unknown, charge unknown, level unknown")
        #expect(decode(0x2A1B, [101]) == "101 % (over 100)")
        #expect(decode(0x2A1B, []) == nil)
        #expect(decode(0x2A1B, [80, 0, 0]) == nil)
        #expect(reading(0x2A1B, [80, 0xBB]) == Reading(80, "%"))
        #expect(reading(0x2A19, [95]) == Reading(95, "%"))
    }

    // MARK: Environmental Sensing

    @Test func environmentalSensingValues() {
        // (uuid, bytes, text, value): resolutions and units per the Supplement.
        let vectors: [(UInt16, [UInt8], String, Reading)] = [
            (0x2A6C, [0x39, 0x30, 0x00], "123.45 m", Reading(123.45, "m")),  // Elevation s24 0.01 m
            (0x2A6C, [0xFF, 0xFF, 0xFF], "-0.01 m", Reading(-0.01, "m")),
            (0x2A6D, [0x02, 0x76, 0x0F, 0x00], "1013.250 hPa", Reading(1013.25, "hPa")),  // Pressure u32 0.1 Pa
            (0x2A6E, [0x66, 0x08], "21.50 °C", Reading(21.5, "°C")),  // Temperature s16 0.01 °C
            (0x2A6E, [0x0C, 0xFE], "-5.00 °C", Reading(-5, "°C")),
            (0x2A6F, [0x88, 0x13], "50.00 %", Reading(50, "%")),  // Humidity u16 0.01 %
            (0x2A70, [0xF4, 0x01], "5.00 m/s", Reading(5, "m/s")),  // True Wind Speed u16 0.01 m/s
            (0x2A71, [0x28, 0x23], "90.00 °", Reading(90, "°")),  // True Wind Direction u16 0.01°
            (0x2A72, [0x64, 0x00], "1.00 m/s", Reading(1, "m/s")),
            (0x2A73, [0x30, 0x8C], "358.88 °", Reading(358.88, "°")),
            (0x2A74, [0x0F], "1.5", Reading(1.5, "")),  // Gust Factor u8 0.1
            (0x2A75, [0x40, 0x42, 0x0F], "1000000 /m³", Reading(1_000_000, "/m³")),  // Pollen u24
            (0x2A76, [0x07], "7", Reading(7, "")),  // UV Index u8
            (0x2A77, [0xE8, 0x03], "100.0 W/m²", Reading(100, "W/m²")),  // Irradiance u16 0.1 W/m²
            (0x2A78, [0x0C, 0x00], "12 mm", Reading(12, "mm")),  // Rainfall u16 1 mm
            (0x2A79, [0xF6], "-10 °C", Reading(-10, "°C")),  // Wind Chill s8
            (0x2A7A, [0x28], "40 °C", Reading(40, "°C")),  // Heat Index s8
            (0x2A7B, [0x0A], "10 °C", Reading(10, "°C")),  // Dew Point s8
            (0x2A2C, [0xB8, 0x01], "4.40 °", Reading(4.4, "°")),  // Magnetic Declination u16 0.01°
        ]
        for (uuid, bytes, text, value) in vectors {
            check(uuid, bytes, text)
            let r = reading(uuid, bytes)
            #expect(r?.unit == value.unit, "0x\(String(uuid, radix: 16))")
            #expect(abs((r?.value ?? .nan) - value.value) < 1e-9, "0x\(String(uuid, radix: 16)): \(String(describing: r))")
        }
        // Magnetic flux density, 2D and 3D: s16 in 10^-7 T = 0.1 µT.
        check(0x2AA0, [0xF4, 0x01, 0x0C, 0xFE], "x 50.0 µT, y -50.0 µT")
        check(0x2AA1, [0xF4, 0x01, 0x0C, 0xFE, 0x01, 0x00], "x 50.0 µT, y -50.0 µT, z 0.1 µT")
        check(0x2AA3, [0x09], "Steady")
        #expect(decode(0x2AA3, [0x0A]) == "reserved (10)")
        // Unknown values are not plotted.
        #expect(reading(0x2A6E, [0x00, 0x80]) == nil)
        #expect(reading(0x2A6F, [0xFF, 0xFF]) == nil)
    }

    // MARK: Characteristic Presentation Format (0x2904)

    @Test func presentationFormatDescriptor() throws {
        // sint16, exponent -2, unit 0x272F (°C), namespace 1, description 0x0000.
        let bytes: [UInt8] = [0x0E, 0xFE, 0x2F, 0x27, 0x01, 0x00, 0x00]
        let f = try #require(PresentationFormat(bytes))
        #expect(f.format == 0x0E && f.exponent == -2 && f.unit == 0x272F && f.namespace == 1 && f.descriptionCode == 0)
        #expect(f.description == "sint16 × 10^-2 °C")
        check(0x2904, bytes, "sint16 × 10^-2 °C")
        #expect(f.text([0x66, 0x08]) == "21.50 °C")
        #expect(f.text([0x0C, 0xFE]) == "-5.00 °C")
        #expect(f.reading([0x66, 0x08]) == Reading(21.5, "°C"))
        #expect(f.number([0x66]) == nil)  // wrong length
        #expect(PresentationFormat([0x0E, 0xFE, 0x2F, 0x27, 0x01, 0x00]) == nil)

        let percent = try #require(PresentationFormat([0x04, 0x00, 0xAD, 0x27, 0x01, 0x02, 0x00]))
        #expect(percent.description == "uint8 % (description 2)")
        #expect(percent.text([200]) == "200 %")
        let volts = try #require(PresentationFormat([0x14, 0x00, 0x28, 0x27, 0x01, 0x00, 0x00]))
        #expect(volts.text([0x00, 0x00, 0x40, 0x40]) == "3 V")  // float32 3.0
        #expect(volts.number([0x00, 0x00, 0xC0, 0x7F]) == nil)  // NaN
        let unknownUnit = try #require(PresentationFormat([0x10, 0x03, 0x34, 0x12, 0x00, 0x00, 0x00]))
        #expect(unknownUnit.description == "sint32 × 10^3 unit 0x1234")
        #expect(unknownUnit.text([0xFF, 0xFF, 0xFF, 0xFF]) == "-1000")
        #expect(unknownUnit.reading([0xFF, 0xFF, 0xFF, 0xFF]) == Reading(-1000, ""))
        let text = try #require(PresentationFormat([0x19, 0x00, 0x00, 0x27, 0x01, 0x00, 0x00]))
        #expect(text.text(Array("hi\u{1B}".utf8)) == "\"hi\\x1B\"")
        #expect(text.reading(Array("12".utf8)) == nil)
        let sfloat = try #require(PresentationFormat([0x16, 0x00, 0xAF, 0x27, 0x01, 0x00, 0x00]))
        #expect(sfloat.text([0x48, 0x00]) == "72 bpm")
        let bool = try #require(PresentationFormat([0x01, 0x00, 0x00, 0x27, 0x01, 0x00, 0x00]))
        #expect(bool.text([0x01]) == "true")
        #expect(PresentationFormat([0x77, 0, 0, 0, 0, 0, 0])?.description == "format 0x77 unit 0x0000")
    }

    @Test func sfloatSpecialValuesAndSigns() {
        // 0x07FF NaN, 0x0800 NRes, 0x07FE +INF, 0x0802 -INF; 0xFFFF = mantissa -1, exponent -1 = -0.1.
        #expect(decode(0x2A35, [0x00, 0xFF, 0x07, 0x00, 0x08, 0xFE, 0x07]) == "NaN/NRes mmHg, mean +INFINITY")
        #expect(decode(0x2A35, [0x00, 0x02, 0x08, 0xFF, 0xFF, 0x01, 0x10]) == "-INFINITY/-0.1 mmHg, mean 10")
    }
}
