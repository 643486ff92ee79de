import Foundation  // JSONSerialization, to hold the generated tables to the JSON copy in Sources/BluetoothNumbers/data
import Testing

@testable import BluetoothNumbers

// MARK: - Names

@Suite struct NameTests {
    @Test func sigNames() {
        #expect(BluetoothNumbers.serviceName(0x180D) == "Heart Rate")
        #expect(BluetoothNumbers.serviceName(0x1800) == "Generic Access")
        #expect(BluetoothNumbers.serviceName(0xFE59) == "Secure DFU Service")  // a member UUID, from Nordic
        #expect(BluetoothNumbers.characteristicName(0x2A37) == "Heart Rate Measurement")
        #expect(BluetoothNumbers.characteristicName(0x2A19) == "Battery Level")
        #expect(BluetoothNumbers.characteristicName(0x2B22) == "IDD Annunciation Status")  // listed twice in the JSON
        #expect(BluetoothNumbers.descriptorName(0x2902) == "Client Characteristic Configuration")
        #expect(BluetoothNumbers.descriptorName(0x2900) == "Characteristic Extended Properties")
        #expect(BluetoothNumbers.descriptorName(0x2911) == "Valid Range and Accuracy")
    }

    @Test func companies() {
        #expect(BluetoothNumbers.companyName(0) == "Ericsson AB")
        #expect(BluetoothNumbers.companyName(76) == "Apple, Inc.")
        #expect(BluetoothNumbers.companyName(89) == "Nordic Semiconductor ASA")
        #expect(BluetoothNumbers.companyName(549) == "Nestlé Nespresso S.A.")
        #expect(BluetoothNumbers.companyName(604) == "NetEase（Hangzhou）Network co.Ltd.")
        #expect(BluetoothNumbers.companyName(896) == "LLC \"MEGA-F service\"")
        #expect(BluetoothNumbers.companyName(4179) == "Sensorworx, Inc.")
        #expect(BluetoothNumbers.companyName(0xFFFF)?.hasPrefix("Bluetooth SIG Specification Reserved") == true)
    }

    @Test func appearance() {
        #expect(BluetoothNumbers.appearanceName(832) == "Heart Rate Sensor")
        #expect(BluetoothNumbers.appearanceName(833) == "Heart Rate Sensor: Heart Rate Belt")
        #expect(BluetoothNumbers.appearanceName(834) == "Heart Rate Sensor")  // unknown subcategory
        #expect(BluetoothNumbers.appearanceName(0) == "Unknown")
        #expect(BluetoothNumbers.appearanceName(64) == "Phone")
        #expect(BluetoothNumbers.appearanceName(3 << 6 | 2) == "Watch: Smartwatch")
        #expect(BluetoothNumbers.appearanceName(44 << 6) == nil)  // categories jump from 43 to 49
        #expect(BluetoothNumbers.appearanceName(0xFFFF) == nil)
    }

    @Test func unknownNumbersAreNil() {
        #expect(BluetoothNumbers.serviceName(0x0000) == nil)
        #expect(BluetoothNumbers.serviceName(0x2A37) == nil)  // a characteristic, not a service
        #expect(BluetoothNumbers.characteristicName(0x180D) == nil)
        #expect(BluetoothNumbers.characteristicName(0xFFFF) == nil)
        #expect(BluetoothNumbers.descriptorName(0x2A37) == nil)
        #expect(BluetoothNumbers.companyName(102) == nil)  // a gap in the assigned codes
        #expect(BluetoothNumbers.companyName(4180) == nil)
        #expect(BluetoothNumbers.adTypeName(0x00) == nil)
        #expect(BluetoothNumbers.adTypeName(0x13) == nil)
    }

    @Test func adTypes() {
        #expect(BluetoothNumbers.adTypeName(0x01) == "Flags")
        #expect(BluetoothNumbers.adTypeName(0x03) == "Complete List of 16-bit Service UUIDs")
        #expect(BluetoothNumbers.adTypeName(0x09) == "Complete Local Name")
        #expect(BluetoothNumbers.adTypeName(0x16) == "Service Data - 16-bit UUID")
        #expect(BluetoothNumbers.adTypeName(0xFF) == "Manufacturer Specific Data")
        #expect((0...255).compactMap { BluetoothNumbers.adTypeName(UInt8($0)) }.count == 50)
    }

    @Test func uuid128OnTheBaseUUID() {
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("0000180D-0000-1000-8000-00805F9B34FB"))
                == "Heart Rate")
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("00002A37-0000-1000-8000-00805F9B34FB"))
                == "Heart Rate Measurement")
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("00002902-0000-1000-8000-00805F9B34FB"))
                == "Client Characteristic Configuration")
        #expect(BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("0000FFFF-0000-1000-8000-00805F9B34FB")) == nil)
        // A 32-bit UUID on the base has no 16-bit name, even when its low half has one.
        #expect(BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("0001180D-0000-1000-8000-00805F9B34FB")) == nil)
        #expect(BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("0000180D-0000-1000-8000-00805F9B34FC")) == nil)
    }

    @Test func uuid128Vendors() {
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("6E400001-B5A3-F393-E0A9-E50E24DCCA9E"))
                == "Nordic UART Service")
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("6E400002-B5A3-F393-E0A9-E50E24DCCA9E"))
                == "UART RX Characteristic")
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("6E400003-B5A3-F393-E0A9-E50E24DCCA9E"))
                == "UART TX Characteristic")
        #expect(BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("6E400004-B5A3-F393-E0A9-E50E24DCCA9E")) == nil)
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("7905F431-B5CE-4E99-A40F-4B1E122D00D0"))
                == "Apple Notification Center Service")
        // Listed as both a service and a characteristic: the service wins.
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("8E400001-F315-4F60-9FB8-838830DAEA50"))
                == "Experimental Buttonless DFU Service")
        #expect(
            BluetoothNumbers.name(forUUID128BigEndian: uuidBytes("00001624-1212-EFDE-1623-785FEABCD123"))
                == "LEGO® Wireless Protocol v3 Hub Characteristic")
    }

    @Test func uuid128WrongLengthIsNil() {
        let heartRate = uuidBytes("0000180D-0000-1000-8000-00805F9B34FB")
        #expect(BluetoothNumbers.name(forUUID128BigEndian: []) == nil)
        #expect(BluetoothNumbers.name(forUUID128BigEndian: [0x18, 0x0D]) == nil)
        #expect(BluetoothNumbers.name(forUUID128BigEndian: Array(heartRate.dropLast())) == nil)
        #expect(BluetoothNumbers.name(forUUID128BigEndian: heartRate + [0]) == nil)
    }
}

// MARK: - Generated tables against the data

@Suite struct GeneratedTableTests {
    @Test func tablesAreWellFormed() {
        for table in [
            BluetoothNumbers.services16, BluetoothNumbers.characteristics16, BluetoothNumbers.descriptors16,
            BluetoothNumbers.companies, BluetoothNumbers.appearanceCategories, BluetoothNumbers.appearanceSubcategories,
        ] {
            #expect(table.isWellFormed)
        }
        #expect(BluetoothNumbers.services128.isWellFormed)
        #expect(BluetoothNumbers.characteristics128.isWellFormed)
    }

    @Test func tableSizesMatchTheCountsTakenAtGeneration() {
        typealias C = GeneratedCounts
        #expect(BluetoothNumbers.services16.keys.count == C.services16)
        #expect(BluetoothNumbers.services128.high.count == C.services128)
        #expect(C.services16 + C.services128 + C.serviceDuplicates == C.serviceEntries)
        #expect(BluetoothNumbers.characteristics16.keys.count == C.characteristics16)
        #expect(BluetoothNumbers.characteristics128.high.count == C.characteristics128)
        #expect(C.characteristics16 + C.characteristics128 + C.characteristicDuplicates == C.characteristicEntries)
        #expect(BluetoothNumbers.descriptors16.keys.count == C.descriptors16)
        #expect(C.descriptors16 + C.descriptorDuplicates == C.descriptorEntries)
        #expect(BluetoothNumbers.companies.keys.count == C.companies)
        #expect(C.companies + C.companyDuplicates == C.companyEntries)
        #expect(BluetoothNumbers.appearanceCategories.keys.count == C.appearanceCategories)
        #expect(BluetoothNumbers.appearanceSubcategories.keys.count == C.appearanceSubcategories)
        #expect(C.appearanceCategories == C.appearanceCategoryEntries)
    }

    /// Every entry of the JSON copy that ships with the module (not ../shared) comes back from the public API.
    @Test func everyJSONEntryRoundTrips() throws {
        for (file, lookup) in [
            ("service_uuids.json", BluetoothNumbers.serviceName),
            ("characteristic_uuids.json", BluetoothNumbers.characteristicName),
            ("descriptor_uuids.json", BluetoothNumbers.descriptorName),
        ] as [(String, (UInt16) -> String?)] {
            let entries = try jsonArray(file)
            var seen = 0
            for entry in entries {
                let text = try #require(entry["uuid"] as? String)
                let name = try #require(entry["name"] as? String)
                let expected = name
                if text.count == 4 {
                    let code = try #require(UInt16(text, radix: 16))
                    #expect(lookup(code) == expected, "\(file) \(text)")
                } else {
                    let found = BluetoothNumbers.name(forUUID128BigEndian: uuidBytes(text))
                    // The one UUID listed as a service and a characteristic resolves to the service.
                    #expect(found == expected || found == expected + " Service", "\(file) \(text)")
                }
                seen += 1
            }
            #expect(seen == entries.count && seen > 0)
        }

        let companies = try jsonArray("company_ids.json")
        #expect(companies.count == GeneratedCounts.companyEntries)
        for entry in companies {
            let code = try #require(entry["code"] as? Int)
            #expect(BluetoothNumbers.companyName(UInt16(code)) == entry["name"] as? String, "company \(code)")
        }

        let categories = try jsonArray("gap_appearance.json")
        #expect(categories.count == GeneratedCounts.appearanceCategoryEntries)
        var subcategoryCount = 0
        for entry in categories {
            let category = try #require(entry["category"] as? Int)
            let name = try #require(entry["name"] as? String)
            #expect(BluetoothNumbers.appearanceName(UInt16(category << 6)) == name)
            for sub in entry["subcategory"] as? [[String: Any]] ?? [] {
                let value = try #require(sub["value"] as? Int)
                let subName = try #require(sub["name"] as? String)
                #expect(BluetoothNumbers.appearanceName(UInt16(category << 6 | value)) == name + ": " + subName)
                subcategoryCount += 1
            }
        }
        #expect(subcategoryCount == GeneratedCounts.appearanceSubcategories)
    }

    private func jsonArray(_ file: String) throws -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BluetoothNumbers/data").appendingPathComponent(file)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [[String: Any]])
    }
}

// MARK: - Value formats

@Suite struct CharacteristicFormatTests {
    private func decode(_ uuid: UInt16, _ bytes: [UInt8]) -> String? {
        CharacteristicFormat.decode(characteristic: uuid, value: bytes)
    }

    @Test func batteryLevel() {
        #expect(decode(0x2A19, [95]) == "95 %")
        #expect(decode(0x2A19, [0]) == "0 %")
        #expect(decode(0x2A19, [100]) == "100 %")
        #expect(decode(0x2A19, [101]) == "101 % (over 100)")
        #expect(decode(0x2A19, []) == nil)
        #expect(decode(0x2A19, [95, 0]) == nil)
    }

    @Test func heartRateMeasurement() {
        #expect(decode(0x2A37, [0x00, 72]) == "72 bpm")
        #expect(decode(0x2A37, [0x02, 72]) == "72 bpm")  // contact bit without "supported": ignored
        #expect(decode(0x2A37, [0x04, 72]) == "72 bpm, no contact")
        #expect(decode(0x2A37, [0x06, 72]) == "72 bpm, contact")
        #expect(decode(0x2A37, [0x01, 0x2C, 0x01]) == "300 bpm")  // u16
        #expect(decode(0x2A37, [0x16, 72, 0x52, 0x03]) == "72 bpm, contact, RR 0.83 s")  // 850/1024 s
        #expect(
            decode(0x2A37, [0x1E, 72, 0x0C, 0x00, 0x52, 0x03, 0x5C, 0x03])
                == "72 bpm, contact, 12 kJ, RR 0.83 s / 0.84 s")
        #expect(decode(0x2A37, [0x09, 0x48, 0x00, 0x10, 0x27]) == "72 bpm, 10000 kJ")
        #expect(decode(0x2A37, [0x10, 72]) == "72 bpm")  // RR flag, no intervals this time
        #expect(decode(0x2A37, [0x10, 72, 0x00, 0x04]) == "72 bpm, RR 1.00 s")
        #expect(decode(0x2A37, [0xE0, 72]) == "72 bpm")  // reserved flag bits ignored
    }

    @Test func heartRateMeasurementWrongLengths() {
        #expect(decode(0x2A37, []) == nil)
        #expect(decode(0x2A37, [0x00]) == nil)
        #expect(decode(0x2A37, [0x01, 72]) == nil)  // u16 rate cut short
        #expect(decode(0x2A37, [0x08, 72, 0x0C]) == nil)  // energy cut short
        #expect(decode(0x2A37, [0x10, 72, 0x52]) == nil)  // odd RR byte
        #expect(decode(0x2A37, [0x10, 72, 0x52, 0x03, 0x5C]) == nil)
        #expect(decode(0x2A37, [0x00, 72, 0x00]) == nil)  // trailing byte without the RR flag
    }

    @Test func bodySensorLocation() {
        let names = (0...6).map { decode(0x2A38, [UInt8($0)]) }
        #expect(names == ["Other", "Chest", "Wrist", "Finger", "Hand", "Ear Lobe", "Foot"])
        #expect(decode(0x2A38, [7]) == "reserved (7)")
        #expect(decode(0x2A38, [0xFF]) == "reserved (255)")
        #expect(decode(0x2A38, []) == nil)
        #expect(decode(0x2A38, [1, 1]) == nil)
    }

    @Test func temperatureMeasurement() {
        // 366 × 10^-1: FLOAT 0xFF00016E, little-endian.
        #expect(decode(0x2A1C, [0x00, 0x6E, 0x01, 0x00, 0xFF]) == "36.6 °C")
        #expect(decode(0x2A1E, [0x00, 0x6E, 0x01, 0x00, 0xFF]) == "36.6 °C")  // Intermediate Temperature
        #expect(decode(0x2A1C, [0x01, 0xDA, 0x03, 0x00, 0xFF]) == "98.6 °F")  // bit 0: Fahrenheit
        #expect(decode(0x2A1C, [0x00, 0xFB, 0xFF, 0xFF, 0xFF]) == "-0.5 °C")  // mantissa -5
        #expect(decode(0x2A1C, [0x00, 0x0C, 0x00, 0x00, 0x02]) == "1200 °C")  // 12 × 10^2
        #expect(decode(0x2A1C, [0x00, 0x72, 0x0E, 0x00, 0xFE]) == "36.98 °C")
        #expect(decode(0x2A1C, [0x00, 0x00, 0x00, 0x00, 0xFE]) == "0 °C")
        #expect(
            decode(0x2A1C, [0x06, 0x6E, 0x01, 0x00, 0xFF, 0xE8, 0x07, 1, 2, 3, 4, 5, 6])
                == "36.6 °C, 2024-01-02 03:04:05, Mouth")
        #expect(decode(0x2A1C, [0x05, 0xDA, 0x03, 0x00, 0xFF, 0x01]) == "98.6 °F, Armpit")
    }

    @Test func temperatureMeasurementSpecialValues() {
        #expect(decode(0x2A1C, [0x00, 0xFF, 0xFF, 0x7F, 0x00]) == "NaN")
        #expect(decode(0x2A1C, [0x01, 0xFF, 0xFF, 0x7F, 0x00]) == "NaN")  // no unit on NaN, even in °F
        #expect(decode(0x2A1C, [0x00, 0x00, 0x00, 0x80, 0x00]) == "NRes")
        #expect(decode(0x2A1C, [0x00, 0xFE, 0xFF, 0x7F, 0x00]) == "+INFINITY")
        #expect(decode(0x2A1C, [0x00, 0x02, 0x00, 0x80, 0x00]) == "-INFINITY")
        #expect(decode(0x2A1C, [0x00, 0x01, 0x00, 0x80, 0x00]) == "reserved")
        #expect(decode(0x2A1C, [0x04, 0xFF, 0xFF, 0x7F, 0x00, 0x02]) == "NaN, Body (general)")
        // The same mantissas with a non-zero exponent are ordinary numbers.
        #expect(decode(0x2A1C, [0x00, 0xFF, 0xFF, 0x7F, 0xFF]) == "838860.7 °C")
    }

    @Test func temperatureMeasurementWrongLengths() {
        #expect(decode(0x2A1C, []) == nil)
        #expect(decode(0x2A1C, [0x00]) == nil)
        #expect(decode(0x2A1C, [0x00, 0x6E, 0x01, 0x00]) == nil)  // FLOAT cut short
        #expect(decode(0x2A1C, [0x00, 0x6E, 0x01, 0x00, 0xFF, 0x00]) == nil)  // trailing byte
        #expect(decode(0x2A1C, [0x02, 0x6E, 0x01, 0x00, 0xFF, 0xE8, 0x07, 1, 2, 3, 4]) == nil)  // time stamp short
        #expect(decode(0x2A1C, [0x04, 0x6E, 0x01, 0x00, 0xFF]) == nil)  // type flagged, missing
    }

    @Test func ieee11073FloatExtremes() {
        #expect(CharacteristicFormat.ieee11073Float(0x8000_0001).text == "1e-128")
        #expect(CharacteristicFormat.ieee11073Float(0x7F80_0000).text == "-8388608e127")
        #expect(CharacteristicFormat.ieee11073Float(0xF400_0001).text == "0.000000000001")
        #expect(CharacteristicFormat.ieee11073Float(0x0600_0001).text == "1000000")
        #expect(CharacteristicFormat.ieee11073Float(0xFF80_0000).text == "-838860.8")
        #expect(!CharacteristicFormat.ieee11073Float(0x0600_0001).isSpecial)
        #expect(CharacteristicFormat.ieee11073Float(0x007F_FFFF).isSpecial)
    }

    @Test func temperatureType() {
        #expect(decode(0x2A1D, [0x01]) == "Armpit")
        #expect(decode(0x2A1D, [0x02]) == "Body (general)")
        #expect(decode(0x2A1D, [0x09]) == "Tympanum (ear drum)")
        #expect(decode(0x2A1D, [0x00]) == "reserved (0)")
        #expect(decode(0x2A1D, [0x0A]) == "reserved (10)")
        #expect(decode(0x2A1D, []) == nil)
    }

    @Test func environmentalSensing() {
        #expect(decode(0x2A6E, [0x66, 0x08]) == "21.50 °C")  // 2150 × 0.01
        #expect(decode(0x2A6E, [0xFB, 0xFF]) == "-0.05 °C")
        #expect(decode(0x2A6E, [0x18, 0xFC]) == "-10.00 °C")
        #expect(decode(0x2A6E, [0x00, 0x80]) == "unknown")
        #expect(decode(0x2A6E, [0x66]) == nil)
        #expect(decode(0x2A6E, [0x66, 0x08, 0x00]) == nil)
        #expect(decode(0x2A6F, [0xA8, 0x11]) == "45.20 %")
        #expect(decode(0x2A6F, [0x10, 0x27]) == "100.00 %")
        #expect(decode(0x2A6F, [0xFF, 0xFF]) == "unknown")
        #expect(decode(0x2A6F, [0xA8]) == nil)
        #expect(decode(0x2A6D, [0x02, 0x76, 0x0F, 0x00]) == "1013.250 hPa")  // 1013250 × 0.1 Pa
        #expect(decode(0x2A6D, [0x05, 0x00, 0x00, 0x00]) == "0.005 hPa")
        #expect(decode(0x2A6D, [0xFF, 0xFF, 0xFF, 0xFF]) == "4294967.295 hPa")
        #expect(decode(0x2A6D, [0x02, 0x76, 0x0F]) == nil)
    }

    @Test func strings() {
        #expect(decode(0x2A00, Array("HRM".utf8)) == "\"HRM\"")
        #expect(decode(0x2A29, Array("Nordic Semiconductor".utf8)) == "\"Nordic Semiconductor\"")
        for uuid: UInt16 in [0x2A24, 0x2A25, 0x2A26, 0x2A27, 0x2A28, 0x2A3D, 0x2A87, 0x2AB6, 0x2901] {
            #expect(decode(uuid, Array("1.0".utf8)) == "\"1.0\"")
        }
        #expect(decode(0x2A00, []) == "\"\"")
        #expect(decode(0x2A00, Array("Café ❤️".utf8)) == "\"Café ❤️\"")
        #expect(decode(0x2901, Array("Heart rate".utf8)) == "\"Heart rate\"")  // User Description descriptor
    }

    @Test func stringsAreRenderedInert() {
        // A terminal escape (clear screen) arrives as visible text.
        #expect(decode(0x2A00, [0x48, 0x1B, 0x5B, 0x32, 0x4A]) == "\"H\\x1B[2J\"")
        #expect(decode(0x2A00, [0x41, 0x0A, 0x0D, 0x09, 0x7F]) == "\"A\\x0A\\x0D\\x09\\x7F\"")
        #expect(decode(0x2A00, [0x41, 0xC2, 0x9B, 0x42]) == "\"A\\x9BB\"")  // C1 CSI, U+009B
        #expect(decode(0x2A00, [0x41, 0xE2, 0x80, 0xAE, 0x42]) == "\"A\\u{202E}B\"")  // right-to-left override
        #expect(decode(0x2A00, [0x41, 0xE2, 0x80, 0xA8]) == "\"A\\u{2028}\"")  // line separator
        #expect(decode(0x2A00, Array("say \"hi\" \\o/".utf8)) == "\"say \\\"hi\\\" \\\\o/\"")
        // Invalid UTF-8 becomes U+FFFD: a lone continuation byte, a truncated sequence, 0xFF.
        #expect(decode(0x2A00, [0x41, 0x80, 0x42]) == "\"A\u{FFFD}B\"")
        #expect(decode(0x2A00, [0x41, 0xE2, 0x82]) == "\"A\u{FFFD}\"")
        #expect(decode(0x2A00, [0xFF]) == "\"\u{FFFD}\"")
        // Trailing NUL padding is dropped; a NUL inside is shown.
        #expect(decode(0x2A00, [0x41, 0x42, 0x00, 0x00, 0x00]) == "\"AB\"")
        #expect(decode(0x2A00, [0x41, 0x00, 0x42]) == "\"A\\x00B\"")
        #expect(decode(0x2A00, [0x00]) == "\"\"")
        #expect(CharacteristicFormat.quoted(utf8: [0x1B]) == "\"\\x1B\"")
    }

    @Test func appearance() {
        #expect(decode(0x2A01, [0x41, 0x03]) == "Heart Rate Sensor: Heart Rate Belt")  // 833
        #expect(decode(0x2A01, [0x40, 0x03]) == "Heart Rate Sensor")
        #expect(decode(0x2A01, [0x00, 0x00]) == "Unknown")
        #expect(decode(0x2A01, [0xFF, 0xFF]) == "unassigned (0xFFFF)")
        #expect(decode(0x2A01, [0x41]) == nil)
        #expect(decode(0x2A01, [0x41, 0x03, 0x00]) == nil)
    }

    @Test func serviceChanged() {
        #expect(decode(0x2A05, [0x01, 0x00, 0xFF, 0xFF]) == "handles 0x0001 to 0xFFFF")
        #expect(decode(0x2A05, [0x0C, 0x00, 0x1F, 0x00]) == "handles 0x000C to 0x001F")
        #expect(decode(0x2A05, [0x01, 0x00, 0xFF]) == nil)
        #expect(decode(0x2A05, [0x01, 0x00, 0xFF, 0xFF, 0x00]) == nil)
    }

    @Test func peripheralPreferredConnectionParameters() {
        #expect(
            decode(0x2A04, [0x06, 0x00, 0x0C, 0x00, 0x00, 0x00, 0xC8, 0x00])
                == "interval 7.5 ms to 15 ms, latency 0, timeout 2000 ms")
        #expect(
            decode(0x2A04, [0x07, 0x00, 0x80, 0x0C, 0x04, 0x00, 0x80, 0x0C])
                == "interval 8.75 ms to 4000 ms, latency 4, timeout 32000 ms")
        #expect(
            decode(0x2A04, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
                == "interval any to any, latency any, timeout any")
        #expect(decode(0x2A04, [0x06, 0x00, 0x0C, 0x00, 0x00, 0x00, 0xC8]) == nil)
    }

    @Test func clientCharacteristicConfiguration() {
        #expect(decode(0x2902, [0x00, 0x00]) == "off")
        #expect(decode(0x2902, [0x01, 0x00]) == "notifications on")
        #expect(decode(0x2902, [0x02, 0x00]) == "indications on")
        #expect(decode(0x2902, [0x03, 0x00]) == "notifications and indications on")
        #expect(decode(0x2902, [0x05, 0x00]) == "notifications on (reserved bits 0x0004)")
        #expect(decode(0x2902, [0x00, 0x80]) == "off (reserved bits 0x8000)")
        #expect(decode(0x2902, [0x01]) == nil)
        #expect(decode(0x2902, [0x01, 0x00, 0x00]) == nil)
        #expect(CharacteristicFormat.descriptorValue(0x2902, value: [0x01, 0x00]) == "notifications on")
    }

    @Test func descriptorValueIsLimitedToDescriptors() {
        #expect(CharacteristicFormat.descriptorValue(0x2901, value: Array("Rate".utf8)) == "\"Rate\"")
        #expect(CharacteristicFormat.descriptorValue(0x2900, value: [0x01, 0x00]) == "reliable write")
        #expect(
            CharacteristicFormat.descriptorValue(0x2900, value: [0x03, 0x00]) == "reliable write, writable auxiliaries")
        #expect(CharacteristicFormat.descriptorValue(0x2900, value: [0x00, 0x00]) == "none")
        #expect(CharacteristicFormat.descriptorValue(0x2A19, value: [95]) == nil)
        // The Characteristic Presentation Format is decoded since the sensor decoders came (Sensors.swift).
        #expect(CharacteristicFormat.descriptorValue(0x2904, value: [0x04, 0x00, 0xAD, 0x27, 0x01, 0x00, 0x00]) == "uint8 %")
        #expect(CharacteristicFormat.descriptorValue(0x2905, value: [0x04, 0x00]) == nil)
    }

    @Test func smallerFormats() {
        #expect(decode(0x2A06, [0x00]) == "No Alert")
        #expect(decode(0x2A06, [0x02]) == "High Alert")
        #expect(decode(0x2A06, [0x03]) == "reserved (3)")
        #expect(decode(0x2A07, [0xF4]) == "-12 dBm")
        #expect(decode(0x2A07, [0x04]) == "4 dBm")
        #expect(
            decode(0x2A50, [0x01, 0x59, 0x00, 0x34, 0x12, 0x23, 0x01])
                == "Nordic Semiconductor ASA (0x0059), product 0x1234, version 1.2.3")
        #expect(
            decode(0x2A50, [0x02, 0x15, 0x19, 0x0A, 0x52, 0x00, 0x01])
                == "USB vendor 0x1915, product 0x520A, version 1.0.0")
        #expect(
            decode(0x2A50, [0x01, 0x66, 0x00, 0x01, 0x00, 0x00, 0x00])
                == "company (0x0066), product 0x0001, version 0.0.0")
        #expect(
            decode(0x2A50, [0x07, 0x66, 0x00, 0x01, 0x00, 0x00, 0x00])
                == "vendor 0x0066 (source 7), product 0x0001, version 0.0.0")
        #expect(decode(0x2A50, [0x01, 0x59, 0x00, 0x34, 0x12, 0x23]) == nil)
    }

    @Test func unsupportedUUIDsAreNil() {
        #expect(decode(0x180D, [0x00, 72]) == nil)  // a service UUID
        #expect(decode(0x2A39, [0x01]) == nil)  // Heart Rate Control Point: not rendered
        #expect(decode(0x0000, []) == nil)
    }

    /// `supportedUUIDs` lists exactly the UUIDs that decode something.
    @Test func supportedUUIDsAreExactlyTheDecodedOnes() {
        let probes: [[UInt8]] = [[], [0x01], [0x00, 0x01], [0x00, 0x00, 0x00], [0x00, 0x00, 0x00, 0x00], [0x01, 0x00, 0x00, 0x00],
                                 Array(repeating: 0, count: 6), [0x00, 0x00, 0x00, 0x00, 0xFF],
                                 [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], Array(repeating: 0, count: 8), Array(repeating: 0, count: 10)]
        var decoded: [UInt16] = []
        for uuid in UInt16.min...UInt16.max where probes.contains(where: { decode(uuid, $0) != nil }) {
            decoded.append(uuid)
        }
        #expect(decoded == CharacteristicFormat.supportedUUIDs)
    }

    /// 5000 random values of 0...24 bytes through every supported UUID: nothing traps, nothing raw comes out.
    @Test func randomValuesNeverTrapAndStayInert() {
        var random = SplitMix64(seed: 0x5EED_B1E7_0000_2A37)
        var rendered = 0
        for round in 0..<5000 {
            let count = Int(random.next() % 25)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 4 == 0, !bytes.isEmpty { bytes[0] &= 0x1F }  // plausible flags more often
            for uuid in CharacteristicFormat.supportedUUIDs {
                guard let text = decode(uuid, bytes) else { continue }
                rendered += 1
                let raw = text.unicodeScalars.filter { $0.properties.generalCategory == .control }
                #expect(raw.isEmpty, "uuid 0x\(String(uuid, radix: 16)) bytes \(bytes)")
            }
            #expect(BluetoothNumbers.name(forUUID128BigEndian: bytes) == nil || bytes.count == 16)
        }
        #expect(rendered > 5000)  // the strings alone render every value
    }
}

// MARK: - Helpers

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so the random test repeats exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// "6E400001-B5A3-F393-E0A9-E50E24DCCA9E" → 16 bytes, most significant first.
func uuidBytes(_ text: String) -> [UInt8] {
    let hex = Array(text.filter { $0 != "-" }.utf8)
    return stride(from: 0, to: hex.count - 1, by: 2).map {
        UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16) ?? 0
    }
}
