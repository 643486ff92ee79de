import BGAPICore
import Testing

@Suite struct AdvertisingDataTests {
    @Test func heartRateAdvert() {
        let bytes = hex("02 01 06 | 05 03 0D 18 0F 18 | 04 09 48 52 4D")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.structures.map(\.type) == [.flags, .complete16BitServiceUUIDs, .completeLocalName])
        #expect(ad.flags == [.leGeneralDiscoverable, .brEDRNotSupported])
        #expect(ad.flags?.description == "LE General Discoverable, BR/EDR Not Supported")
        #expect(ad.serviceUUIDs == [BluetoothUUID(0x180D), BluetoothUUID(0x180F)])
        #expect(ad.structures[1].value == .serviceUUIDs([BluetoothUUID(0x180D), BluetoothUUID(0x180F)], complete: true))
        #expect(ad.localName == "HRM")
        #expect(ad.isNameComplete)
        #expect(ad.truncation == nil && ad.padding.isEmpty)
        #expect(ad.txPowerLevel == nil && ad.appearance == nil && ad.manufacturerData.isEmpty)
        #expect(ad.encodedBytes == bytes)
    }

    @Test func scanResponseWith128BitListAndManufacturerData() {
        let bytes = hex("11 07 9E CA DC 24 0E E5 A9 E0 93 F3 A3 B5 01 00 40 6E | 05 FF 59 00 01 02 | 02 0A F4")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.serviceUUIDs.map(\.description) == ["6E400001-B5A3-F393-E0A9-E50E24DCCA9E"])
        #expect(ad.structures[0].value == .serviceUUIDs(ad.serviceUUIDs, complete: true))
        #expect(ad.manufacturerData == [ManufacturerData(companyID: 0x0059, data: [0x01, 0x02])])
        #expect(ad.manufacturerData.first?.iBeacon == nil)
        #expect(ad.txPowerLevel == -12)
        #expect(ad.localName == nil && !ad.isNameComplete && ad.flags == nil)
        #expect(ad.encodedBytes == bytes)
    }

    @Test func repeatedManufacturerDataIsAllKept() {
        let ad = AdvertisingData(bytes: hex("04 FF 4C 00 AA | 05 FF 06 00 01 02 | 03 FF 4C 00"))
        #expect(ad.manufacturerData == [
            ManufacturerData(companyID: 0x004C, data: [0xAA]),
            ManufacturerData(companyID: 0x0006, data: [0x01, 0x02]),
            ManufacturerData(companyID: 0x004C, data: []),
        ])
    }

    @Test func unknownTypeIsKeptRaw() {
        let bytes = hex("04 42 01 02 03 | 03 0D 01 02")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.structures[0].type == ADType(rawValue: 0x42))
        #expect(ad.structures[0].type.name == "AD type 0x42")
        #expect(!ad.structures[0].type.isKnown)
        #expect(ad.structures[0].value == .raw([1, 2, 3]))
        // A known type this parser does not interpret is raw too.
        #expect(ad.structures[1].type == .classOfDevice && ad.structures[1].value == .raw([1, 2]))
        #expect(ad.encodedBytes == bytes)
    }

    @Test func typeNamesAndFlagDescriptions() {
        #expect(ADType.completeLocalName.name == "Complete Local Name")
        #expect(ADType.manufacturerSpecificData.description == "Manufacturer Specific Data")
        #expect(ADType.deviceID == ADType.securityManagerTKValue)
        #expect(ADType(rawValue: 0x0B).name == "AD type 0x0B")
        #expect(ADFlags(rawValue: 0).description == "none")
        #expect(ADFlags(rawValue: 0x21).description == "LE Limited Discoverable, reserved 0x20")
        #expect(ADFlags(rawValue: 0x18).description == "LE and BR/EDR Controller, LE and BR/EDR Host")
    }

    @Test func broadcastName() {
        let ad = AdvertisingData(bytes: hex("0A 30") + Array("Lobby TV 1".utf8.prefix(9)))
        #expect(ad.structures.map(\.type) == [.broadcastName])
        #expect(ad.structures[0].value == .broadcastName("Lobby TV "))
        #expect(ad.structures[0].type.name == "Broadcast_Name")
        #expect(ad.localName == nil)
    }

    @Test func truncatedLastStructureIsReportedWithItsOffset() {
        let bytes = hex("02 01 06 | 09 09 41 42 43")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.structures.count == 1)
        #expect(ad.truncation == ADTruncation(offset: 3, declaredLength: 9, bytes: hex("09 41 42 43")))
        #expect(ad.truncation?.type == .completeLocalName)
        #expect(ad.truncation?.missingByteCount == 5)
        #expect(ad.localName == nil)
        #expect(ad.encodedBytes == bytes)

        let lengthOnly = AdvertisingData(bytes: [0x05])
        #expect(lengthOnly.truncation == ADTruncation(offset: 0, declaredLength: 5, bytes: []))
        #expect(lengthOnly.truncation?.type == nil)
        #expect(lengthOnly.encodedBytes == [0x05])
    }

    @Test func zeroLengthEndsParsingAndIsKeptAsPadding() {
        let bytes = hex("02 01 06 | 00 00 03 09 41 42")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.structures.map(\.type) == [.flags])
        #expect(ad.padding == hex("00 00 03 09 41 42"))
        #expect(ad.truncation == nil)
        #expect(ad.localName == nil)
        #expect(ad.encodedBytes == bytes)

        let empty = AdvertisingData(bytes: [UInt8]())
        #expect(empty == AdvertisingData() && empty.encodedBytes.isEmpty)
    }

    @Test func wrongLengthsAreMalformedButKept() {
        let bytes = hex("04 03 0D 18 0F | 01 01 | 03 0A 01 02 | 02 19 41 | 04 05 01 02 03 | 05 06 01 02 03 04")
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.structures.count == 6)
        #expect(ad.structures[0].value == .malformed(
            reason: "Complete List of 16-bit Service UUIDs: expected a multiple of 2 bytes, got 3", hex("0D 18 0F")))
        #expect(ad.structures[1].value == .malformed(reason: "Flags with no data", []))
        guard case let .malformed(_, txBytes) = ad.structures[2].value else {
            Issue.record("two-byte TX power should be malformed")
            return
        }
        #expect(txBytes == [0x01, 0x02])
        #expect(ad.structures[3].data == [0x41])
        for structure in ad.structures {
            guard case .malformed = structure.value else {
                Issue.record("\(structure.type) should be malformed")
                continue
            }
        }
        #expect(ad.serviceUUIDs.isEmpty && ad.flags == nil && ad.txPowerLevel == nil && ad.appearance == nil)
        #expect(ad.encodedBytes == bytes)
    }

    @Test func invalidUTF8NameIsDecodedWithReplacementCharacters() {
        let ad = AdvertisingData(bytes: hex("07 09 41 FF 42 C3 28 07"))
        #expect(ad.localName == "A\u{FFFD}B\u{FFFD}(\u{7}")
        #expect(ad.isNameComplete)
        #expect(ad.encodedBytes == hex("07 09 41 FF 42 C3 28 07"))
    }

    @Test func shortenedNameIsTheFallbackAndCompleteWins() {
        let short = AdvertisingData(bytes: hex("03 08 48 52"))
        #expect(short.localName == "HR" && !short.isNameComplete)
        let both = AdvertisingData(bytes: hex("03 08 48 52 | 04 09 48 52 4D"))
        #expect(both.localName == "HRM" && both.isNameComplete)
        let emptyName = AdvertisingData(bytes: hex("01 09"))
        #expect(emptyName.localName == "" && emptyName.isNameComplete)
    }

    @Test func otherDecodedTypes() {
        let bytes = hex("""
            05 05 78 56 34 12 | 03 14 0A 18 | 02 0A 81 | 03 19 C1 03 | 03 1A A0 00 | 05 12 06 00 80 0C |
            0B 24 17 2F 2F 62 6C 65 78 2E 69 6F | 06 20 78 56 34 12 09 | 03 16 0D 18
            """)
        let ad = AdvertisingData(bytes: bytes)
        #expect(ad.serviceUUIDs == [BluetoothUUID(littleEndianBytes: hex("78 56 34 12"))])
        #expect(ad.serviceUUIDs.first?.description == "12345678")
        #expect(ad.structures[1].value == .solicitedServiceUUIDs([BluetoothUUID(0x180A)]))
        #expect(ad.txPowerLevel == -127)
        #expect(ad.appearance == 0x03C1)
        #expect(ad.structures[4].value == .advertisingInterval(units625Microseconds: 160))
        #expect(ad.structures[5].value == .connectionIntervalRange(min: 6, max: 0x0C80))
        #expect(ad.structures[6].value == .uri("https://blex.io"))
        #expect(ad.serviceData == [
            ServiceData(uuid: BluetoothUUID(littleEndianBytes: hex("78 56 34 12")), data: [0x09]),
            ServiceData(uuid: BluetoothUUID(0x180D), data: []),
        ])
        #expect(ad.encodedBytes == bytes)
        #expect(AdvertisingData(bytes: hex("03 24 01 61")).structures[0].value == .uri("a"))
        #expect(AdvertisingData(bytes: hex("03 24 02 61")).structures[0].value == .uri("\u{2}a"))
    }

    @Test func iBeacon() throws {
        let bytes = hex("02 01 06 | 1A FF 4C 00 02 15 F7 82 6D A6 4F A2 4E 98 80 24 BC 5B 71 E0 89 3E 00 01 00 0B C5")
        let ad = AdvertisingData(bytes: bytes)
        let beacon = try #require(ad.manufacturerData.first?.iBeacon)
        #expect(beacon.proximityUUID.description == "F7826DA6-4FA2-4E98-8024-BC5B71E0893E")
        #expect(beacon.proximityUUID == BluetoothUUID("F7826DA6-4FA2-4E98-8024-BC5B71E0893E"))
        #expect(beacon.major == 1 && beacon.minor == 11 && beacon.measuredPower == -59)
        #expect(ad.encodedBytes == bytes)

        let data = ad.manufacturerData[0].data
        #expect(ManufacturerData(companyID: 0x004C, data: Array(data.dropLast())).iBeacon == nil)
        #expect(ManufacturerData(companyID: 0x004D, data: data).iBeacon == nil)
        #expect(ManufacturerData(companyID: 0x004C, data: [0x02]).iBeacon == nil)
        #expect(ManufacturerData(companyID: 0x004C, data: [0x12, 0x02, 0x00]).iBeacon == nil)
    }

    @Test func eddystoneURL() {
        // 07 is ".com" and 00 is ".com/", so the frame from the brief spells ".com" twice.
        let ad = AdvertisingData(bytes: hex("03 03 AA FE | 0C 16 AA FE 10 EE 03 62 6C 65 78 07 00"))
        #expect(ad.serviceUUIDs == [BluetoothUUID(0xFEAA)])
        #expect(ad.serviceData.first?.eddystone == .url(txPower: -18, url: "https://blex.com.com/"))

        func url(_ frame: String) -> Eddystone? { ServiceData(uuid: BluetoothUUID(0xFEAA), data: hex(frame)).eddystone }
        #expect(url("10 EE 03 62 6C 65 78 00") == .url(txPower: -18, url: "https://blex.com/"))
        #expect(url("10 00 00 61 0D") == .url(txPower: 0, url: "http://www.a.gov"))
        #expect(url("10 F8 02") == .url(txPower: -8, url: "http://"))
        #expect(url("10 F8 04 61") == .other(frameType: 0x10, hex("F8 04 61")))
        #expect(url("10 F8 03 61 0E") == .other(frameType: 0x10, hex("F8 03 61 0E")))
        #expect(url("10 F8 03 61 80") == .other(frameType: 0x10, hex("F8 03 61 80")))
        #expect(url("10 F8") == .other(frameType: 0x10, [0xF8]))
        #expect(url("") == nil)
        #expect(ServiceData(uuid: BluetoothUUID(0xFEAB), data: hex("10 EE 03 62")).eddystone == nil)
    }

    @Test func eddystoneTLM() throws {
        let ad = AdvertisingData(bytes: hex("03 03 AA FE | 11 16 AA FE 20 00 0B B8 19 80 00 00 04 D2 00 00 30 39"))
        guard case let .tlm(t) = try #require(ad.serviceData.first?.eddystone) else {
            Issue.record("expected a TLM frame")
            return
        }
        #expect(t == Eddystone.Telemetry(version: 0, batteryMillivolts: 3000, temperature: 0x1980,
                                         advertisingCount: 1234, uptimeDeciseconds: 12345))
        #expect(t.temperatureCelsius == 25.5)

        func frame(_ text: String) -> Eddystone? { ServiceData(uuid: BluetoothUUID(0xFEAA), data: hex(text)).eddystone }
        let coldNoSensor = try #require(frame("20 00 00 00 80 00 00 00 00 01 00 00 00 02"))
        guard case let .tlm(cold) = coldNoSensor else {
            Issue.record("expected a TLM frame")
            return
        }
        #expect(cold.temperatureCelsius == nil && cold.batteryMillivolts == 0)
        #expect(frame("20 00 FF FF F0 00 00 00 00 01 00 00 00 02").flatMap {
            if case let .tlm(t) = $0 { t.temperatureCelsius } else { nil }
        } == -16)
        // Truncated, and encrypted (version 1), TLM frames stay as `.other`.
        #expect(frame("20 00 0B B8 19") == .other(frameType: 0x20, hex("00 0B B8 19")))
        #expect(frame("20 01 0B B8 19 80 00 00 04 D2 00 00 30 39 AA AA") ==
            .other(frameType: 0x20, hex("01 0B B8 19 80 00 00 04 D2 00 00 30 39 AA AA")))
    }

    @Test func eddystoneUIDAndOtherFrames() {
        func frame(_ text: String) -> Eddystone? { ServiceData(uuid: BluetoothUUID(0xFEAA), data: hex(text)).eddystone }
        let uid = "00 E7 01 02 03 04 05 06 07 08 09 0A 11 12 13 14 15 16"
        #expect(frame(uid) == .uid(txPower: -25, namespace: hex("01 02 03 04 05 06 07 08 09 0A"),
                                   instance: hex("11 12 13 14 15 16")))
        #expect(frame(uid + " 00 00") == frame(uid))
        #expect(frame("00 E7 01 02") == .other(frameType: 0x00, hex("E7 01 02")))
        #expect(frame("30 01 02") == .other(frameType: 0x30, hex("01 02")))
        // A 128-bit UUID on the Bluetooth Base UUID that is 0xFEAA counts too.
        let long = BluetoothUUID("0000FEAA-0000-1000-8000-00805F9B34FB")!
        #expect(ServiceData(uuid: long, data: hex("30")).eddystone == .other(frameType: 0x30, []))
    }

    @Test func structuresBuiltByHandEncode() {
        var ad = AdvertisingData(structures: [
            ADStructure(type: .flags, data: [0x06]),
            ADStructure(type: .completeLocalName, data: Array("blex".utf8)),
        ])
        #expect(ad.encodedBytes == hex("02 01 06 05 09 62 6C 65 78"))
        #expect(AdvertisingData(bytes: ad.encodedBytes) == ad)
        ad.structures[1].data = Array(repeating: 0x41, count: 300)
        #expect(ad.encodedBytes.count == 3 + 1 + 255)
        #expect(ad.encodedBytes[3] == 0xFF)
    }

    /// Half uniform noise, half AD-shaped bytes (small lengths, known types, beacon prefixes), cut to `length`.
    static func randomPayload(_ rng: inout SplitMix64, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        if rng.below(2) == 0 {
            while out.count < length { out.append(rng.byte()) }
            return out
        }
        let types: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x12, 0x14, 0x15, 0x16,
                              0x19, 0x1A, 0x1F, 0x20, 0x21, 0x24, 0x30, 0x42, 0xFF]
        let prefixes: [[UInt8]] = [[], [0xAA, 0xFE, 0x00], [0xAA, 0xFE, 0x10], [0xAA, 0xFE, 0x20, 0x00],
                                   [0x4C, 0x00, 0x02, 0x15], [0x17], [0xC3], [0xFF]]
        while out.count < length {
            if rng.below(25) == 0 { out.append(0) }
            var body = prefixes[rng.below(prefixes.count)]
            let extra = rng.below(4) == 0 ? rng.below(24) : rng.below(6)
            for _ in 0 ..< extra { body.append(rng.byte()) }
            out += [UInt8(body.count + 1), types[rng.below(types.count)]] + body
        }
        return Array(out.prefix(length))
    }

    @Test func randomBytesNeverTrapAndRoundTrip() {
        var rng = SplitMix64(seed: 0x00B1_E5ED)
        var structureCount = 0, truncations = 0, paddings = 0, decodedBeacons = 0
        for _ in 0 ..< 2000 {
            let input = Self.randomPayload(&rng, length: rng.below(41))
            let ad = AdvertisingData(bytes: input)
            #expect(ad.encodedBytes == input, "\(input)")
            #expect(AdvertisingData(bytes: ad.encodedBytes) == ad)
            #expect(ad.truncation == nil || ad.padding.isEmpty)
            #expect(ad.padding.first ?? 0 == 0)
            if let t = ad.truncation { #expect(t.missingByteCount > 0) }
            // Touch every decoder.
            _ = (ad.localName, ad.isNameComplete, ad.flags?.description, ad.serviceUUIDs.map(\.description),
                 ad.txPowerLevel, ad.appearance, ad.structures.map(\.type.name))
            decodedBeacons += ad.manufacturerData.compactMap(\.iBeacon).count
            decodedBeacons += ad.serviceData.compactMap(\.eddystone).count
            structureCount += ad.values.count
            truncations += ad.truncation == nil ? 0 : 1
            paddings += ad.padding.isEmpty ? 0 : 1
        }
        // The generator reaches every path, not just truncation.
        #expect(structureCount > 1000 && truncations > 100 && paddings > 20 && decodedBeacons > 10)
    }
}

extension SplitMix64 {
    /// A number in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// A random byte.
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}
