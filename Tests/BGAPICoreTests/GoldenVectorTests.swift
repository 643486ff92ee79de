import BGAPICore
import Testing

/// The public test vectors of the protocol reference §5, as golden bytes in both directions.
@Suite struct GoldenVectorTests {
    // §5.1 (1): tessel/bglib captured scan response.
    static let tesselScan = hex("80 26 06 00 | B9 00 6C BD 28 5D 1C D8 01 FF 1B 02 01 06 11 06 BA 56 89 A6 FA BF A2 BD 01 46 7D 6E 38 58 AB AD 05 16 0A 18 07 04")

    @Test func capturedTesselScanResponseDecodesFieldByField() throws {
        guard case let .event(.gapScanResponse(e)) = try decodeDeviceOutput(Self.tesselScan) else {
            Issue.record("not a gap_scan_response"); return
        }
        #expect(e.rssi == -71)
        #expect(e.packetType == .connectableAdvertisement)
        #expect(e.sender.description == "D8:1C:5D:28:BD:6C")
        #expect(e.addressType == .random)
        #expect(e.bond == .none)
        #expect(e.data.count == 27)
        #expect(Array(e.data.prefix(3)) == [0x02, 0x01, 0x06])
        #expect(Array(e.data.suffix(6)) == [0x05, 0x16, 0x0A, 0x18, 0x07, 0x04])
        #expect(try e.encodedBytes() == Self.tesselScan)
    }

    @Test func capturedTesselStreamOfFiveWithTruncatedLastYieldsFourAndReportsTheRest() {
        var stream: [UInt8] = []
        for rssi: UInt8 in [0xB9, 0xB5, 0xBF, 0xB6] {
            var p = Self.tesselScan
            p[4] = rssi
            stream += p
        }
        var last = Self.tesselScan
        last[4] = 0xB3
        stream += last.prefix(20) // the captured buffer cut the fifth packet short
        var decoder = BGAPIFrameDecoder(direction: .deviceToHost)
        let out = decoder.feed(stream, at: .zero)
        let rssis: [Int8] = out.compactMap {
            guard case let .packet(p) = $0, case let .event(.gapScanResponse(e))? = try? BGAPIMessage(decoding: p, direction: .deviceToHost) else { return nil }
            return e.rssi
        }
        #expect(rssis == [-71, -75, -65, -74])
        #expect(decoder.bufferedByteCount == 20)
        let expired = decoder.expire(at: .seconds(2))
        #expect(expired == [.discarded(BGAPIDiscardedBytes(bytes: Array(last.prefix(20)), reason: .interByteTimeout))])
    }

    @Test func pygattScanPacketDecodes() throws {
        let bytes = hex("80 22 06 00 | A6 00 15 13 0B D2 02 61 01 FF 17 02 01 06 13 FF 4C 00 0C 0E 00 64 27 26 3D A7 E2 80 87 00 4C C8 3C 4E")
        guard case let .event(.gapScanResponse(e)) = try decodeDeviceOutput(bytes) else { Issue.record("wrong type"); return }
        #expect(e.rssi == -90)
        #expect(e.sender.description == "61:02:D2:0B:13:15")
        #expect(e.addressType == .random)
        #expect(e.data.count == 23)
        #expect(Array(e.data[3 ... 6]) == [0x13, 0xFF, 0x4C, 0x00]) // manufacturer data, Apple 0x004C
        #expect(try e.encodedBytes() == bytes)
    }

    @Test func libeliumScanPacketDecodes() throws {
        let bytes = hex("80 0E 06 00 | C3 00 B9 C1 53 80 07 00 00 FF 03 02 01 06")
        let expected = GAPScanResponseEvent(rssi: -61, packetType: .connectableAdvertisement,
                                            sender: BluetoothAddress("00:07:80:53:C1:B9")!, addressType: .public,
                                            bond: .none, data: [0x02, 0x01, 0x06])
        #expect(try decodeDeviceOutput(bytes) == .event(.gapScanResponse(expected)))
        #expect(try expected.encodedBytes() == bytes)
    }

    @Test(arguments: [
        ("00 00 00 01", BGAPIResponse.systemHello(SystemHelloResponse())),
        ("00 00 00 0C", .systemWhitelistClear(SystemWhitelistClearResponse())),
        ("00 00 07 0C", .hardwareSetTXPower(HardwareSetTXPowerResponse())),
        ("00 00 05 01", .smSetBondableMode(SMSetBondableModeResponse())),
        ("00 00 05 03", .smSetParameters(SMSetParametersResponse())),
    ])
    func zeroPayloadResponses(bytes: String, expected: BGAPIResponse) throws {
        #expect(try decodeDeviceOutput(hex(bytes)) == .response(expected))
        #expect(try expected.packet().bytes == hex(bytes))
    }

    @Test func truncatedSystemBootHeaderParsesButPayloadIsShort() throws {
        let bytes = hex("80 0C 00 00 | 01 00 02 00 01 00 03 00 01 01")
        let header = BGAPIHeader(bytes[0], bytes[1], bytes[2], bytes[3])
        #expect(header.messageType == .event && header.payloadLength == 12 && header.messageClass == .system)
        #expect(throws: BGAPIDecodingError.lengthMismatch(declared: 12, actual: 10)) { try BGAPIPacket(bytes: bytes) }
        #expect(throws: BGAPIDecodingError.payloadTooShort(message: "system_boot", field: "protocol_version", needed: 1, remaining: 0)) {
            try SystemBootEvent(payload: Array(bytes[4...]))
        }
    }

    // §5.2: host→device encodings found in other libraries.
    @Test(arguments: [
        ("00 02 06 01 | 02 02", BGAPICommand.gapSetMode(.init(discover: .generalDiscoverable, connect: .undirectedConnectable))),
        ("00 00 00 01", .systemHello(.init())),
        ("00 08 04 01 | 00 01 00 FF FF 02 00 28", .attClientReadByGroupType(.init(connection: ConnectionHandle(0), start: .first, end: .last, uuid: BluetoothUUID(0x2800)))),
        ("00 01 09 00 | 00", .dfuReset(.init(dfu: false))),
        ("00 0F 06 03 | 6C BD 28 5D 1C D8 01 19 00 32 00 F4 01 08 00", .gapConnectDirect(.init(address: BluetoothAddress("D8:1C:5D:28:BD:6C")!, addressType: .random, connIntervalMin: 25, connIntervalMax: 50, timeout: 500, latency: 8))),
        // pygatt's start/scan/connect sequence (§5.2 item 11)
        ("00 01 00 00 | 00", .systemReset(.init(bootInDFU: false))),
        ("00 02 06 01 | 00 00", .gapSetMode(.init(discover: .nonDiscoverable, connect: .nonConnectable))),
        ("00 01 05 01 | 00", .smSetBondableMode(.init(bondable: false))),
        ("00 00 06 04", .gapEndProcedure(.init())),
        ("00 05 06 07 | 4B 00 32 00 01", .gapSetScanParameters(.init(scanInterval: 75, scanWindow: 50, active: true))),
        ("00 01 06 02 | 02", .gapDiscover(.init(mode: .observation))),
        ("00 0F 06 03 | AB 89 67 45 23 01 00 3C 00 4C 00 64 00 00 00", .gapConnectDirect(.init(address: BluetoothAddress("01:23:45:67:89:AB")!, addressType: .public, connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0))),
        ("00 05 04 03 | 00 01 00 FF FF", .attClientFindInformation(.init(connection: ConnectionHandle(0), start: .first, end: .last))),
        ("00 06 04 05 | 00 2A 00 02 01 00", .attClientAttributeWrite(.init(connection: ConnectionHandle(0), attHandle: AttributeHandle(0x2A), data: [0x01, 0x00]))),
        // iotile (§5.2 item 12)
        ("00 01 03 00 | 01", .connectionDisconnect(.init(connection: ConnectionHandle(1)))),
    ])
    func hostEncodings(bytes: String, command: BGAPICommand) throws {
        #expect(try command.packet().bytes == hex(bytes))
        #expect(try decodeHostOutput(hex(bytes)) == .command(command))
    }

    @Test func uartPacketModeVectorsAreThePlainPacketWithALengthPrefix() throws {
        // §5.2 items 6, 7, 9: packet mode prefixes the host's packet with its total length.
        let setMode = try GAPSetModeCommand(discover: .generalDiscoverable, connect: .undirectedConnectable).encodedBytes()
        #expect([UInt8(setMode.count)] + setMode == hex("06 | 00 02 06 01 | 02 02"))
        let hello = try SystemHelloCommand().encodedBytes()
        #expect([UInt8(hello.count)] + hello == hex("04 | 00 00 00 01"))
        let reboot = try DFUResetCommand(dfu: false).encodedBytes()
        #expect([UInt8(reboot.count)] + reboot == hex("05 | 00 01 09 00 | 00"))
    }

    // §5.3: pygatt's mock device output, where it matches the spec.
    @Test(arguments: [
        ("80 0C 00 00 | 01 00 02 00 03 00 04 00 05 00 06 07", BGAPIMessage.event(.systemBoot(.init(major: 1, minor: 2, patch: 3, build: 4, llVersion: 5, protocolVersion: 6, hw: 7)))),
        ("80 10 03 00 | 00 05 01 23 45 67 89 AB 00 14 00 06 00 00 00 FF", .event(.connectionStatus(.init(connection: ConnectionHandle(0), flags: [.connected, .completed], address: BluetoothAddress("AB:89:67:45:23:01")!, addressType: .public, connInterval: 0x14, timeout: 6, latency: 0, bonding: .none)))),
        ("80 05 04 01 | 00 00 00 FF FF", .event(.attClientProcedureCompleted(.init(connection: ConnectionHandle(0), result: .success, chrHandle: .last)))),
        ("80 03 03 04 | 00 13 02", .event(.connectionDisconnected(.init(connection: ConnectionHandle(0), reason: .remoteUserTerminatedConnection)))),
        ("80 03 03 04 | 01 3E 02", .event(.connectionDisconnected(.init(connection: ConnectionHandle(1), reason: .connectionFailedToBeEstablished)))),
        ("00 02 06 04 | 81 01", .response(.gapEndProcedure(.init(result: .wrongState)))),
        ("00 03 03 00 | 00 86 01", .response(.connectionDisconnect(.init(connection: ConnectionHandle(0), result: .notConnected)))),
        ("00 03 06 03 | 00 00 00", .response(.gapConnectDirect(.init(result: .success, connectionHandle: ConnectionHandle(0))))),
        ("00 01 05 05 | 05", .response(.smGetBonds(.init(bonds: 5)))),
        ("80 04 05 04 | 03 00 00 00", .event(.smBondStatus(.init(bond: BondHandle(rawValue: 3), keySize: 0, mitm: false, keys: [])))),
        ("00 02 03 01 | 00 B0", .response(.connectionGetRSSI(.init(connection: ConnectionHandle(0), rssi: -80)))),
    ])
    func pygattMockOutput(bytes: String, expected: BGAPIMessage) throws {
        #expect(try decodeDeviceOutput(hex(bytes)) == expected)
        #expect(try expected.packet().bytes == hex(bytes))
    }

    @Test func pygattMockBuilderLengthQuirkIsADecodeErrorNotACrash() {
        // §5.3 caveat: pygatt's test builders count the u8[] prefix in itself (len + 1); real devices do not.
        let quirky = hex("80 07 04 05 | 00 2A 00 01 03 01 02") // attribute_value claiming 3 data bytes, carrying 2
        #expect(throws: BGAPIDecodingError.arrayOverrun(message: "attclient_attribute_value", field: "value", declared: 3, remaining: 2)) {
            try decodeDeviceOutput(quirky)
        }
        var decoder = BGAPIFrameDecoder(direction: .deviceToHost)
        let out = decoder.feed(quirky, at: .zero) + decoder.expire(at: .seconds(5))
        #expect(out.first == .discarded(BGAPIDiscardedBytes(bytes: [0x80], reason: .malformedPayload)))
        let dropped = out.flatMap { output -> [UInt8] in
            guard case let .discarded(d) = output else { Issue.record("unexpected packet \(output)"); return [] }
            return d.bytes
        }
        #expect(dropped == quirky)
    }
}
