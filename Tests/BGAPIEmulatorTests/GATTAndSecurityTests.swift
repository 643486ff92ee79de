import BGAPICore
@testable import BGAPIEmulator
import Foundation
import Testing

@Suite struct AttClientTests {
    @Test func findInformationListsEveryAttributeWithCCCDAfterTheValue() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        let found = h.discover(c)
        #expect(found.first?.1 == BluetoothUUID(0x2800))
        let value = try #require(found.firstIndex { $0.1 == BluetoothUUID(0x2A37) })
        #expect(found[value + 1].1 == BluetoothUUID(0x2902))
        #expect(found[value + 1].0.rawValue == found[value].0.rawValue + 1)
    }

    @Test func serviceAndCharacteristicDiscovery() throws {
        var h = try Harness()
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let services = h.exchange(.attClientReadByGroupType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2800))))
        let groups = services.compactMap { if case let .event(.attClientGroupFound(g)) = $0 { g } else { nil } }
        #expect(groups.map(\.uuid) == [0x1800, 0x1801, 0x1809, 0x181A, 0x180A, 0x180F].map(BluetoothUUID.init))
        #expect(services.procedureResults == [.success])
        let env = try #require(groups.first { $0.uuid == BluetoothUUID(0x181A) })
        let chars = h.exchange(.attClientReadByType(.init(connection: c, start: env.start, end: env.end, uuid: BluetoothUUID(0x2803)))).values
        // Two characteristics share 0x2A6E: both declarations are reported, each with its own value handle.
        #expect(chars.count == 2 && chars.allSatisfy { $0.type == .readByType && $0.value.suffix(2) == [0x6E, 0x2A] })
        #expect(Set(chars.map { $0.value[1] }).count == 2)
        let byUUID = h.exchange(.attClientFindByTypeValue(.init(connection: c, start: .first, end: .last, uuid: 0x2800, value: [0x0A, 0x18])))
        #expect(byUUID.compactMap { if case let .event(.attClientGroupFound(g)) = $0 { g.uuid } else { nil } } == [BluetoothUUID(0x180A)])
        let bad = h.exchange(.attClientReadByGroupType(.init(connection: c, start: .first, end: .last, uuid: BluetoothUUID(0x2803))))
        #expect(bad.procedureResults == [.unsupportedGroupType])
    }

    @Test func readByHandleShortAndLongAndErrors() throws {
        var h = try Harness()
        let cFound = h.connect(longDevice)
        let c = try #require(cFound)
        let handleFound = h.handle(of: BluetoothUUID("A0B40002-926D-4D61-98DF-8C5C62EE53B3")!, on: c)
        let handle = try #require(handleFound)
        let text = Array("The quick brown fox jumps over the lazy dog, twice over.".utf8)
        let short = h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: handle)))
        #expect(short.first == .response(.attClientReadByHandle(.init(connection: c, result: .success))))
        #expect(short.values.map(\.value) == [Array(text.prefix(22))] && short.procedureResults.isEmpty)
        let long = h.exchange(.attClientReadLong(.init(connection: c, chrHandle: handle)))
        #expect(long.values.map(\.value.count) == [22, 22, 12])
        #expect(long.values.flatMap(\.value) == text)
        #expect(long.procedureResults == [.success])
        let missing = h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(0x0200))))
        #expect(missing.procedureResults == [.invalidHandle] && missing.values.isEmpty)
    }

    @Test func permissionsAreEnforced() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        let notifyOnlyFound = h.handle(of: BluetoothUUID(0x2A37), on: c)
        let notifyOnly = try #require(notifyOnlyFound)
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: notifyOnly))).procedureResults == [.readNotPermitted])
        let readOnlyFound = h.handle(of: BluetoothUUID(0x2A38), on: c)
        let readOnly = try #require(readOnlyFound)
        #expect(h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: readOnly, data: [1]))).procedureResults == [.writeNotPermitted])
        let cccd = AttributeHandle(notifyOnly.rawValue + 1)
        #expect(h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: cccd, data: [1, 0, 0]))).procedureResults == [.invalidAttributeValueLength])
        #expect(h.send(.attClientAttributeWrite(.init(connection: c, attHandle: readOnly, data: Array(repeating: 0, count: 21))))
                == [.response(.attClientAttributeWrite(.init(connection: c, result: .invalidParameter)))])
        #expect(h.send(.attClientReadByHandle(.init(connection: ConnectionHandle(2), chrHandle: readOnly)))
                == [.response(.attClientReadByHandle(.init(connection: ConnectionHandle(2), result: .notConnected)))])
    }

    @Test func oneProcedureAtATimePerConnection() throws {
        var h = try Harness(timing: .realistic)
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        #expect(h.send(.attClientFindInformation(.init(connection: c, start: .first, end: .last)))
                == [.response(.attClientFindInformation(.init(connection: c, result: .success)))])
        #expect(h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(3))))
                == [.response(.attClientReadByHandle(.init(connection: c, result: .wrongState)))])
        _ = h.advance(by: .seconds(2))
        #expect(h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(3))))
                == [.response(.attClientReadByHandle(.init(connection: c, result: .success)))])
    }

    @Test func notificationsStartOnCCCDWriteAtTheConfiguredRateAndStopOnDisable() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        let valueFound = h.handle(of: BluetoothUUID(0x2A37), on: c)
        let value = try #require(valueFound)
        #expect(h.advance(by: .seconds(3)).values.isEmpty, "nothing before the CCCD write")
        let write = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(value.rawValue + 1), data: [1, 0])))
        #expect(write.procedureResults == [.success])
        let beats = h.advance(by: .milliseconds(5500)).values
        #expect(beats.count == 5 && beats.allSatisfy { $0.type == .notify && $0.attHandle == value && $0.value.count == 2 })
        // Writing the same CCCD again does not double the stream.
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(value.rawValue + 1), data: [1, 0])))
        #expect(h.advance(by: .milliseconds(3000)).values.count == 3)
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(value.rawValue + 1), data: [0, 0])))
        #expect(h.advance(by: .seconds(3)).values.isEmpty)
    }

    @Test func indicationsUseType2() throws {
        var h = try Harness()
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let valueFound = h.handle(of: BluetoothUUID(0x2A1C), on: c)
        let value = try #require(valueFound)
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(value.rawValue + 1), data: [2, 0])))
        let temps = h.advance(by: .milliseconds(4100)).values
        #expect(temps.count == 2 && temps.allSatisfy { $0.type == .indicate && $0.value.count == 5 })
    }

    @Test func uartEchoesWritesAsNotifications() throws {
        var h = try Harness()
        let cFound = h.connect(uart)
        let c = try #require(cFound)
        let rxFound = h.handle(of: BluetoothUUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")!, on: c)
        let rx = try #require(rxFound)
        let txFound = h.handle(of: BluetoothUUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")!, on: c)
        let tx = try #require(txFound)
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(tx.rawValue + 1), data: [1, 0])))
        let out = h.exchange(.attClientWriteCommand(.init(connection: c, attHandle: rx, data: Array("ping".utf8))))
        #expect(out.first == .response(.attClientWriteCommand(.init(connection: c, result: .success))))
        #expect(out.values.map(\.value) == [Array("ping".utf8)] && out.values.first?.attHandle == tx)
        let acked = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: rx, data: Array("pong".utf8))))
        #expect(acked.procedureResults == [.success] && acked.values.map(\.value) == [Array("pong".utf8)])
    }

    @Test func preparedWritesCommitCancelAndRejectBadOffsets() throws {
        var h = try Harness()
        let cFound = h.connect(longDevice)
        let c = try #require(cFound)
        let handleFound = h.handle(of: BluetoothUUID("A0B40002-926D-4D61-98DF-8C5C62EE53B3")!, on: c)
        let handle = try #require(handleFound)
        let data = Array(0 ..< 40).map { UInt8($0) }
        for offset in stride(from: 0, to: 40, by: 18) {
            let chunk = Array(data[offset ..< min(40, offset + 18)])
            #expect(h.exchange(.attClientPrepareWrite(.init(connection: c, attHandle: handle, offset: UInt16(offset), data: chunk))).procedureResults == [.success])
        }
        #expect(h.exchange(.attClientExecuteWrite(.init(connection: c, commit: true))).procedureResults == [.success])
        #expect(h.exchange(.attClientReadLong(.init(connection: c, chrHandle: handle))).values.flatMap(\.value) == data)
        _ = h.exchange(.attClientPrepareWrite(.init(connection: c, attHandle: handle, offset: 0, data: [9, 9])))
        #expect(h.exchange(.attClientExecuteWrite(.init(connection: c, commit: false))).procedureResults == [.success])
        #expect(h.exchange(.attClientReadLong(.init(connection: c, chrHandle: handle))).values.flatMap(\.value) == data)
        _ = h.exchange(.attClientPrepareWrite(.init(connection: c, attHandle: handle, offset: 200, data: [1])))
        #expect(h.exchange(.attClientExecuteWrite(.init(connection: c, commit: true))).procedureResults == [.invalidOffset])
    }

    @Test func readMultipleConcatenatesValues() throws {
        var h = try Harness()
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let modelFound = h.handle(of: BluetoothUUID(0x2A24), on: c)
        let model = try #require(modelFound)
        let firmwareFound = h.handle(of: BluetoothUUID(0x2A26), on: c)
        let firmware = try #require(firmwareFound)
        let handles = [model, firmware].flatMap { [UInt8($0.rawValue & 0xFF), UInt8($0.rawValue >> 8)] }
        let out = h.exchange(.attClientReadMultiple(.init(connection: c, handles: handles)))
        #expect(out.last == .event(.attClientReadMultipleResponse(.init(connection: c, handles: Array("TH-11.0.3".utf8)))))
    }
}

@Suite struct SecurityTests {
    @Test func justWorksBondingStoresABondAndEncrypts() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let out = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(out.first == .response(.smEncryptStart(.init(handle: c, result: .success))))
        #expect(out.dropFirst().first == .event(.smBondStatus(.init(bond: BondHandle(rawValue: 0), keySize: 16, mitm: false, keys: [.ltk, .publicAddress, .edivRand]))))
        guard case let .event(.connectionStatus(s))? = out.last else { Issue.record("no status"); return }
        #expect(s.flags == [.connected, .encrypted] && s.bonding == BondHandle(rawValue: 0))
        #expect(h.persisted == 1)
        // Scan reports now carry the bond handle for that device.
        _ = h.send(.connectionDisconnect(.init(connection: c)))
        #expect(h.scan(for: .seconds(1)).first { $0.sender.description == thermo }?.bond == BondHandle(rawValue: 0))
    }

    @Test func notBondableEncryptsWithoutStoringABond() throws {
        var h = try Harness()
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let out = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(!out.contains { if case .event(.smBondStatus) = $0 { true } else { false } })
        #expect(h.send(.smGetBonds(.init())) == [.response(.smGetBonds(.init(bonds: 0)))])
    }

    @Test func passkeyBondingWithKeyboardUnlocksTheProtectedCharacteristic() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        _ = h.send(.smSetParameters(.init(mitm: true, minKeySize: 16, ioCapabilities: .keyboardOnly)))
        let cFound = h.connect(lock)
        let c = try #require(cFound)
        let stateFound = h.handle(of: BluetoothUUID("5EC00002-1F2E-4B5A-9C8D-0123456789AB")!, on: c)
        let state = try #require(stateFound)
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: state))).procedureResults == [.insufficientAuthentication])
        let request = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(request.last == .event(.smPasskeyRequest(.init(handle: c))))
        #expect(h.send(.smPasskeyEntry(.init(handle: c, passkey: 1_000_000))) == [.response(.smPasskeyEntry(.init(result: .invalidParameter)))])
        let done = h.exchange(.smPasskeyEntry(.init(handle: c, passkey: 123_456)))
        #expect(done.first == .response(.smPasskeyEntry(.init(result: .success))))
        #expect(done.contains { if case let .event(.smBondStatus(b)) = $0 { b.mitm } else { false } })
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: state))).values.map(\.value) == [[0x00]])
    }

    @Test func wrongPasskeyAndMissingIOCapabilitiesFail() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        let cFound = h.connect(lock)
        let c = try #require(cFound)
        // Default IO capabilities (NoInputNoOutput) cannot satisfy a device that requires MITM.
        #expect(h.exchange(.smEncryptStart(.init(handle: c, bonding: true))).last
                == .event(.smBondingFail(.init(handle: c, result: .authenticationRequirements))))
        _ = h.send(.smSetParameters(.init(mitm: true, minKeySize: 16, ioCapabilities: .keyboardDisplay)))
        _ = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(h.exchange(.smPasskeyEntry(.init(handle: c, passkey: 111_111))).last
                == .event(.smBondingFail(.init(handle: c, result: .confirmValueFailed))))
        #expect(h.send(.smPasskeyEntry(.init(handle: c, passkey: 123_456))) == [.response(.smPasskeyEntry(.init(result: .wrongState)))])
    }

    @Test func displayCapablePairingShowsAPasskey() throws {
        var h = try Harness()
        _ = h.send(.smSetParameters(.init(mitm: true, minKeySize: 16, ioCapabilities: .displayOnly)))
        let cFound = h.connect(lock)
        let c = try #require(cFound)
        let out = h.exchange(.smEncryptStart(.init(handle: c, bonding: false)))
        #expect(out.contains { if case .event(.smPasskeyDisplay) = $0 { true } else { false } })
        guard case let .event(.connectionStatus(s))? = out.last else { Issue.record("no status"); return }
        #expect(s.flags.contains(.encrypted))
    }

    @Test func bondStorageLimitIs0x018BAndDeleteFreesSlots() throws {
        var scenario = try Scenario.load("demo")
        scenario.dongle.maxBonds = 2
        var h = try Harness(scenario)
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        for address in [hrm, thermo] {
            let cFound = h.connect(address)
            let c = try #require(cFound)
            _ = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        }
        let cFound = h.connect(uart)
        let c = try #require(cFound)
        #expect(h.exchange(.smEncryptStart(.init(handle: c, bonding: true))).last
                == .event(.smBondingFail(.init(handle: c, result: .outOfBonds))))
        let bonds = h.send(.smGetBonds(.init()))
        #expect(bonds.first == .response(.smGetBonds(.init(bonds: 2))) && bonds.count == 3)
        #expect(h.send(.smDeleteBonding(.init(handle: BondHandle(rawValue: 1)))) == [.response(.smDeleteBonding(.init(result: .success)))])
        #expect(h.send(.smDeleteBonding(.init(handle: BondHandle(rawValue: 1)))) == [.response(.smDeleteBonding(.init(result: .invalidParameter)))])
        #expect(h.send(.smDeleteBonding(.init(handle: .all))) == [.response(.smDeleteBonding(.init(result: .success)))])
        #expect(h.send(.smGetBonds(.init())) == [.response(.smGetBonds(.init(bonds: 0)))])
    }

    @Test func bondsSurviveInThePersistentState() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        _ = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        var again = try Harness(state: h.model.persistentState)
        #expect(again.send(.smGetBonds(.init())).first == .response(.smGetBonds(.init(bonds: 1))))
    }
}

@Suite struct FaultTests {
    @Test func peripheralDisconnectsWithSupervisionTimeoutOrRemoteReason() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        let out = h.collect(h.model.inject(.init(at: 0, kind: .disconnect, peripheral: "hrm", code: 0x0213), at: h.now))
        #expect(out == [.event(.connectionDisconnected(.init(connection: c, reason: .remoteUserTerminatedConnection)))])
        let c2Found = h.connect(thermo)
        let c2 = try #require(c2Found)
        #expect(h.collect(h.model.inject(.init(at: 0, kind: .disconnect, peripheral: "thermo"), at: h.now))
                == [.event(.connectionDisconnected(.init(connection: c2, reason: .connectionTimeout)))])
    }

    @Test func injectedATTErrorFailsTheNextRequestOnly() throws {
        var h = try Harness()
        let cFound = h.connect(tag, type: .random)
        let c = try #require(cFound)
        _ = h.model.inject(.init(at: 0, kind: .attError, peripheral: "tag", code: 0x0481), at: h.now)
        let battery = AttributeHandle(12)
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: battery))).procedureResults == [BGAPIErrorCode(rawValue: 0x0481)])
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: battery))).values.map(\.value) == [[0x1E]])
    }

    @Test func silentPeripheralTimesOutAfterThirtySecondsAndDropsTheLink() throws {
        var h = try Harness()
        let cFound = h.connect(tag, type: .random)
        let c = try #require(cFound)
        _ = h.model.inject(.init(at: 0, kind: .silence, peripheral: "tag"), at: h.now)
        #expect(h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(12))))
                == [.response(.attClientReadByHandle(.init(connection: c, result: .success)))])
        #expect(h.advance(by: .seconds(29)).isEmpty)
        let out = h.advance(by: .seconds(2))
        #expect(out.procedureResults == [.timeout])
        #expect(out.last == .event(.connectionDisconnected(.init(connection: c, reason: .connectionTimeout))))
    }

    @Test func lostAndDelayedResponses() throws {
        var h = try Harness()
        _ = h.model.inject(.init(at: 0, kind: .dropResponse), at: h.now)
        #expect(h.send(.systemHello(.init())).isEmpty)
        #expect(h.send(.systemHello(.init())) == [.response(.systemHello(.init()))])
        _ = h.model.inject(.init(at: 0, kind: .delayResponse, seconds: 2), at: h.now)
        #expect(h.send(.systemHello(.init())).isEmpty)
        #expect(h.advance(by: .seconds(3)) == [.response(.systemHello(.init()))])
    }

    @Test func scriptedFaultsRunOnTheWorldClockAndDevicesComeAndGo() throws {
        var scenario = try Scenario.load("demo")
        scenario.faults = [.init(at: 5, kind: .disconnect, peripheral: "hrm", code: 0x0208)]
        var h = try Harness(scenario)
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        #expect(h.now == .seconds(2))
        #expect(h.advance(by: .seconds(2)).values.isEmpty)
        #expect(h.advance(by: .seconds(2)) == [.event(.connectionDisconnected(.init(connection: c, reason: .connectionTimeout)))])
        // The walker appears at 15 s and leaves at 75 s.
        _ = h.advance(by: .seconds(10))
        #expect(h.scan(for: .seconds(2)).contains { $0.sender.description == "C2:22:33:44:55:0A" })
        _ = h.advance(by: .seconds(60))
        #expect(!h.scan(for: .seconds(2)).contains { $0.sender.description == "C2:22:33:44:55:0A" })
    }

    @Test func badScenariosAreRejectedWithTheReason() throws {
        var scenario = try Scenario.load("demo")
        scenario.faults = [.init(at: 1, kind: .disconnect, peripheral: "nobody")]
        #expect(throws: ScenarioError.self) { _ = try DongleModel(scenario: scenario) }
        scenario.faults = []
        scenario.peripherals[0].address = "nope"
        #expect(throws: ScenarioError.self) { _ = try DongleModel(scenario: scenario) }
        #expect(throws: (any Error).self) { _ = try Scenario.decode(json: Data("{\"peripherals\": [{}]}".utf8)) }
    }
}
