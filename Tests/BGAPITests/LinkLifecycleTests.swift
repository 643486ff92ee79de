import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import Dispatch
import Foundation
import Testing

/// Issue 8's numbered points through a real pty: a hand-played dongle (exact bursts) or the virtual BLED112.
@Suite(.serialized) struct LinkLifecycleTests {
    static let hrm = Demo.hrm, thermo = Demo.thermo
    static let c0 = ConnectionHandle(0), c1 = ConnectionHandle(1)

    static func status(_ c: ConnectionHandle, _ a: BluetoothAddress, _ flags: ConnectionStatusFlags = [.connected, .completed]) -> BGAPIMessage {
        .event(.connectionStatus(.init(connection: c, flags: flags, address: a, addressType: .public, connInterval: 60,
                                       timeout: 100, latency: 0, bonding: .none)))
    }

    /// A backend started on a scripted dongle (no reset: the script plays a running dongle).
    static func scripted(_ responder: ScriptedDongle.Responder? = nil) throws -> (ScriptedDongle, BGAPIBackend) {
        let dongle = try ScriptedDongle()
        dongle.respond(with: responder)
        let backend = BGAPIBackend(serialPort: dongle.path)
        try backend.start(reset: false)
        return (dongle, backend)
    }

    /// Answers gap_connect_direct for `address` on `handle`, the link up in the same burst.
    static func connecting(_ handle: ConnectionHandle, _ address: BluetoothAddress) -> [[BGAPIMessage]] {
        [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: handle))), status(handle, address)]]
    }

    // MARK: 1. Registration

    @Test func statusThenFailedToEstablishInOneBurstFailsTheConnectAndLeavesNothingConnected() throws {
        let (dongle, backend) = try Self.scripted { command in
            guard case .gapConnectDirect = command else { return nil }
            return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: Self.c0))),
                     Self.status(Self.c0, Self.hrm),
                     .event(.connectionDisconnected(.init(connection: Self.c0, reason: .connectionFailedToBeEstablished)))]]
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        #expect(throws: BGAPIError.disconnected(reason: .connectionFailedToBeEstablished)) {
            try backend.connect(address: Self.hrm)
        }
        #expect(backend.connectedDevices.isEmpty)
    }

    @Test func aStatusWithoutTheConnectedFlagMarksTheDeviceDown() throws {
        let (dongle, backend) = try Self.scripted { command in
            if case .gapConnectDirect = command { return Self.connecting(Self.c0, Self.hrm) }
            return nil
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let device = try backend.connect(address: Self.hrm)
        let losses = Recorder<LinkLoss>()
        device.onDisconnect { losses.add($0) }
        dongle.send([Self.status(Self.c0, Self.hrm, [])])
        #expect(losses.wait(for: 1, within: 2))
        #expect(losses.all == [.notConnected] && !device.isConnected)
    }

    @Test func aReusedHandleNeverAliasesTheOldDevice() throws {
        let (dongle, backend) = try Self.scripted { command in
            if case .gapConnectDirect = command { return Self.connecting(Self.c0, Self.hrm) }
            return nil
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let old = try backend.connect(address: Self.hrm)
        let down = Recorder<LinkLoss>()
        old.onDisconnect { down.add($0) }
        // The dongle reports another peer on handle 0: the old link's disconnect never reached us.
        dongle.send([Self.status(Self.c0, Self.thermo)])
        #expect(down.wait(for: 1, within: 2))
        #expect(throws: BGAPIError.notConnected) { try old.readHandle(AttributeHandle(3), timeout: .milliseconds(300)) }
        #expect(!dongle.commands.contains { if case .attClientReadByHandle = $0 { true } else { false } },
                "nothing was sent to the peer that now holds the handle")
        #expect(backend.connectedDevices.map(\.address) == [Self.thermo])
    }

    // MARK: 2. Dongle reset

    @Test func systemBootWhileRunningFailsPendingCallsMarksLinksDownAndLeavesTheBackendUsable() throws {
        let (dongle, backend) = try Self.scripted { command in
            switch command {
            case .gapConnectDirect: return Self.connecting(Self.c0, Self.hrm)
            case .attClientReadByHandle: return [[.response(.attClientReadByHandle(.init(connection: Self.c0, result: .success)))]]
            case .systemAddressGet: return [[.response(.systemAddressGet(.init(address: BluetoothAddress("00:07:80:B1:E0:01")!)))]]
            default: return nil
            }
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let events = Recorder<String>()
        backend.setEventHandler { event in
            switch event {
            case .dongleReset: events.add("reset")
            case let .disconnected(_, _, reason): events.add("down: \(reason)")
            default: break
            }
        }
        try backend.startScanning()
        let device = try backend.connect(address: Self.hrm)
        let losses = Recorder<LinkLoss>()
        device.onDisconnect { losses.add($0) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) {
            dongle.send([.event(.systemBoot(.init(major: 1, minor: 7, patch: 0, build: 147, llVersion: 6, protocolVersion: 1, hw: 1)))])
        }
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.dongleReset) { try device.readHandle(AttributeHandle(3), timeout: .seconds(10)) }
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(losses.wait(for: 1, within: 2) && losses.all == [.dongleReset])
        #expect(events.wait(for: 2, within: 2))
        #expect(Set(events.all) == ["reset", "down: dongle reset"])
        #expect(!device.isConnected && backend.isRunning)
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01")!, "usable again at once")
        // Scanning was cleared: stopping now sends gap_end_procedure only as a harmless formality.
        try backend.stopScanning()
    }

    @Test func aVirtualBLED112ResetDropsOffUSBAndTheBackendStartsAgainOnTheNewPort() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        let hrm = try backend.connect(address: Demo.hrm)
        let losses = Recorder<LinkLoss>()
        hrm.onDisconnect { losses.add($0) }
        _ = try backend.sendCommand(.systemReset(.init(bootInDFU: false)))
        #expect(losses.wait(for: 1, within: 2) && losses.all == [.dongleReset])
        #expect(dongle.plugIns.wait(for: 3, within: 5), "the BLED112 came back on a new pty")
        try backend.start(reset: false)
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        #expect(try backend.connect(address: Demo.hrm) === hrm)
        #expect(hrm.isConnected)
    }

    // MARK: 3. Reconnect

    @Test func subscriptionsSurviveAReconnectAndResubscribeAllWritesThemAgain() throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let storm = try backend.connect(address: Demo.stormAddress)
        let values = Recorder<Int>()
        try storm.subscribe(BluetoothUUID(0xFFE1)) { _, _ in values.add(1) }
        #expect(values.wait(for: 3, within: 2))
        let losses = Recorder<LinkLoss>()
        storm.onDisconnect { losses.add($0) }
        dongle.inject(.disconnect, peripheral: "storm", code: 0x0208)
        #expect(losses.wait(for: 1, within: 2))
        #expect(storm.subscriptions.count == 1, "kept across the drop")
        try storm.reconnect()
        #expect(storm.isConnected)
        let before = values.count
        // A non-bonded peer starts a new link with notifications off (Core Vol 3 Part G 3.3.3.3).
        #expect(!values.wait(for: before + 3, within: 0.3), "nothing flows until the CCCD is written again")
        try storm.resubscribeAll()
        #expect(values.wait(for: before + 3, within: 2), "the same callbacks receive the new link's values")
    }

    @Test func autoReconnectBringsTheLinkBackAndResubscribes() throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let reconnected = Recorder<BluetoothAddress>()
        backend.setEventHandler { if case let .reconnected(a) = $0 { reconnected.add(a) } }
        let storm = try backend.connect(address: Demo.stormAddress)
        storm.setAutoReconnect(ReconnectPolicy(maximumAttempts: 5, initialDelay: .milliseconds(50)))
        let values = Recorder<Int>()
        try storm.subscribe(BluetoothUUID(0xFFE1)) { _, _ in values.add(1) }
        #expect(values.wait(for: 3, within: 2))
        dongle.inject(.disconnect, peripheral: "storm", code: 0x0208)
        #expect(reconnected.wait(for: 1, within: 5))
        let after = values.count
        #expect(values.wait(for: after + 3, within: 2), "notifications flow again without the caller doing anything")
        // A disconnect we ask for is not undone.
        try storm.disconnect()
        #expect(!reconnected.wait(for: 2, within: 0.5) && !storm.isConnected)
    }

    // MARK: 4. GAP serialised

    @Test func overlappingConnectsFromSeveralThreadsAreQueuedNeverSentOnTopOfEachOther() throws {
        let (dongle, backend) = try Self.scripted { command in
            guard case let .gapConnectDirect(c) = command else { return nil }
            // The link comes up a little later, as on air.
            let handle = c.address == Self.hrm ? Self.c0 : Self.c1
            return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: handle)))]]
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let results = Recorder<Result<BluetoothAddress, BGAPIError>>()
        // Threads of their own: on 2 cores the global queue may not start a second blocked worker in time,
        // and then the test could not see the old bug (two gap_connect_direct on top of each other).
        for address in [Self.hrm, Self.thermo] {
            Thread {
                do throws(BGAPIError) { results.add(.success(try backend.connect(address: address).address)) }
                catch { results.add(.failure(error)) }
            }.start()
        }
        let first = try #require(dongle.waitFor { if case .gapConnectDirect = $0 { true } else { false } })
        #expect(dongle.waitFor(within: .milliseconds(300)) { c in
            if case .gapConnectDirect = c { return c != first }
            return false
        } == nil, "the second connect waits while the first initiates")
        guard case let .gapConnectDirect(f) = first else { return }
        dongle.send([Self.status(f.address == Self.hrm ? Self.c0 : Self.c1, f.address)])
        let second = try #require(dongle.waitFor { c in if case .gapConnectDirect = c { return c != first }; return false })
        guard case let .gapConnectDirect(s) = second else { return }
        dongle.send([Self.status(s.address == Self.hrm ? Self.c0 : Self.c1, s.address)])
        #expect(results.wait(for: 2, within: 3))
        #expect(Set(results.all.compactMap { try? $0.get() }) == [Self.hrm, Self.thermo])
    }

    @Test func stopScanningNeverCancelsAnotherCallersPendingConnect() throws {
        let (dongle, backend) = try Self.scripted { command in
            guard case .gapConnectDirect = command else { return nil }
            return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: Self.c0)))]]
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let connected = Recorder<Bool>()
        DispatchQueue.global().async { connected.add((try? backend.connect(address: Self.hrm)) != nil) }
        _ = try #require(dongle.waitFor { if case .gapConnectDirect = $0 { true } else { false } })
        let endsBefore = dongle.commands.filter { if case .gapEndProcedure = $0 { true } else { false } }.count
        try backend.stopScanning()
        #expect(dongle.commands.filter { if case .gapEndProcedure = $0 { true } else { false } }.count == endsBefore,
                "no gap_end_procedure while another caller's connect initiates")
        dongle.send([Self.status(Self.c0, Self.hrm)])
        #expect(connected.wait(for: 1, within: 2) && connected.all == [true])
    }

    @Test func aLinkThatCompletesAfterItsConnectTimedOutIsDisconnected() throws {
        let initiating = Recorder<Bool>()
        let (dongle, backend) = try Self.scripted { command in
            switch command {
            case .gapConnectDirect:
                initiating.add(true)
                return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: Self.c0)))]]
            // The CONNECT_REQ had gone out: ending the procedure comes too late, the link completes.
            case .gapEndProcedure where initiating.count > 0:
                return [[.response(.gapEndProcedure(.init(result: .success))), Self.status(Self.c0, Self.hrm)]]
            default: return nil
            }
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        #expect(throws: BGAPIError.timeout(operation: "connect", after: .milliseconds(300))) {
            try backend.connect(address: Self.hrm, timeout: .milliseconds(300))
        }
        #expect(dongle.waitFor { $0 == .connectionDisconnect(.init(connection: Self.c0)) } != nil,
                "the late link is closed, not left holding a slot")
        #expect(backend.connectedDevices.isEmpty)
    }

    // MARK: 5. Timed-out procedures

    @Test func aTimedOutReadDoesNotPoisonTheLinkAndItsLateValueIsNoNotification() throws {
        let (dongle, backend) = try Self.scripted { command in
            switch command {
            case .gapConnectDirect: return Self.connecting(Self.c0, Self.hrm)
            case .attClientReadByHandle: return [[.response(.attClientReadByHandle(.init(connection: Self.c0, result: .success)))]]
            default: return nil
            }
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let device = try backend.connect(address: Self.hrm)
        let notified = Recorder<[UInt8]>()
        backend.setEventHandler { if case let .notification(_, _, v, _) = $0 { notified.add(v) } }
        #expect(throws: BGAPIError.timeout(operation: "read", after: .milliseconds(200))) {
            try device.readHandle(AttributeHandle(0x10), timeout: .milliseconds(200))
        }
        let second = Recorder<Result<[UInt8], BGAPIError>>()
        DispatchQueue.global().async {
            do throws(BGAPIError) { second.add(.success(try device.readHandle(AttributeHandle(0x11)))) }
            catch { second.add(.failure(error)) }
        }
        let reads = { dongle.commands.filter { if case .attClientReadByHandle = $0 { true } else { false } }.count }
        #expect(dongle.waitFor(within: .milliseconds(300)) { $0 == .attClientReadByHandle(.init(connection: Self.c0, chrHandle: AttributeHandle(0x11))) } == nil,
                "the second read waits for the dongle to end the first (no wrong_state)")
        #expect(reads() == 1)
        // The dongle finally answers the first read.
        dongle.send([.event(.attClientAttributeValue(.init(connection: Self.c0, attHandle: AttributeHandle(0x10), type: .read, value: [0xAA])))])
        _ = try #require(dongle.waitFor { $0 == .attClientReadByHandle(.init(connection: Self.c0, chrHandle: AttributeHandle(0x11))) })
        dongle.send([.event(.attClientAttributeValue(.init(connection: Self.c0, attHandle: AttributeHandle(0x11), type: .read, value: [0xBB])))])
        #expect(second.wait(for: 1, within: 2))
        #expect(try second.all.first?.get() == [0xBB])
        #expect(notified.all.isEmpty, "the late value was never delivered as a notification")
    }

    // MARK: 6. Raw API

    @Test func sendThenExpectSeesTheEventsThatFollowTheResponseInTheSameBurst() throws {
        let (dongle, backend) = try Self.scripted { command in
            switch command {
            case .systemGetConnections:
                // The response and every status in one write, as a BLED112 can send them.
                return [[.response(.systemGetConnections(.init(maxConn: 3)))]
                    + (0 ..< 3).map { Self.status(ConnectionHandle(UInt8($0)), BluetoothAddress(rawValue: 0), []) }]
            case .smGetBonds:
                return [[.response(.smGetBonds(.init(bonds: 2))),
                         .event(.smBondStatus(.init(bond: BondHandle(rawValue: 0), keySize: 16, mitm: true, keys: []))),
                         .event(.smBondStatus(.init(bond: BondHandle(rawValue: 1), keySize: 16, mitm: false, keys: [])))]]
            case .flashPSDump:
                return [[.response(.flashPSDump(.init())),
                         .event(.flashPSKey(.init(key: 0x8000, value: [1, 2]))),
                         .event(.flashPSKey(.init(key: 0xFFFF, value: [])))]]
            default: return nil
            }
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        _ = dongle
        // pygatt's pattern: send the command, then expect each event it causes.
        let rsp = try backend.send(SystemGetConnectionsCommand())
        #expect(rsp.maxConn == 3)
        for handle in 0 ..< 3 {
            #expect(try backend.expect(ConnectionStatusEvent.self, timeout: .milliseconds(500)).connection == ConnectionHandle(UInt8(handle)))
        }
        #expect(try backend.send(SMGetBondsCommand()).bonds == 2)
        #expect(try backend.expect(SMBondStatusEvent.self, timeout: .milliseconds(500)).bond == BondHandle(rawValue: 0))
        #expect(try backend.expect(SMBondStatusEvent.self, timeout: .milliseconds(500)).bond == BondHandle(rawValue: 1))
        _ = try backend.send(FlashPSDumpCommand())
        var keys: [UInt16] = []
        while keys.last != 0xFFFF { keys.append(try backend.expect(FlashPSKeyEvent.self, timeout: .milliseconds(500)).key) }
        #expect(keys == [0x8000, 0xFFFF])
    }

    @Test func commandsWithoutAResponseNeitherBlockNorThrow() throws {
        let (dongle, backend) = try Self.scripted()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let started = ContinuousClock.now
        _ = try backend.send(DFUResetCommand(dfu: false))
        _ = try backend.send(SystemHelloCommand())
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(dongle.commands.suffix(2) == [.dfuReset(.init(dfu: false)), .systemHello(.init())])
    }

    // MARK: 7. Deadlines

    @Test func aLongWriteHonoursTheCallersTimeoutAsOneDeadline() throws {
        let dongle = try ScriptedDongle()
        dongle.respond { command in
            switch command {
            case .gapConnectDirect: return Self.connecting(Self.c0, Self.hrm)
            case let .attClientPrepareWrite(c):
                // Each chunk takes 150 ms: quick enough alone, too slow together.
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(150)) {
                    dongle.send([.event(.attClientProcedureCompleted(.init(connection: Self.c0, result: .success, chrHandle: c.attHandle)))])
                }
                return [[.response(.attClientPrepareWrite(.init(connection: Self.c0, result: .success)))]]
            default: return nil
            }
        }
        let backend = BGAPIBackend(serialPort: dongle.path)
        try backend.start(reset: false)
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let device = try backend.connect(address: Self.hrm)
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.timeout(operation: "long write", after: .milliseconds(500))) {
            try device.writeLongHandle(AttributeHandle(0x10), Array(repeating: 1, count: 200), timeout: .milliseconds(500))
        }
        #expect(ContinuousClock.now - started < .milliseconds(900))
    }

    // MARK: 8. Errors

    @Test func notConnectedFromTheDongleMarksTheLinkDownAndRSSINeverReturnsASentinel() throws {
        let rssi = Recorder<Int>()
        let (dongle, backend) = try Self.scripted { command in
            switch command {
            case let .gapConnectDirect(c): return Self.connecting(c.address == Self.hrm ? Self.c0 : Self.c1, c.address)
            case .attClientReadByHandle: return [[.response(.attClientReadByHandle(.init(connection: Self.c0, result: .notConnected)))]]
            case let .connectionGetRSSI(c):
                rssi.add(1)
                let answers: [Int8] = [25, 127, -70]
                return [[.response(.connectionGetRSSI(.init(connection: c.connection, rssi: answers[min(rssi.count, 3) - 1])))]]
            default: return nil
            }
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let device = try backend.connect(address: Self.hrm)
        #expect(throws: BGAPIError.notConnected) { try device.readHandle(AttributeHandle(3)) }
        #expect(!device.isConnected && device.disconnectReason == .notConnected)
        let thermo = try backend.connect(address: Self.thermo)
        #expect(try thermo.rssi() == -70)
        #expect(rssi.count == 3, "25 and 127 were asked again, not returned")
    }

    // MARK: 9. Thread safety

    @Test func userCodeNeverRunsOnTheBackendQueueSoItMayCallTheBackend() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        // A scan sink that asks the backend something (this trapped when sinks ran on the backend's queue).
        let sunk = Recorder<Bool>()
        try backend.startScanning(sink: { _ in sunk.add(backend.isRunning) })
        #expect(sunk.wait(for: 3, within: 3) && sunk.all.allSatisfy { $0 })
        try backend.stopScanning()
        // An expect predicate that calls the backend.
        _ = try backend.sendCommand(.systemGetConnections(.init()))
        let event = try backend.expect(timeout: .seconds(1)) { _ in backend.isRunning && backend.commandTimeout > .zero }
        #expect(event.payload is ConnectionStatusEvent)
        // Settings from many threads at once (ThreadSanitizer checks this run).
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            backend.commandTimeout = .seconds(Int64(3 + i % 3))
            _ = backend.commandTimeout
            backend.tracesTraffic = i % 2 == 0
        }
        backend.tracesTraffic = false
    }

    @Test func aScanWithAnEarlyStopStartedFromACallbackStopsEarly() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let took = Recorder<Duration>()
        backend.setEventHandler { event in
            guard case .connected = event else { return }
            // Inside a callback, on the callback queue: the scan's own reports must still reach its closure.
            let started = ContinuousClock.now
            _ = try? backend.scan(timeout: .seconds(10)) { $0.address == Demo.uart }
            took.add(ContinuousClock.now - started)
        }
        _ = try backend.connect(address: Demo.hrm)
        #expect(took.wait(for: 1, within: 15))
        #expect(took.all.first.map { $0 < .seconds(5) } == true, "stopped at the first report from the UART peripheral")
    }

    // MARK: The injectable clock

    @Test func onAManualSchedulerAThirtySecondTimeoutTakesNoWallTime() throws {
        let dongle = try ScriptedDongle()
        dongle.respond { command in
            switch command {
            case .gapConnectDirect: return Self.connecting(Self.c0, Self.hrm)
            case .attClientReadByHandle: return [[.response(.attClientReadByHandle(.init(connection: Self.c0, result: .success)))]]
            default: return nil
            }
        }
        let clock = ManualScheduler()
        let backend = BGAPIBackend(port: .path(dongle.path), scheduler: clock)
        try backend.start(reset: false)
        defer { backend.stop() }
        let device = try backend.connect(address: Self.hrm)
        let started = ContinuousClock.now
        let result = Recorder<Result<[UInt8], BGAPIError>>()
        DispatchQueue.global().async {
            do throws(BGAPIError) { result.add(.success(try device.readHandle(AttributeHandle(3), timeout: .seconds(30)))) }
            catch { result.add(.failure(error)) }
        }
        _ = try #require(dongle.waitFor { if case .attClientReadByHandle = $0 { true } else { false } })
        clock.advance(by: .seconds(29))
        #expect(!result.wait(for: 1, within: 0.1), "not before its deadline")
        clock.advance(by: .seconds(1))
        #expect(result.wait(for: 1, within: 2))
        guard case .failure(.timeout(operation: "read", after: .seconds(30)))? = result.all.first else {
            Issue.record("\(result.all)"); return
        }
        #expect(ContinuousClock.now - started < .seconds(5), "thirty seconds of deadline, no thirty seconds of waiting")
    }

    // MARK: 10. Secondary services and includes

    @Test func secondaryServicesAndIncludesAreDiscoveredWithTheirCharacteristics() throws {
        let scenario = try Scenario.decode(json: Data("""
        { "name": "nested", "seed": 1, "peripherals": [
          { "id": "n", "address": "AA:00:00:00:00:07", "advertisingIntervalMs": 20, "advertising": { "flags": 6, "name": "Nest" },
            "services": [
              { "uuid": "FFA0", "includes": ["FFB0"], "characteristics": [ { "uuid": "FFA1", "properties": ["read"], "value": "01" } ] },
              { "uuid": "FFB0", "primary": false, "characteristics": [ { "uuid": "FFB1", "properties": ["read"], "value": "02" } ] }
            ] } ] }
        """.utf8))
        let dongle = try VirtualDongle(scenario: scenario)
        let backend = try dongle.startedBackend()
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let device = try backend.connect(address: BluetoothAddress("AA:00:00:00:00:07")!)
        let services = try device.discoverServices()
        let secondary = try #require(services.first { $0.uuid.matches(BluetoothUUID(0xFFB0)) })
        #expect(!secondary.isPrimary)
        #expect(secondary.characteristics.map(\.uuid) == [BluetoothUUID(0xFFB1)])
        let primary = try #require(services.first { $0.uuid.matches(BluetoothUUID(0xFFA0)) })
        #expect(primary.includes.map(\.startHandle) == [secondary.startHandle])
        #expect(try device.read(BluetoothUUID(0xFFB1)) == [2])
    }
}

extension LinkLifecycleTests {
    @Test func cancelConnectEndsABlockedConnectAtOnce() throws {
        let (dongle, backend) = try Self.scripted { command in
            guard case .gapConnectDirect = command else { return nil }
            return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: Self.c0)))]]
        }
        defer { backend.stop(); withExtendedLifetime(dongle) {} }
        let result = Recorder<Result<Bool, BGAPIError>>()
        Thread {
            do throws(BGAPIError) { result.add(.success(try backend.connect(address: Self.hrm, timeout: .seconds(10)).isConnected)) }
            catch { result.add(.failure(error)) }
        }.start()
        _ = try #require(dongle.waitFor { if case .gapConnectDirect = $0 { true } else { false } })
        let ends = dongle.commands.filter { $0 == .gapEndProcedure(.init()) }.count
        let started = ContinuousClock.now
        backend.cancelConnect(to: Self.hrm)
        #expect(result.wait(for: 1, within: 2))
        #expect(ContinuousClock.now - started < .seconds(1), "not at the 10 s timeout")
        guard case .failure(.cancelled)? = result.all.first else { Issue.record("\(result.all)"); return }
        #expect(dongle.waitFor { _ in dongle.commands.filter { $0 == .gapEndProcedure(.init()) }.count > ends } != nil)
    }
}

extension LinkLifecycleTests {
    @Test func startAfterAResetWaitsForTheDongleToLeaveTheBusInsteadOfReopeningTheOldPort() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-reset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyACM0").path
        let old = try ScriptedDongle(), new = try ScriptedDongle()
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: old.path)
        old.respond { command in
            guard case .systemReset = command else { return nil }
            // A slow USB stack: the old node lingers 200 ms, the new one appears at 500 ms.
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) {
                try? FileManager.default.removeItem(atPath: link)
                old.unplug()
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(500)) {
                try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: new.path)
            }
            return []
        }
        let backend = BGAPIBackend(serialPort: link)
        try backend.start(reset: true, delayAfterReset: .milliseconds(20))
        defer { backend.stop() }
        #expect(new.commands.contains { if case .gapSetMode = $0 { true } else { false } }, "set up on the new port")
        #expect(!old.commands.contains { if case .gapSetMode = $0 { true } else { false } }, "not on the node about to vanish")
        #expect(try backend.sendCommand(.systemHello(.init())) == .systemHello(.init()))
        #expect(backend.isRunning)
    }
}

extension LinkLifecycleTests {
    @Test func subscribingAgainAfterAReconnectWritesTheCCCDTheNewLinkStartedWithout() throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let storm = try backend.connect(address: Demo.stormAddress)
        let values = Recorder<Int>()
        try storm.subscribe(BluetoothUUID(0xFFE1)) { _, _ in values.add(1) }
        #expect(values.wait(for: 3, within: 2))
        let losses = Recorder<LinkLoss>()
        storm.onDisconnect { losses.add($0) }
        dongle.inject(.disconnect, peripheral: "storm", code: 0x0208)
        #expect(losses.wait(for: 1, within: 2))
        try storm.reconnect()
        let before = values.count
        // The subscription is remembered, but this link's CCCD is off: subscribe must write it, not skip it.
        try storm.subscribe(BluetoothUUID(0xFFE1))
        #expect(values.wait(for: before + 3, within: 2), "notifications flow on the new link")
    }
}
