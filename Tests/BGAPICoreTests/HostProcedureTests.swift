@testable import BGAPICore
import Testing

/// Each procedure of `Host/Procedures` on its own (inputs → steps) and through the host (inputs → actions).
struct HostProcedureTests {
    typealias H = HostHarness
    let c0 = HostHarness.c0

    // MARK: Read and long read

    @Test func aReadTakesOnlyAReadValueForItsHandle() {
        var h = HostHarness()
        let link = h.connect()
        let (id, _) = h.submit(.read(link.id, AttributeHandle(0x10)))
        _ = h.respond(.attClientReadByHandle(.init(connection: c0, result: .success)))
        #expect(completions(h.event(value(c0, 0x10, .notify, [1]))).isEmpty)
        #expect(completions(h.event(value(c0, 0x11, .read, [2]))).isEmpty)
        #expect(completions(h.event(value(c0, 0x10, .read, [4, 5])))[id] == .success(.value([4, 5])))
    }

    @Test func aReadErrorEndsTheReadAndNothingIsResent() {
        var h = HostHarness()
        let link = h.connect()
        let (id, _) = h.submit(.read(link.id, AttributeHandle(9)))
        _ = h.respond(.attClientReadByHandle(.init(connection: c0, result: .success)))
        let out = h.event(completed(c0, .insufficientAuthentication, 9))
        #expect(completions(out)[id] == .failure(.att(.insufficientAuthentication)))
        #expect(writes(out).isEmpty, "pygatt resends 0x0405 forever; we do not")
        #expect(h.host.isIdle)
    }

    @Test func longReadGathersChunksUntilCompletion() {
        var p = ReadProcedure(connection: c0, handle: AttributeHandle(5), long: true)
        #expect(p.start(at: .zero) == .send(.attClientReadLong(.init(connection: c0, chrHandle: AttributeHandle(5)))))
        #expect(p.receive(.attClientReadLong(.init(connection: c0, result: .success)), at: .zero) == .wait)
        #expect(p.isRunningOnDongle)
        #expect(p.receive(value(c0, 5, .read, Array(repeating: 1, count: 22)), at: .zero) == .wait)
        #expect(p.receive(value(c0, 5, .notify, [9]), at: .zero) == nil, "a notification is not a chunk")
        #expect(p.receive(value(c0, 5, .readBlob, [2, 3]), at: .zero) == .wait)
        #expect(p.receive(completed(c0, .success, 5), at: .zero) == .done(.value(Array(repeating: 1, count: 22) + [2, 3])))
    }

    @Test func aLongReadThatNeverEndsIsCappedNotHoarded() {
        var p = ReadProcedure(connection: c0, handle: AttributeHandle(5), long: true)
        _ = p.start(at: .zero)
        _ = p.receive(.attClientReadLong(.init(connection: c0, result: .success)), at: .zero)
        var last: ProcedureStep? = .wait
        for _ in 0 ..< 40 where last == .wait { last = p.receive(value(c0, 5, .readBlob, Array(repeating: 0, count: 22)), at: .zero) }
        guard case .finish(.failure(.unexpected))? = last else { Issue.record("\(String(describing: last))"); return }
    }

    // MARK: Write and long write

    @Test func aLongWriteSendsEighteenByteChunksThenCommits() {
        var h = HostHarness()
        let link = h.connect()
        let data = (0 ..< 40).map(UInt8.init)
        let (id, first) = h.submit(.writeLong(link.id, AttributeHandle(0x10), data))
        var offsets: [UInt16] = []
        var out = first
        for _ in 0 ..< 3 {
            guard case let .attClientPrepareWrite(c)? = sent(out).first else { Issue.record("\(out)"); return }
            offsets.append(c.offset)
            #expect(Array(data[Int(c.offset) ..< min(40, Int(c.offset) + 18)]) == c.data)
            _ = h.respond(.attClientPrepareWrite(.init(connection: c0, result: .success)))
            out = h.event(completed(c0, .success, 0x10))
        }
        #expect(offsets == [0, 18, 36])
        #expect(sent(out) == [.attClientExecuteWrite(.init(connection: c0, commit: true))])
        _ = h.respond(.attClientExecuteWrite(.init(connection: c0, result: .success)))
        #expect(completions(h.event(completed(c0, .success, 0x10)))[id] == .success(.done))
    }

    @Test func aFailedChunkCancelsThePreparedQueueThenReportsTheChunksError() {
        var p = WriteProcedure(connection: c0, handle: AttributeHandle(0x10), value: Array(repeating: 1, count: 30), kind: .long)
        _ = p.start(at: .zero)
        _ = p.receive(.attClientPrepareWrite(.init(connection: c0, result: .success)), at: .zero)
        #expect(p.receive(completed(c0, .success, 0x10), at: .zero)
            == .send(.attClientPrepareWrite(.init(connection: c0, attHandle: AttributeHandle(0x10), offset: 18, data: Array(repeating: 1, count: 12)))))
        _ = p.receive(.attClientPrepareWrite(.init(connection: c0, result: .success)), at: .zero)
        #expect(p.receive(completed(c0, .prepareQueueFull, 0x10), at: .zero)
            == .send(.attClientExecuteWrite(.init(connection: c0, commit: false))))
        _ = p.receive(.attClientExecuteWrite(.init(connection: c0, result: .success)), at: .zero)
        #expect(p.receive(completed(c0, .success, 0x10), at: .zero) == .fail(.att(.prepareQueueFull)))
    }

    @Test func writesRefuseWhatDoesNotFitBeforeSendingAnything() {
        var short = WriteProcedure(connection: c0, handle: AttributeHandle(1), value: Array(repeating: 0, count: 21), kind: .request)
        guard case .finish(.failure(.invalidArgument)) = short.start(at: .zero) else { Issue.record("21 bytes sent"); return }
        var long = WriteProcedure(connection: c0, handle: AttributeHandle(1), value: Array(repeating: 0, count: 513), kind: .long)
        guard case .finish(.failure(.invalidArgument)) = long.start(at: .zero) else { Issue.record("513 bytes sent"); return }
    }

    @Test func aWriteWithoutResponseIsDoneAtItsResponse() {
        var h = HostHarness()
        let link = h.connect()
        let (id, out) = h.submit(.writeWithoutResponse(link.id, AttributeHandle(0x10), [1, 2]))
        #expect(sent(out) == [.attClientWriteCommand(.init(connection: c0, attHandle: AttributeHandle(0x10), data: [1, 2]))])
        #expect(completions(h.respond(.attClientWriteCommand(.init(connection: c0, result: .success))))[id] == .success(.done))
    }

    // MARK: Subscribe

    @Test func subscribeWritesTheConfigurationDescriptor() {
        for (config, bytes) in [(ClientConfiguration.notifications, [UInt8(1), 0]), (.indications, [2, 0]), (.off, [0, 0])] {
            var p = SubscribeProcedure(connection: c0, descriptor: AttributeHandle(0x13), configuration: config)
            #expect(p.start(at: .zero) == .send(.attClientAttributeWrite(.init(connection: c0, attHandle: AttributeHandle(0x13), data: bytes))))
            _ = p.receive(.attClientAttributeWrite(.init(connection: c0, result: .success)), at: .zero)
            #expect(p.receive(completed(c0, .success, 0x13), at: .zero) == .done(.done))
        }
    }

    // MARK: Discovery

    @Test func discoveryFindsSecondaryServicesIncludesCharacteristicsAndDescriptors() {
        var p = DiscoveryProcedure(connection: c0)
        let ok = BGAPIResponse.attClientReadByGroupType(.init(connection: c0, result: .success))
        let byType = BGAPIResponse.attClientReadByType(.init(connection: c0, result: .success))
        func group(_ s: UInt16, _ e: UInt16, _ u: UInt16) -> BGAPIEvent {
            .attClientGroupFound(.init(connection: c0, start: AttributeHandle(s), end: AttributeHandle(e), uuid: BluetoothUUID(u)))
        }
        #expect(p.start(at: .zero) == .send(.attClientReadByGroupType(.init(connection: c0, start: .first, end: .last, uuid: BluetoothUUID(0x2800)))))
        _ = p.receive(ok, at: .zero)
        _ = p.receive(group(1, 6, 0x180F), at: .zero)
        #expect(p.receive(completed(c0, .success, 0xFFFF), at: .zero)
            == .send(.attClientReadByGroupType(.init(connection: c0, start: .first, end: .last, uuid: BluetoothUUID(0x2801)))))
        _ = p.receive(ok, at: .zero)
        _ = p.receive(group(7, 9, 0xFFF0), at: .zero)
        #expect(p.receive(completed(c0, .attributeNotFound, 0xFFFF), at: .zero)
            == .send(.attClientReadByType(.init(connection: c0, start: .first, end: .last, uuid: BluetoothUUID(0x2802)))))
        _ = p.receive(byType, at: .zero)
        // Service 1 includes the secondary service 7…9 (UUID 0xFFF0).
        _ = p.receive(value(c0, 2, .readByType, [7, 0, 9, 0, 0xF0, 0xFF]), at: .zero)
        #expect(p.receive(completed(c0, .success, 0xFFFF), at: .zero)
            == .send(.attClientReadByType(.init(connection: c0, start: .first, end: .last, uuid: BluetoothUUID(0x2803)))))
        _ = p.receive(byType, at: .zero)
        _ = p.receive(value(c0, 3, .readByType, [0x12, 4, 0, 0x19, 0x2A]), at: .zero)     // battery level, read|notify
        _ = p.receive(value(c0, 8, .readByType, [0x02, 9, 0, 0xF1, 0xFF]), at: .zero)     // in the secondary service
        #expect(p.receive(completed(c0, .attributeNotFound, 0xFFFF), at: .zero)
            == .send(.attClientFindInformation(.init(connection: c0, start: AttributeHandle(5), end: AttributeHandle(6)))))
        _ = p.receive(.attClientFindInformation(.init(connection: c0, result: .success)), at: .zero)
        _ = p.receive(.attClientFindInformationFound(.init(connection: c0, chrHandle: AttributeHandle(5), uuid: BluetoothUUID(0x2902))), at: .zero)
        _ = p.receive(.attClientFindInformationFound(.init(connection: c0, chrHandle: AttributeHandle(6), uuid: BluetoothUUID(0x2904))), at: .zero)
        guard case let .finish(.success(.services(services)))? = p.receive(completed(c0, .success, 6), at: .zero) else {
            Issue.record("discovery did not finish"); return
        }
        #expect(services.map(\.uuid) == [BluetoothUUID(0x180F), BluetoothUUID(0xFFF0)])
        #expect(services.map(\.isPrimary) == [true, false])
        #expect(services[0].includes == [GATTInclude(handle: AttributeHandle(2), startHandle: AttributeHandle(7),
                                                     endHandle: AttributeHandle(9), uuid: BluetoothUUID(0xFFF0))])
        #expect(services[0].characteristics.map(\.valueHandle) == [AttributeHandle(4)])
        #expect(services[0].characteristics[0].descriptors.map(\.uuid) == [BluetoothUUID(0x2902), BluetoothUUID(0x2904)])
        #expect(services[1].characteristics.map(\.uuid) == [BluetoothUUID(0xFFF1)], "a secondary service's characteristics are kept")
    }

    @Test func aPeerWithoutSecondaryServicesStillDiscovers() {
        var p = DiscoveryProcedure(connection: c0)
        _ = p.start(at: .zero)
        _ = p.receive(.attClientReadByGroupType(.init(connection: c0, result: .success)), at: .zero)
        _ = p.receive(completed(c0, .success, 0xFFFF), at: .zero)
        _ = p.receive(.attClientReadByGroupType(.init(connection: c0, result: .success)), at: .zero)
        // Some servers refuse the secondary group type outright.
        guard case .send(.attClientReadByType)? = p.receive(completed(c0, .unsupportedGroupType, 1), at: .zero) else {
            Issue.record("refusal of 0x2801 failed discovery"); return
        }
    }

    // MARK: Bond

    @Test func bondingSetsBondableAnswersThePasskeyAndEndsEncrypted() {
        var h = HostHarness()
        let link = h.connect()
        let (id, out) = h.submit(.bond(link.id, permanent: true, passkey: 123_456))
        #expect(sent(out) == [.smSetBondableMode(.init(bondable: true))])
        #expect(sent(h.respond(.smSetBondableMode(.init()))) == [.smEncryptStart(.init(handle: c0, bonding: true))])
        _ = h.respond(.smEncryptStart(.init(handle: c0, result: .success)))
        #expect(sent(h.event(.smPasskeyRequest(.init(handle: c0)))) == [.smPasskeyEntry(.init(handle: c0, passkey: 123_456))])
        _ = h.respond(.smPasskeyEntry(.init(result: .success)))
        let encrypted = H.status(c0, H.hrm, flags: [.connected, .encrypted])
        #expect(completions(h.event(.connectionStatus(encrypted)))[id] == .success(.encrypted(encrypted)))
    }

    @Test func bondingFailsWithTheSecurityManagersReason() {
        var h = HostHarness()
        let link = h.connect()
        let (id, _) = h.submit(.bond(link.id, permanent: false, passkey: nil))
        _ = h.respond(.smEncryptStart(.init(handle: c0, result: .success)))
        // No passkey given: the request is the caller's to answer.
        #expect(events(h.event(.smPasskeyRequest(.init(handle: c0)))).count == 1)
        #expect(completions(h.event(.smBondingFail(.init(handle: c0, result: .passkeyEntryFailed))))[id]
            == .failure(.securityManager(.passkeyEntryFailed)))
    }

    // MARK: RSSI

    @Test func rssiAsksAgainForSentinelsAndNeverReturnsOne() {
        var p = RSSIProcedure(connection: c0)
        let ask = ProcedureStep.send(.connectionGetRSSI(.init(connection: c0)))
        #expect(p.start(at: .zero) == ask)
        #expect(p.receive(.connectionGetRSSI(.init(connection: c0, rssi: 25)), at: .zero) == .sleep(until: .milliseconds(100)))
        #expect(p.wake(at: .milliseconds(100)) == ask)
        #expect(p.receive(.connectionGetRSSI(.init(connection: c0, rssi: 127)), at: .milliseconds(100)) == .sleep(until: .milliseconds(200)))
        #expect(p.wake(at: .milliseconds(200)) == ask)
        guard case .finish(.failure(.unexpected)) = p.receive(.connectionGetRSSI(.init(connection: c0, rssi: 0)), at: .milliseconds(200)) else {
            Issue.record("a sentinel was returned as a reading"); return
        }
        #expect(RSSIProcedure.isReading(-60) && RSSIProcedure.isReading(20) && !RSSIProcedure.isReading(21))
    }

    @Test func rssiRetriesThroughTheHostOnItsClock() {
        var h = HostHarness()
        let link = h.connect()
        let (id, _) = h.submit(.rssi(link.id))
        #expect(writes(h.respond(.connectionGetRSSI(.init(connection: c0, rssi: 25)))).isEmpty)
        #expect(h.host.nextDeadline == h.now + .milliseconds(100))
        #expect(sent(h.advance(.milliseconds(100))) == [.connectionGetRSSI(.init(connection: c0))])
        #expect(completions(h.respond(.connectionGetRSSI(.init(connection: c0, rssi: -61)))).values.first == .success(.rssi(-61)))
        _ = id
    }

    // MARK: Bonds and scanning

    @Test func bondsCollectsTheAnnouncedStatusEvents() {
        var h = HostHarness()
        let (id, _) = h.submit(.bonds)
        _ = h.respond(.smGetBonds(.init(bonds: 2)))
        let status = { (b: UInt8) in BGAPIEvent.smBondStatus(.init(bond: BondHandle(rawValue: b), keySize: 16, mitm: false, keys: [])) }
        #expect(completions(h.event(status(0))).isEmpty)
        #expect(completions(h.event(status(3)))[id] == .success(.bonds([BondHandle(rawValue: 0), BondHandle(rawValue: 3)])))
        let (none, _) = h.submit(.bonds)
        #expect(completions(h.respond(.smGetBonds(.init(bonds: 0))))[none] == .success(.bonds([])))
    }

    @Test func scanStartsWithParametersAndStopTreatsNothingToEndAsDone() {
        var h = HostHarness()
        let (start, out) = h.submit(.startScan(.init(scanInterval: 75, scanWindow: 50, active: false), mode: .generic))
        #expect(sent(out) == [.gapSetScanParameters(.init(scanInterval: 75, scanWindow: 50, active: false))])
        #expect(sent(h.respond(.gapSetScanParameters(.init(result: .success)))) == [.gapDiscover(.init(mode: .generic))])
        #expect(completions(h.respond(.gapDiscover(.init(result: .success))))[start] == .success(.done))
        let (stop, end) = h.submit(.stopScan)
        #expect(sent(end) == [.gapEndProcedure(.init())])
        #expect(completions(h.respond(.gapEndProcedure(.init(result: .wrongState))))[stop] == .success(.done))
        #expect(!h.host.isScanning)
    }

    // MARK: Reconnect policy

    @Test func reconnectPolicyBacksOffAndKnowsWhenNotToTry() {
        let p = ReconnectPolicy(maximumAttempts: 4, initialDelay: .milliseconds(500), maximumDelay: .seconds(1))
        #expect((1 ... 5).map { p.delay(beforeAttempt: $0) } == [.milliseconds(500), .seconds(1), .seconds(1), .seconds(1), nil])
        #expect(ReconnectPolicy.shouldReconnect(after: .disconnected(.connectionTimeout), closedLocally: false))
        #expect(ReconnectPolicy.shouldReconnect(after: .dongleReset, closedLocally: false))
        #expect(!ReconnectPolicy.shouldReconnect(after: .disconnected(.connectionTimeout), closedLocally: true))
        #expect(!ReconnectPolicy.shouldReconnect(after: .portClosed("gone"), closedLocally: false))
        #expect(!ReconnectPolicy.shouldReconnect(after: .stopped, closedLocally: false))
    }
}

/// Scan results grow with devices, not with time.
struct ScanResultTests {
    @Test func aLongScanKeepsTheLatestOfEachTypeCountsAndABoundedHistory() {
        let address = BluetoothAddress("C4:7C:8D:6A:10:01")!
        func report(_ i: Int, _ type: ScanResponsePacketType) -> AdvertisementReport {
            AdvertisementReport(address: address, addressType: .public, packetType: type, rssi: Int8(-40 - i % 50),
                                bond: .none, data: AdvertisingData(bytes: [2, 1, 6, 2, 0x0A, UInt8(i & 0x7F)]))
        }
        var result = ScanResult(first: report(0, .connectableAdvertisement))
        for i in 1 ..< 10_000 { result.add(report(i, i % 2 == 0 ? .connectableAdvertisement : .scanResponse)) }
        #expect(result.packetCount == 10_000)
        #expect(result.recentReports.count == ScanResult.recentLimit)
        #expect(result.recentReports.last == report(9_999, .scanResponse))
        #expect(result.latestByPacketType[.connectableAdvertisement] == report(9_998, .connectableAdvertisement))
        #expect(result.latestByPacketType.count == 2)
        #expect(result.rssiRange == -89 ... -40)
        #expect(abs(result.meanRSSI - (-64.5)) < 0.01)
        #expect(result.isConnectable)
    }
}
