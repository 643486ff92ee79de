import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import Dispatch
import Foundation
import Testing

/// The async API on the same host procedures, through real ptys: awaited calls, scans and notifications as
/// async sequences that start and stop the dongle's work, cancellation that leaves links usable.
@Suite(.serialized) struct AsyncAPITests {
    static let c0 = ConnectionHandle(0)

    @Test func everyCallAwaitsTheSameProceduresAsTheBlockingAPI() async throws {
        let dongle = try VirtualDongle()
        let backend = BGAPIBackend(serialPort: dongle.link)
        try await backend.start(reset: true, delayAfterReset: .milliseconds(20))
        defer { backend.stop() }
        let long = try await backend.connect(to: Demo.long)
        #expect(try await backend.connect(to: Demo.long) === long)
        let services = try await long.discover()
        #expect(services.contains { $0.characteristics.contains { $0.uuid.matches(Demo.longText) } })
        let text = Array("The quick brown fox jumps over the lazy dog, twice over.".utf8)
        #expect(try await long.read(Demo.longText) == Array(text.prefix(22)))
        #expect(try await long.readLong(Demo.longText) == text)
        let new = (0 ..< 100).map(UInt8.init)
        try await long.writeLong(Demo.longText, new)
        #expect(try await long.readLong(Demo.longText) == new)
        try await long.write(Demo.longText, [1, 2, 3])
        #expect(try await long.readHandle(try long.handle(for: Demo.longText)) == [1, 2, 3])
        let rssi = try await long.rssi()
        #expect((-127 ... 20).contains(rssi) && rssi != 0)
        await #expect(throws: BGAPIError.invalidArgument("21 bytes do not fit one write (at most 20); use a long write")) {
            try await long.write(Demo.longText, Array(repeating: 0, count: 21))
        }
        try backend.setSecurityParameters(requireMITM: true, ioCapabilities: .keyboardOnly)
        let lock = try await backend.connect(to: Demo.lock)
        await #expect(throws: BGAPIError.att(.insufficientAuthentication)) { try await lock.read(Demo.lockState) }
        try await lock.bond(permanent: true, passkey: 123_456)
        #expect(lock.isEncrypted)
        try await lock.write(Demo.lockState, [1])
        #expect(try await lock.read(Demo.lockState) == [1])
        #expect(try await backend.bonds().count == 1)
        try backend.clearBond()
        try await lock.disconnect()
        #expect(!lock.isConnected)
    }

    // MARK: Scans

    static func scanningDongle() throws -> ScriptedDongle {
        let dongle = try ScriptedDongle()
        dongle.respond { command in
            guard case .gapDiscover = command else { return nil }
            let report = { (i: UInt8) in
                BGAPIMessage.event(.gapScanResponse(.init(rssi: -50, packetType: .connectableAdvertisement,
                                                          sender: BluetoothAddress(rawValue: UInt64(i)), addressType: .public,
                                                          bond: .none, data: [2, 1, 6])))
            }
            return [[.response(.gapDiscover(.init(result: .success)))], (1 ... 5).map(report)]
        }
        return dongle
    }

    static func endProcedures(_ dongle: ScriptedDongle) -> Int {
        dongle.commands.filter { $0 == .gapEndProcedure(.init()) }.count
    }

    @Test func breakingOutOfAScanEndsItOnTheDongle() async throws {
        let dongle = try Self.scanningDongle()
        let backend = BGAPIBackend(serialPort: dongle.path)
        try await backend.start(reset: false)
        defer { backend.stop() }
        let before = Self.endProcedures(dongle)
        var heard: [BluetoothAddress] = []
        for try await report in backend.scan() {
            heard.append(report.address)
            if heard.count == 3 { break }
        }
        #expect(heard.count == 3)
        let end = try #require(await dongle.waitFor { $0 == .gapEndProcedure(.init()) && Self.endProcedures(dongle) > before })
        // The bytes on the wire: class 6 (gap), id 4 (end_procedure), no payload.
        #expect(try end.encodedBytes() == [0x00, 0x00, 0x06, 0x04])
        #expect(Self.endProcedures(dongle) == before + 1)
    }

    @Test func cancellingTheScanningTaskEndsTheScanOnTheDongle() async throws {
        let dongle = try Self.scanningDongle()
        let backend = BGAPIBackend(serialPort: dongle.path)
        try await backend.start(reset: false)
        defer { backend.stop() }
        let before = Self.endProcedures(dongle)
        let task = Task {
            var n = 0
            for try await _ in backend.scan() {
                n += 1
                // The task is cancelled while it iterates, as a caller's would be.
                if n == 5 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return n
        }
        let heard = try? await task.value
        #expect(heard == nil || heard == 5, "the loop ended at the cancellation")
        #expect(await dongle.waitFor { _ in Self.endProcedures(dongle) > before } != nil, "gap_end_procedure after cancellation")
    }

    // MARK: Notifications

    @Test func aNotificationSequenceWritesTheCCCDWhenIterationStartsAndClearsItWhenItEnds() async throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let writes = Recorder<[UInt8]>()
        backend.tracesTraffic = true
        backend.setEventHandler { event in
            if case let .traffic(r) = event, r.isOutgoing, case let .command(.attClientAttributeWrite(w)) = r.message { writes.add(w.data) }
        }
        let storm = try await backend.connect(to: Demo.stormAddress)
        let sequence = storm.notifications(for: BluetoothUUID(0xFFE1))
        #expect(writes.count == 0, "nothing is written before iteration starts")
        var values: [[UInt8]] = []
        for try await value in sequence {
            values.append(value)
            if values.count == 5 { break }
        }
        #expect(values.count == 5)
        // Consecutive counter values: none lost, in order.
        let counters = values.map { $0.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
        #expect(zip(counters, counters.dropFirst()).allSatisfy { $1 == $0 + 1 })
        #expect(writes.wait(for: 2, within: 2))
        #expect(writes.all == [[0x01, 0x00], [0x00, 0x00]], "on at the start, off at the end")
        #expect(storm.subscriptions.isEmpty)
    }

    @Test func aDisconnectFinishesANotificationSequenceWithTheLoss() async throws {
        let dongle = try VirtualDongle(scenario: Demo.storm(intervalMs: 10))
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let storm = try await backend.connect(to: Demo.stormAddress)
        var count = 0
        do {
            for try await _ in storm.notifications(for: BluetoothUUID(0xFFE1)) {
                count += 1
                if count == 3 { dongle.inject(.disconnect, peripheral: "storm", code: 0x0208) }
            }
            Issue.record("the sequence ended without an error")
        } catch let error as BGAPIError {
            #expect(error == .disconnected(reason: .connectionTimeout))
        }
        #expect(count >= 3)
    }

    // MARK: Cancellation

    @Test func cancellingALongReadEndsItAtOnceAndLeavesTheLinkUsable() async throws {
        let dongle = try ScriptedDongle()
        dongle.respond { command in
            switch command {
            case .gapConnectDirect:
                return [[.response(.gapConnectDirect(.init(result: .success, connectionHandle: Self.c0))),
                         .event(.connectionStatus(.init(connection: Self.c0, flags: [.connected, .completed], address: Demo.hrm,
                                                        addressType: .public, connInterval: 60, timeout: 100, latency: 0, bonding: .none)))]]
            case .attClientReadLong:
                // One chunk, then the peer goes quiet mid-read.
                return [[.response(.attClientReadLong(.init(connection: Self.c0, result: .success))),
                         .event(.attClientAttributeValue(.init(connection: Self.c0, attHandle: AttributeHandle(0x10), type: .read,
                                                               value: Array(repeating: 7, count: 22))))]]
            case .attClientReadByHandle:
                return [[.response(.attClientReadByHandle(.init(connection: Self.c0, result: .success))),
                         .event(.attClientAttributeValue(.init(connection: Self.c0, attHandle: AttributeHandle(0x11), type: .read, value: [9])))]]
            default: return nil
            }
        }
        let backend = BGAPIBackend(serialPort: dongle.path)
        try await backend.start(reset: false)
        defer { backend.stop() }
        let device = try await backend.connect(to: Demo.hrm)
        let task = Task { try await device.readLongHandle(AttributeHandle(0x10), timeout: .seconds(30)) }
        _ = try #require(await dongle.waitFor { if case .attClientReadLong = $0 { true } else { false } })
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Promptly: well before the 30 s deadline (5 s of slack for a machine loaded by the whole suite in parallel).
        #expect(ContinuousClock.now - cancelled < .seconds(5), "promptly, not at the 30 s deadline")
        #expect(device.isConnected)
        // The dongle finishes the read it was running; the link then serves the next call.
        let next = Task { try await device.readHandle(AttributeHandle(0x11)) }
        #expect(await dongle.waitFor(within: .milliseconds(200)) { if case .attClientReadByHandle = $0 { true } else { false } } == nil)
        dongle.send([.event(.attClientProcedureCompleted(.init(connection: Self.c0, result: .success, chrHandle: AttributeHandle(0x10))))])
        #expect(try await next.value == [9])
    }

    // MARK: Events

    @Test func backendEventsReportLinksWithReasonsAndTheDongleLeaving() async throws {
        let dongle = try VirtualDongle()
        let backend = try dongle.startedBackend()
        defer { backend.stop() }
        let events = backend.events
        let seen = Task {
            var lines: [String] = []
            for await event in events {
                switch event {
                case let .connected(address, _): lines.append("up \(address)")
                case let .disconnected(address, _, reason):
                    lines.append("down \(address) \(reason)")
                    dongle.inject(.unplug, seconds: 0.2)   // then the dongle leaves the bus
                case .portClosed: lines.append("port closed"); return lines
                default: continue
                }
            }
            return lines
        }
        _ = try await backend.connect(to: Demo.hrm)
        dongle.inject(.disconnect, peripheral: "hrm", code: 0x0213)
        let lines = await seen.value
        #expect(lines.first == "up \(Demo.hrm)")
        #expect(lines.contains("down \(Demo.hrm) \(LinkLoss.disconnected(.remoteUserTerminatedConnection))"))
        #expect(lines.last == "port closed")
    }
}
