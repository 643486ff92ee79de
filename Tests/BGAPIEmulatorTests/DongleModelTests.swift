import BGAPICore
@testable import BGAPIEmulator
import Testing

let hrm = "C4:7C:8D:6A:10:01", thermo = "D0:5F:B8:22:33:02", uart = "E8:9F:6D:10:20:03"
let longDevice = "F0:12:34:56:78:04", lock = "C8:DF:84:AA:00:05", tag = "F5:4A:3B:2C:1D:08"

@Suite struct SystemAndGAPTests {
    @Test func pygattStartSequenceAndIdentity() throws {
        var h = try Harness()
        #expect(h.send(.systemReset(.init(bootInDFU: false))).isEmpty) // no response, nothing after
        #expect(h.resets == 1)
        #expect(h.send(.gapSetMode(.init(discover: .nonDiscoverable, connect: .nonConnectable))) == [.response(.gapSetMode(.init(result: .success)))])
        #expect(h.send(.smSetBondableMode(.init(bondable: false))) == [.response(.smSetBondableMode(.init()))])
        #expect(h.send(.gapEndProcedure(.init())) == [.response(.gapEndProcedure(.init(result: .wrongState)))])
        #expect(h.send(.systemAddressGet(.init())) == [.response(.systemAddressGet(.init(address: BluetoothAddress("00:07:80:B1:E0:01")!)))])
        guard case let .response(.systemGetInfo(info))? = h.send(.systemGetInfo(.init())).first else { Issue.record("no info"); return }
        #expect(info.major == 1 && info.minor == 7)
    }

    @Test func getConnectionsReportsEverySlot() throws {
        var h = try Harness()
        let out = h.send(.systemGetConnections(.init()))
        #expect(out.first == .response(.systemGetConnections(.init(maxConn: 3))))
        let statuses = out.compactMap { if case let .event(.connectionStatus(s)) = $0 { s } else { nil } }
        #expect(statuses.map(\.connection.rawValue) == [0, 1, 2])
        #expect(statuses.allSatisfy { $0.flags.isEmpty })
    }

    @Test func scanFindsTheDemoWorldWithScanResponsesAndSaneRSSI() throws {
        var h = try Harness()
        let reports = h.scan(for: .seconds(2))
        let senders = Set(reports.map(\.sender.description))
        #expect(senders.count == 9) // the walker appears only after 15 s
        #expect(reports.allSatisfy { (-103 ... -38).contains($0.rssi) })
        #expect(reports.contains { $0.packetType == .scanResponse && $0.sender.description == hrm })
        #expect(reports.contains { $0.packetType == .nonConnectableAdvertisement && $0.sender.description == "D6:1E:0B:EA:C0:06" })
        #expect(reports.contains { $0.addressType == .random && $0.sender.description == tag })
        // Advertising follows each device's interval: the 100 ms HRM is heard far more often than the 700 ms one.
        let hrmCount = reports.filter { $0.sender.description == hrm && $0.packetType == .connectableAdvertisement }.count
        let hostileCount = reports.filter { $0.sender.description == "DE:AD:BE:EF:00:09" }.count
        #expect(hrmCount >= 15 && hostileCount <= 4)
    }

    @Test func passiveScanHasNoScanResponsesAndDuplicateFilteringReportsOnce() throws {
        var h = try Harness()
        #expect(!h.scan(for: .seconds(1), active: false).contains { $0.packetType == .scanResponse })
        _ = h.send(.gapSetFiltering(.init(scanPolicy: .all, advPolicy: .all, scanDuplicateFiltering: true)))
        let reports = h.scan(for: .seconds(2))
        #expect(reports.filter { $0.sender.description == hrm }.count == 2) // one ADV_IND, one SCAN_RSP
    }

    @Test func discoverModesFilterByADFlags() throws {
        var h = try Harness()
        // Only the iBeacon has flags 0x04 (no discoverable bit): generic discovery skips it, observation sees it.
        #expect(!h.scan(for: .seconds(1), mode: .generic).contains { $0.sender.description == "D6:1E:0B:EA:C0:06" })
        #expect(h.scan(for: .seconds(1), mode: .limited).isEmpty)
        #expect(h.scan(for: .seconds(1), mode: .observation).contains { $0.sender.description == "D6:1E:0B:EA:C0:06" })
    }

    @Test func discoverTwiceIsWrongState() throws {
        var h = try Harness()
        #expect(h.send(.gapDiscover(.init(mode: .generic))) == [.response(.gapDiscover(.init(result: .success)))])
        #expect(h.send(.gapDiscover(.init(mode: .generic))) == [.response(.gapDiscover(.init(result: .wrongState)))])
    }

    @Test(arguments: [
        (UInt16(5), UInt16(76), UInt16(100), UInt16(0)),   // interval below 6
        (80, 76, 100, 0),                                   // min > max
        (60, 76, 9, 0),                                     // timeout below 10
        (60, 76, 100, 501),                                 // latency above 500
        (60, 3200, 100, 0),                                 // timeout not above 2 × interval
    ])
    func connectDirectValidatesParameters(min: UInt16, max: UInt16, timeout: UInt16, latency: UInt16) throws {
        var h = try Harness()
        let out = h.send(.gapConnectDirect(.init(address: BluetoothAddress(hrm)!, addressType: .public,
                                                 connIntervalMin: min, connIntervalMax: max, timeout: timeout, latency: latency)))
        #expect(out == [.response(.gapConnectDirect(.init(result: .invalidParameter, connectionHandle: ConnectionHandle(0))))])
    }

    @Test func connectToAnAbsentDeviceProducesNoEventUntilCancelled() throws {
        var h = try Harness()
        let out = h.send(.gapConnectDirect(.init(address: BluetoothAddress("12:34:56:78:9A:BC")!, addressType: .public,
                                                 connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0)))
        #expect(out == [.response(.gapConnectDirect(.init(result: .success, connectionHandle: ConnectionHandle(0))))])
        #expect(h.advance(by: .seconds(10)).isEmpty)
        #expect(h.send(.gapEndProcedure(.init())) == [.response(.gapEndProcedure(.init(result: .success)))])
        #expect(h.send(.gapEndProcedure(.init())) == [.response(.gapEndProcedure(.init(result: .wrongState)))])
    }

    @Test func connectionLimitIs0x0209AndDisconnectFreesASlot() throws {
        var h = try Harness()
        let handles = [hrm, thermo, uart].compactMap { h.connect($0) }
        #expect(handles.map(\.rawValue) == [0, 1, 2])
        #expect(h.send(.gapConnectDirect(.init(address: BluetoothAddress(longDevice)!, addressType: .public,
                                               connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0)))
                == [.response(.gapConnectDirect(.init(result: .connectionLimitExceeded, connectionHandle: ConnectionHandle(0))))])
        let out = h.send(.connectionDisconnect(.init(connection: handles[1])))
        #expect(out == [.response(.connectionDisconnect(.init(connection: handles[1], result: .success))),
                        .event(.connectionDisconnected(.init(connection: handles[1], reason: .success)))])
        #expect(h.connect(longDevice) == handles[1])
        #expect(h.send(.connectionDisconnect(.init(connection: ConnectionHandle(7)))) ==
                [.response(.connectionDisconnect(.init(connection: ConnectionHandle(7), result: .notConnected)))])
    }

    @Test func maxConnectionsIsConfigurableUpToEight() throws {
        var scenario = try Scenario.load("demo")
        scenario.dongle.maxConnections = 8
        var h = try Harness(scenario)
        #expect(h.send(.systemGetConnections(.init())).first == .response(.systemGetConnections(.init(maxConn: 8))))
        scenario.dongle.maxConnections = 9
        #expect(throws: ScenarioError.self) { _ = try DongleModel(scenario: scenario) }
    }

    @Test func connectionStatusCarriesTheNegotiatedParametersAndUpdateReportsAChange() throws {
        var h = try Harness()
        guard let c = h.connect(hrm) else { Issue.record("no connection"); return }
        _ = h.send(.connectionGetStatus(.init(connection: c)))
        let out = h.exchange(.connectionUpdate(.init(connection: c, intervalMin: 24, intervalMax: 40, latency: 2, timeout: 400)), settle: .seconds(1))
        #expect(out.first == .response(.connectionUpdate(.init(connection: c, result: .success))))
        guard case let .event(.connectionStatus(s))? = out.last else { Issue.record("no status after update"); return }
        #expect(s.flags == [.connected, .parametersChange] && s.connInterval == 40 && s.latency == 2 && s.timeout == 400)
    }

    @Test func resetDropsLinksSilentlyButKeepsBonds() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        guard let c = h.connect(thermo) else { Issue.record("no connection"); return }
        _ = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(h.send(.systemReset(.init(bootInDFU: false))).isEmpty)
        #expect(h.advance(by: .seconds(5)).isEmpty, "nothing may be sent after a reset")
        #expect(h.send(.connectionGetRSSI(.init(connection: c))) == [.response(.connectionGetRSSI(.init(connection: c, rssi: 0)))])
        #expect(h.send(.smGetBonds(.init())).first == .response(.smGetBonds(.init(bonds: 1))))
    }

    @Test func unknownCommandsAndNonBLED112FeaturesAlwaysGetAnAnswer() throws {
        var h = try Harness()
        let unknown = BGAPIPacket(messageType: .commandOrResponse, messageClass: .gap, messageID: 0x40, payload: [])
        #expect(h.send(.unknown(unknown)) == [.event(.systemProtocolError(.init(reason: .invalidCommand)))])
        #expect(h.send(.hardwareIOPortWrite(.init(port: 0, mask: 1, data: 1))) == [.response(.hardwareIOPortWrite(.init(result: .success)))])
        #expect(h.send(.hardwareSPITransfer(.init(channel: 0, data: [1]))) == [.response(.hardwareSPITransfer(.init(result: .notImplemented, channel: 0, data: [])))])
        #expect(h.send(.dfuFlashUpload(.init(data: [1, 2]))) == [.response(.dfuFlashUpload(.init(result: .wrongState)))])
        #expect(h.send(.systemEndpointTX(.init(endpoint: 3, data: [1]))) == [.response(.systemEndpointTX(.init(result: .notImplemented)))])
    }

    @Test func everyCommandOfTheAPIGetsExactlyOneResponseOrIsAReset() throws {
        var h = try Harness()
        for type in BGAPIMessageCatalog.allPayloadTypes where type.descriptor.kind == .command {
            let fields = Dictionary(uniqueKeysWithValues: type.descriptor.fields.map { f -> (String, BGAPIFieldValue) in
                switch f.wireType {
                case .uint8Array: (f.name, .bytes([1, 0]))
                case .address: (f.name, .bytes([1, 2, 3, 4, 5, 6]))
                case .int8, .int16: (f.name, .signed(1))
                default: (f.name, .unsigned(1))
                }
            })
            let message = try type.init(fields: fields)
            let command = try BGAPICommand(decoding: message.packet())
            let out = h.send(command)
            let responses = out.filter { if case .response = $0 { true } else { false } }
            let isReset = ["system_reset", "system_delay_reset", "dfu_reset"].contains(type.descriptor.name)
            #expect(responses.count == (isReset ? 0 : 1), "\(type.descriptor.name)")
            if case let .response(r)? = responses.first {
                #expect(r.payload.map { Swift.type(of: $0).descriptor.name } == type.descriptor.name)
            }
        }
    }

    @Test func softTimerFiresRepeatedly() throws {
        var h = try Harness()
        _ = h.send(.hardwareSetSoftTimer(.init(time: 32_000, handle: 4, singleShot: false)))
        let out = h.advance(by: .milliseconds(3500))
        #expect(out == Array(repeating: .event(.hardwareSoftTimer(.init(handle: 4))), count: 3))
    }

    @Test func persistentStoreSavesLoadsDumpsAndValidatesKeys() throws {
        var h = try Harness()
        #expect(h.send(.flashPSSave(.init(key: 0x8001, value: [1, 2, 3]))) == [.response(.flashPSSave(.init(result: .success)))])
        #expect(h.send(.flashPSSave(.init(key: 0x7000, value: [1]))) == [.response(.flashPSSave(.init(result: .invalidParameter)))])
        #expect(h.send(.flashPSLoad(.init(key: 0x8001))) == [.response(.flashPSLoad(.init(result: .success, value: [1, 2, 3])))])
        #expect(h.send(.flashPSDump(.init())) == [.response(.flashPSDump(.init())), .event(.flashPSKey(.init(key: 0x8001, value: [1, 2, 3]))),
                                                 .event(.flashPSKey(.init(key: 0xFFFF, value: [])))])
        #expect(h.persisted == 1)
    }
}
