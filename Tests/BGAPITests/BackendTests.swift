import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import Dispatch
import Foundation
import Testing

/// The library against the virtual BLED112 through a real pty: every pygatt method, and every pygatt
/// failure (reference §6) as a test.
@Suite(.serialized) struct BackendTests {
    @Test func startGetsTheAddressAndScanFindsDevicesWithTypesAndPerPacketRSSI() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01")!)
        #expect(backend.address == BluetoothAddress("00:07:80:B1:E0:01")!)

        let results = try backend.scan(timeout: .milliseconds(1500))
        let hrm = try #require(results.first { $0.address == Demo.hrm })
        #expect(hrm.name == "Pulse HRM")
        #expect(hrm.addressType == .public)
        #expect((-103 ... -38).contains(hrm.rssi))
        #expect(hrm.packetCount >= 2)
        #expect(hrm.isConnectable)
        #expect(hrm.latestByPacketType[.scanResponse]?.data.txPowerLevel == 4)
        #expect(hrm.latestByPacketType[.connectableAdvertisement]?.data.serviceUUIDs.contains { $0.matches(BluetoothUUID(0x180D)) } == true)
        let tag = try #require(results.first { $0.address == Demo.tag })
        #expect(tag.addressType == .random)
        let beacon = try #require(results.first { $0.address == BluetoothAddress("D6:1E:0B:EA:C0:06")! })
        #expect(beacon.recentReports.first?.data.manufacturerData.first?.iBeacon?.major == 1)
        #expect(!beacon.isConnectable)
        // The hostile name arrives as received (U+FFFD for its bad bytes); rendering it inert is the UI's job.
        let hostile = try #require(results.first { $0.address == BluetoothAddress("DE:AD:BE:EF:00:09")! })
        #expect(hostile.name?.contains("\u{1B}[31m") == true)
        #expect(hostile.name?.contains("\u{FFFD}") == true)

        // Early stop from the callback ends the scan long before its timeout.
        let started = ContinuousClock.now
        let early = try backend.scan(timeout: .seconds(20)) { report in report.address == Demo.uart }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(early.contains { $0.address == Demo.uart })
        #expect(try backend.filteredScan(nameFilter: "Thermo", timeout: .milliseconds(800)).map(\.address) == [Demo.thermo])
    }

    @Test func discoveryKeepsDuplicateUUIDsAndFindsPropertiesAndDescriptors() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let thermo = try backend.connect(address: Demo.thermo)
        let services = try thermo.discoverServices()
        #expect(services.map(\.uuid.description).prefix(2) == ["1800", "1801"])
        let temperatures = try thermo.characteristics(matching: BluetoothUUID(0x2A6E))
        #expect(temperatures.count == 2, "pygatt kept only the last (#249)")
        #expect(Set(temperatures.map(\.valueHandle)).count == 2)
        for t in temperatures {
            #expect(t.properties == [.read, .notify])
            #expect(t.configurationDescriptor != nil)
            #expect(t.descriptors.contains { $0.uuid.matches(BluetoothUUID(0x2901)) })
        }
        let indoor = try thermo.readHandle(try #require(temperatures.first?.descriptors.first { $0.uuid.matches(BluetoothUUID(0x2901)) }).handle)
        #expect(String(decoding: indoor, as: UTF8.self) == "Indoor")
        #expect(try thermo.read(BluetoothUUID(0x2A29)) == Array("Acme Sensors".utf8))
        #expect(try thermo.handle(for: BluetoothUUID("00002a29-0000-1000-8000-00805f9b34fb")!) == thermo.handle(for: BluetoothUUID(0x2A29)))
        #expect(throws: BGAPIError.notFound("no characteristic 2A37 on \(Demo.thermo)")) { try thermo.read(BluetoothUUID(0x2A37)) }
    }

    @Test func readsWritesAndLongValuesRoundTrip() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let long = try backend.connect(address: Demo.long)
        let text = Array("The quick brown fox jumps over the lazy dog, twice over.".utf8)
        #expect(try long.read(Demo.longText) == Array(text.prefix(22)), "one read carries 22 bytes")
        #expect(try long.readLong(Demo.longText) == text)
        let new = Array((0 ..< 100).map { UInt8($0) })
        try long.writeLong(Demo.longText, new)
        #expect(try long.readLong(Demo.longText) == new)
        try long.write(Demo.longText, [1, 2, 3])
        #expect(try long.read(Demo.longText) == [1, 2, 3])
        try long.write(Demo.longText, [4, 5], withResponse: false)
        #expect(try long.read(Demo.longText) == [4, 5])
        // Too long for the procedure: refused before anything is sent.
        #expect(throws: BGAPIError.self) { try long.write(Demo.longText, Array(repeating: 0, count: 21)) }
        #expect(throws: BGAPIError.self) { try long.writeLong(Demo.longText, Array(repeating: 0, count: 513)) }
        // The peer's limit (maxLength 120) comes back as a typed ATT error, and nothing half-written remains.
        #expect(throws: BGAPIError.att(.invalidAttributeValueLength)) { try long.writeLong(Demo.longText, Array(repeating: 7, count: 200)) }
        #expect(try long.read(Demo.longText) == [4, 5])
    }

    @Test func attErrorsAreTypedAndNotRetriedForever() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let lock = try backend.connect(address: Demo.lock)
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.att(.insufficientAuthentication)) { try lock.write(Demo.lockState, [1]) }
        #expect(throws: BGAPIError.att(.insufficientAuthentication)) { try lock.read(Demo.lockState) }
        #expect(ContinuousClock.now - started < .seconds(2))
        let hrm = try backend.connect(address: Demo.hrm)
        #expect(throws: BGAPIError.att(.writeNotPermitted)) { try hrm.write(BluetoothUUID(0x2A38), [1]) }
        #expect(throws: BGAPIError.att(.readNotPermitted)) { try hrm.read(BluetoothUUID(0x2A39)) }
        dongle.inject(.attError, peripheral: "hrm", code: 0x0480)
        #expect(throws: BGAPIError.att(BGAPIErrorCode(rawValue: 0x0480))) { try hrm.read(BluetoothUUID(0x2A38)) }
        #expect(try hrm.read(BluetoothUUID(0x2A38)) == [1])
    }

    @Test func notificationsAndIndicationsReachCallbacksOnTheCallersQueue() throws {
        let queue = DispatchQueue(label: "test.callbacks")
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend(callbackQueue: queue)
        defer { backend.stop() }
        let device = try backend.connect(address: Demo.stormAddress)
        let notified = Recorder<UInt32>()
        let indicated = Recorder<[UInt8]>()
        try device.subscribe(BluetoothUUID(0xFFE1)) { _, value in
            dispatchPrecondition(condition: .onQueue(queue))
            notified.add(value.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        }
        try device.subscribe(BluetoothUUID(0xFFE3), indication: true) { _, value in indicated.add(value) }
        #expect(notified.wait(for: 30, within: 10))
        #expect(indicated.wait(for: 5, within: 10))
        let values = notified.all
        #expect(zip(values, values.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "in order, none lost: \(values.prefix(40))")
        try device.unsubscribe(BluetoothUUID(0xFFE1))
        let after = notified.count
        _ = try device.read(BluetoothUUID(0xFFE2)) // a round trip: anything in flight has arrived
        #expect(notified.count <= after + 1)
        #expect(throws: BGAPIError.self) { try device.subscribe(BluetoothUUID(0xFFE2)) } // no notify property, no CCCD
    }

    @Test func theAPIWorksFromInsideANotificationCallback() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let uart = try backend.connect(address: Demo.uart)
        let readInside = Recorder<Result<Int8, BGAPIError>>()
        try uart.subscribe(Demo.uartTX) { _, value in
            // pygatt deadlocked here (reference §5.5); we answer from the callback.
            readInside.add(Result { () throws(BGAPIError) in try uart.rssi() })
            if value == Array("ping".utf8) { try? uart.write(Demo.uartRX, Array("pong".utf8)) }
        }
        try uart.write(Demo.uartRX, Array("ping".utf8))
        #expect(readInside.wait(for: 2, within: 5), "the echo of pong arrives after the callback wrote it")
        for r in readInside.all { #expect((try? r.get()).map { (-103 ... -38).contains($0) } == true) }
    }

    @Test func aReadTimesOutOnTimeEvenDuringANotificationStorm() throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 5))
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let device = try backend.connect(address: Demo.stormAddress)
        let notified = Recorder<Int>()
        try device.subscribe(BluetoothUUID(0xFFE1)) { _, _ in notified.add(0) }
        #expect(notified.wait(for: 20, within: 5))
        dongle.inject(.dropResponse)
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.timeout(operation: "read", after: .milliseconds(500))) {
            _ = try device.readHandle(device.handle(for: BluetoothUUID(0xFFE2)), timeout: .milliseconds(500))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(500) && elapsed < .milliseconds(1500), "took \(elapsed)")
        let during = notified.count
        #expect(try device.read(BluetoothUUID(0xFFE2)) == [0xCA, 0xFE], "the next call works")
        #expect(notified.wait(for: during + 20, within: 5), "notifications kept flowing")
    }

    @Test func remoteDisconnectMarksTheDeviceWithItsReasonAndCallsBack() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let events = Recorder<BGAPIBackendEvent>()
        backend.setEventHandler { if case .disconnected = $0 { events.add($0) } }
        let hrm = try backend.connect(address: Demo.hrm)
        let reasons = Recorder<LinkLoss>()
        hrm.onDisconnect { reasons.add($0) }
        dongle.inject(.disconnect, peripheral: "hrm", code: 0x0213)
        #expect(reasons.wait(for: 1, within: 5))
        #expect(reasons.all == [.disconnected(.remoteUserTerminatedConnection)])
        #expect(!hrm.isConnected && hrm.disconnectReason == .disconnected(.remoteUserTerminatedConnection))
        #expect(events.wait(for: 1, within: 2))
        #expect(throws: BGAPIError.notConnected) { try hrm.read(BluetoothUUID(0x2A38)) }
        // Reconnecting makes a new link for the same peripheral: the same object.
        let again = try backend.connect(address: Demo.hrm)
        #expect(again === hrm && again.isConnected && hrm.disconnectReason == nil)
    }

    @Test func disconnectMidDiscoveryEndsItWithTheReason() throws {
        let dongle = try VirtualDongle(timing: .realistic)
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let thermo = try backend.connect(address: Demo.thermo)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) {
            dongle.inject(.disconnect, peripheral: "thermo", code: 0x0208)
        }
        #expect(throws: BGAPIError.disconnected(reason: .connectionTimeout)) { try thermo.discoverServices() }
    }

    @Test func severalConnectionsTheSlotLimitAndTheAlreadyConnectedCheck() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let hrm = try backend.connect(address: Demo.hrm)
        let thermo = try backend.connect(address: Demo.thermo)
        let uart = try backend.connect(address: Demo.uart)
        #expect(Set([hrm.connection, thermo.connection, uart.connection]).count == 3)
        #expect(try backend.connect(address: Demo.hrm) === hrm, "pygatt compared reversed addresses and never matched")
        #expect(throws: BGAPIError.bluetooth(.connectionLimitExceeded)) { try backend.connect(address: Demo.long) }
        #expect(try hrm.read(BluetoothUUID(0x2A38)) == [1])
        #expect(try thermo.read(BluetoothUUID(0x2A1D)) == [2])
        try uart.disconnect()
        #expect(!uart.isConnected)
        #expect(backend.connectedDevices.count == 2)
        let long = try backend.connect(address: Demo.long)
        #expect(long.isConnected)
    }

    @Test func connectChecksRangesAndTimesOutCleanly() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        #expect(throws: BGAPIError.self) { try backend.connect(address: Demo.hrm, intervalMin: .milliseconds(5)) }
        #expect(throws: BGAPIError.self) { try backend.connect(address: Demo.hrm, intervalMin: .milliseconds(100), intervalMax: .milliseconds(50)) }
        #expect(throws: BGAPIError.self) { try backend.connect(address: Demo.hrm, supervisionTimeout: .milliseconds(50)) }
        #expect(throws: BGAPIError.self) { try backend.connect(address: Demo.hrm, latency: 500) }
        #expect(throws: BGAPIError.self) {
            try backend.connect(address: Demo.hrm, intervalMax: .milliseconds(400), supervisionTimeout: .milliseconds(500), latency: 4)
        }
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.timeout(operation: "connect", after: .milliseconds(400))) {
            try backend.connect(address: BluetoothAddress("12:34:56:78:9A:BC")!, timeout: .milliseconds(400))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        // The pending connection was cancelled: the dongle is free to connect elsewhere.
        #expect(try backend.connect(address: Demo.hrm).isConnected)
    }

    @Test func passkeyBondingStoresABondThatClearBondRemoves() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        try backend.setSecurityParameters(requireMITM: true, ioCapabilities: .keyboardOnly)
        let lock = try backend.connect(address: Demo.lock)
        #expect(throws: BGAPIError.securityManager(.confirmValueFailed)) { try lock.bond(permanent: true, passkey: 111_111) }
        try lock.bond(permanent: true, passkey: 123_456)
        #expect(lock.isEncrypted)
        #expect(lock.bond != nil)
        try lock.write(Demo.lockState, [1])
        #expect(try lock.read(Demo.lockState) == [1])
        #expect(try backend.bonds().count == 1)
        try backend.clearBond()
        #expect(try backend.bonds().isEmpty)
    }

    @Test func passkeyCanBeAnsweredFromTheRequestEvent() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        try backend.setSecurityParameters(requireMITM: true, ioCapabilities: .keyboardDisplay)
        let lock = try backend.connect(address: Demo.lock)
        backend.setEventHandler { event in
            if case .passkeyRequested = event { try? lock.enterPasskey(123_456) }
        }
        try lock.bond()
        #expect(lock.isEncrypted)
    }

    @Test func rssiMTUAndRawCommands() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let hrm = try backend.connect(address: Demo.hrm)
        #expect((-103 ... -38).contains(try hrm.rssi()))
        #expect(try hrm.exchangeMTU(247) == 23)
        let info = try backend.send(SystemGetInfoCommand())
        #expect(info.major == 1 && info.build == 147)
        let response = try backend.sendCommand(.systemGetConnections(.init()))
        guard case let .systemGetConnections(r)? = response else { Issue.record("\(String(describing: response))"); return }
        #expect(r.maxConn == 3)
        // Raw expect: an event we provoke ourselves.
        let waiter = DispatchQueue.global()
        waiter.asyncAfter(deadline: .now() + .milliseconds(50)) { try? hrm.disconnect() }
        let event = try backend.expect(ConnectionDisconnectedEvent.self, timeout: .seconds(5))
        #expect(event.connection == hrm.connection)
    }

    @Test func aLostResponseTimesOutAndGarbageIsReportedAndSurvived() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let discarded = Recorder<Int>()
        backend.setEventHandler { if case let .discarded(d) = $0 { discarded.add(d.bytes.count) } }
        backend.commandTimeout = .milliseconds(300)
        dongle.inject(.dropResponse)
        #expect(throws: BGAPIError.timeout(operation: "system_address_get", after: .milliseconds(300))) { try backend.macAddress() }
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01")!)
        dongle.inject(.garble, seconds: nil)
        #expect(discarded.wait(for: 1, within: 3))
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01")!)
    }

    @Test func unplugFailsPendingCallsPromptlyAndTheBackendStartsAgain() throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        let closed = Recorder<String>()
        backend.setEventHandler { if case let .portClosed(why) = $0 { closed.add(why) } }
        let hrm = try backend.connect(address: Demo.hrm)
        dongle.inject(.delayResponse, seconds: 5)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { dongle.inject(.unplug, seconds: 0.2) }
        let started = ContinuousClock.now
        #expect(throws: BGAPIError.self) { try hrm.read(BluetoothUUID(0x2A38)) }
        #expect(ContinuousClock.now - started < .seconds(2), "pending calls fail at once, not at their deadline")
        #expect(closed.wait(for: 1, within: 2))
        #expect(!backend.isRunning && !hrm.isConnected)
        #expect(throws: BGAPIError.notRunning) { try backend.macAddress() }
        #expect(dongle.plugIns.wait(for: 3, within: 5), "back on the bus after the unplug")
        try backend.start(reset: false)
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01")!)
        #expect(try backend.connect(address: Demo.hrm).isConnected)
        backend.stop()
    }

    @Test func autoDiscoveryNeverResetsAPortItCannotConfirm() throws {
        let dev = FileManager.default.temporaryDirectory.appendingPathComponent("blex-dev-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dev) }
        try FileManager.default.createDirectory(at: dev, withIntermediateDirectories: true)
        // A pty stands in for the unknown USB modem: it would accept the reset if we sent it.
        let modem = try PseudoTerminal()
        try FileManager.default.createSymbolicLink(atPath: dev.appendingPathComponent("cu.usbmodem1411").path,
                                                   withDestinationPath: modem.slavePath)
        let backend = BGAPIBackend(port: .discover(PortDiscovery(strategy: .deviceNames, deviceRoot: dev.path)))
        #expect {
            try backend.start(reset: true)
        } throws: { error in
            guard case let .noDongle(why) = error as? BGAPIError else { return false }
            return why.contains("cu.usbmodem1411") && why.contains("--port")
        }
        #expect(!backend.isRunning)
        modem.close()
    }

    @Test func noDongleSaysWhatToDo() {
        let backend = BGAPIBackend(serialPort: "/nonexistent/ttyACM9")
        #expect {
            try backend.start(reset: false)
        } throws: { error in
            guard case let .noDongle(why) = error as? BGAPIError else { return false }
            return why.contains("/nonexistent/ttyACM9") && why.contains("plugged in")
        }
    }
}

/// The async bridge: the same calls from a task.
struct AsyncBridgeTests {
    @Test func callsRunFromATaskAndErrorsStayTyped() async throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let device = try await backend.perform { try $0.connect(address: Demo.hrm) }
        let location = try await backend.perform { _ in try device.read(BluetoothUUID(0x2A38)) }
        #expect(location == [1])
        do {
            _ = try await backend.perform { _ in try device.write(BluetoothUUID(0x2A38), [2]) }
            Issue.record("the write should have been refused")
        } catch {
            #expect(error == .att(.writeNotPermitted))
        }
    }
}
