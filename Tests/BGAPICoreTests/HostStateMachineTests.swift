import BGAPICore
import Testing

/// The sans-IO host: operations and messages in, writes and completions out, on a timeline we choose.
struct HostStateMachineTests {
    let c0 = ConnectionHandle(0), c1 = ConnectionHandle(1)
    let id1 = HostRequestID(rawValue: 1), id2 = HostRequestID(rawValue: 2), id3 = HostRequestID(rawValue: 3)

    func writes(_ actions: [HostAction]) -> [[UInt8]] {
        actions.compactMap { if case let .write(b) = $0 { b } else { nil } }
    }

    func completions(_ actions: [HostAction]) -> [HostRequestID: Result<HostResult, BGAPIError>] {
        var out: [HostRequestID: Result<HostResult, BGAPIError>] = [:]
        for case let .complete(id, r) in actions { out[id] = r }
        return out
    }

    func events(_ actions: [HostAction]) -> [BGAPIEvent] {
        actions.compactMap { if case let .event(e) = $0 { e } else { nil } }
    }

    func value(_ c: ConnectionHandle, _ h: UInt16, _ type: AttributeValueType, _ v: [UInt8]) -> BGAPIMessage {
        .event(.attClientAttributeValue(.init(connection: c, attHandle: AttributeHandle(h), type: type, value: v)))
    }

    func completed(_ c: ConnectionHandle, _ result: BGAPIErrorCode, _ h: UInt16) -> BGAPIMessage {
        .event(.attClientProcedureCompleted(.init(connection: c, result: result, chrHandle: AttributeHandle(h))))
    }

    func read(_ c: ConnectionHandle, _ h: UInt16) -> HostOperation {
        .gatt(c, .read(AttributeHandle(h)), .attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(h))))
    }

    @Test func oneCommandInFlightAndResponsesMatchedInOrder() {
        var host = BGAPIHost()
        let first = host.submit(.command(.systemAddressGet(.init())), id: id1, timeout: .seconds(1), at: .zero)
        #expect(writes(first) == [[0x00, 0x00, 0x00, 0x02]])
        let second = host.submit(.command(.systemGetInfo(.init())), id: id2, timeout: .seconds(1), at: .zero)
        #expect(writes(second).isEmpty, "a second command waits for the first response")
        let address = BluetoothAddress("00:07:80:B1:E0:01")!
        let out = host.receive(.response(.systemAddressGet(.init(address: address))), at: .milliseconds(5))
        #expect(writes(out) == [[0x00, 0x00, 0x00, 0x08]])
        guard case let .success(.response(.systemAddressGet(r)?))? = completions(out)[id1] else {
            Issue.record("address not delivered: \(out)"); return
        }
        #expect(r.address == address)
        #expect(completions(out)[id2] == nil)
    }

    @Test func nonZeroResultsBecomeTypedErrorsNamingTheCode() {
        var host = BGAPIHost()
        _ = host.submit(.checkedCommand(.gapDiscover(.init(mode: .generic))), id: id1, timeout: .seconds(1), at: .zero)
        let out = host.receive(.response(.gapDiscover(.init(result: .wrongState))), at: .zero)
        #expect(completions(out)[id1] == .failure(.bgapi(.wrongState)))
        #expect("\(BGAPIError.bgapi(.wrongState))".contains("0x0181"))
    }

    @Test func aReadDeadlineHoldsWhileNotificationsStream() {
        var host = BGAPIHost()
        _ = host.submit(read(c0, 0x10), id: id1, timeout: .seconds(1), at: .zero)
        _ = host.receive(.response(.attClientReadByHandle(.init(connection: c0, result: .success))), at: .milliseconds(1))
        var t = Duration.milliseconds(10)
        var notified = 0
        while t < .seconds(3) {
            // The same handle notifies: that is not the read's answer.
            let out = host.receive(value(c0, 0x10, .notify, [UInt8(notified & 0xFF)]), at: t) + host.expire(at: t)
            notified += events(out).count
            if let r = completions(out)[id1] {
                #expect(r == .failure(.timeout(operation: "attclient_read_by_handle", after: .seconds(1))))
                #expect(t >= .seconds(1) && t < .milliseconds(1060))
                #expect(notified > 90, "every notification is still delivered")
                return
            }
            t += .milliseconds(10)
        }
        Issue.record("the read never timed out")
    }

    @Test func aReadTakesOnlyAReadValueForItsHandle() {
        var host = BGAPIHost()
        _ = host.submit(read(c0, 0x10), id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientReadByHandle(.init(connection: c0, result: .success))), at: .zero)
        #expect(completions(host.receive(value(c0, 0x10, .notify, [1]), at: .zero)).isEmpty)
        #expect(completions(host.receive(value(c0, 0x11, .read, [2]), at: .zero)).isEmpty)
        #expect(completions(host.receive(value(c1, 0x10, .read, [3]), at: .zero)).isEmpty)
        #expect(completions(host.receive(value(c0, 0x10, .read, [4, 5]), at: .zero))[id1] == .success(.value([4, 5])))
    }

    @Test func attErrorsEndTheProcedureAndNothingIsResent() {
        var host = BGAPIHost()
        let op = HostOperation.gatt(c0, .write, .attClientAttributeWrite(.init(connection: c0, attHandle: AttributeHandle(9), data: [1])))
        _ = host.submit(op, id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientAttributeWrite(.init(connection: c0, result: .success))), at: .zero)
        let out = host.receive(completed(c0, .insufficientAuthentication, 9), at: .zero)
        #expect(completions(out)[id1] == .failure(.att(.insufficientAuthentication)))
        #expect(writes(out).isEmpty, "pygatt resends 0x0405 forever; we do not")
        #expect(host.isIdle)
    }

    @Test func oneGATTProcedurePerConnectionButConnectionsRunSideBySide() {
        var host = BGAPIHost()
        _ = host.submit(read(c0, 0x10), id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientReadByHandle(.init(connection: c0, result: .success))), at: .zero)
        #expect(writes(host.submit(read(c0, 0x20), id: id2, timeout: .seconds(5), at: .zero)).isEmpty)
        let other = host.submit(read(c1, 0x30), id: id3, timeout: .seconds(5), at: .zero)
        #expect(writes(other) == [[0x00, 0x03, 0x04, 0x04, 0x01, 0x30, 0x00]])
        _ = host.receive(.response(.attClientReadByHandle(.init(connection: c1, result: .success))), at: .zero)
        let done = host.receive(value(c0, 0x10, .read, [7]), at: .zero)
        #expect(completions(done)[id1] == .success(.value([7])))
        #expect(writes(done) == [[0x00, 0x03, 0x04, 0x04, 0x00, 0x20, 0x00]], "the queued read goes once the link is free")
    }

    @Test func longReadGathersChunksUntilCompletion() {
        var host = BGAPIHost()
        let op = HostOperation.gatt(c0, .readLong(AttributeHandle(5)), .attClientReadLong(.init(connection: c0, chrHandle: AttributeHandle(5))))
        _ = host.submit(op, id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientReadLong(.init(connection: c0, result: .success))), at: .zero)
        _ = host.receive(value(c0, 5, .read, Array(repeating: 1, count: 22)), at: .zero)
        _ = host.receive(value(c0, 5, .readBlob, [2, 3]), at: .zero)
        let out = host.receive(completed(c0, .success, 5), at: .zero)
        #expect(completions(out)[id1] == .success(.value(Array(repeating: 1, count: 22) + [2, 3])))
    }

    @Test func connectWaitsForItsOwnLinkAndEndsTheProcedureOnTimeout() {
        var host = BGAPIHost()
        let target = BluetoothAddress("C4:7C:8D:6A:10:01")!
        let command = GAPConnectDirectCommand(address: target, addressType: .public, connIntervalMin: 60, connIntervalMax: 76,
                                              timeout: 100, latency: 0)
        _ = host.submit(.connect(command), id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.gapConnectDirect(.init(result: .success, connectionHandle: c1))), at: .zero)
        let otherLink = ConnectionStatusEvent(connection: c0, flags: [.connected, .parametersChange], address: BluetoothAddress("11:22:33:44:55:66")!,
                                              addressType: .public, connInterval: 60, timeout: 100, latency: 0, bonding: .none)
        #expect(completions(host.receive(.event(.connectionStatus(otherLink)), at: .zero)).isEmpty)
        let mine = ConnectionStatusEvent(connection: c1, flags: [.connected, .completed], address: target, addressType: .public,
                                         connInterval: 60, timeout: 100, latency: 0, bonding: .none)
        #expect(completions(host.receive(.event(.connectionStatus(mine)), at: .zero))[id1] == .success(.connected(mine)))

        _ = host.submit(.connect(command), id: id2, timeout: .seconds(5), at: .seconds(10))
        _ = host.receive(.response(.gapConnectDirect(.init(result: .success, connectionHandle: ConnectionHandle(2)))), at: .seconds(10))
        let out = host.expire(at: .seconds(15))
        #expect(completions(out)[id2] == .failure(.timeout(operation: "gap_connect_direct", after: .seconds(5))))
        #expect(writes(out) == [[0x00, 0x00, 0x06, 0x04]], "gap_end_procedure cancels the pending connection")
    }

    @Test func aDroppedLinkFailsItsRunningAndQueuedProceduresWithTheReason() {
        var host = BGAPIHost()
        _ = host.submit(read(c0, 0x10), id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientReadByHandle(.init(connection: c0, result: .success))), at: .zero)
        _ = host.submit(read(c0, 0x11), id: id2, timeout: .seconds(5), at: .zero)
        let out = host.receive(.event(.connectionDisconnected(.init(connection: c0, reason: .connectionTimeout))), at: .zero)
        #expect(completions(out)[id1] == .failure(.disconnected(reason: .connectionTimeout)))
        #expect(completions(out)[id2] == .failure(.disconnected(reason: .connectionTimeout)))
        #expect(events(out).count == 1)
        #expect(host.isIdle)
    }

    @Test func indicationsThatNeedConfirmationAreConfirmed() {
        var host = BGAPIHost()
        let out = host.receive(value(c1, 0x20, .indicateResponseRequired, [1]), at: .zero)
        #expect(writes(out) == [[0x00, 0x01, 0x04, 0x07, 0x01]])
        #expect(events(out).count == 1)
    }

    @Test func discoveryCollectsAndAttributeNotFoundEndsIt() {
        var host = BGAPIHost()
        let op = HostOperation.gatt(c0, .discoverServices, .attClientReadByGroupType(
            .init(connection: c0, start: .first, end: .last, uuid: BluetoothUUID(0x2800))))
        _ = host.submit(op, id: id1, timeout: .seconds(5), at: .zero)
        _ = host.receive(.response(.attClientReadByGroupType(.init(connection: c0, result: .success))), at: .zero)
        let g = AttClientGroupFoundEvent(connection: c0, start: AttributeHandle(1), end: AttributeHandle(5), uuid: BluetoothUUID(0x1800))
        _ = host.receive(.event(.attClientGroupFound(g)), at: .zero)
        let out = host.receive(completed(c0, .attributeNotFound, 0xFFFF), at: .zero)
        #expect(completions(out)[id1] == .success(.services([g])))
    }

    @Test func aLateResponseIsReportedNotMatchedToTheNextCommand() {
        var host = BGAPIHost()
        _ = host.submit(.command(.systemGetInfo(.init())), id: id1, timeout: .seconds(1), at: .zero)
        #expect(completions(host.expire(at: .seconds(1)))[id1] != nil)
        _ = host.submit(.command(.systemAddressGet(.init())), id: id2, timeout: .seconds(1), at: .seconds(2))
        let late = host.receive(.response(.systemGetInfo(.init(major: 1, minor: 7, patch: 0, build: 147, llVersion: 6,
                                                              protocolVersion: 1, hw: 1))), at: .seconds(2))
        #expect(completions(late).isEmpty)
        #expect(late.contains { if case .unmatchedResponse = $0 { true } else { false } })
    }

    @Test func failAllEndsEveryPendingCall() {
        var host = BGAPIHost()
        _ = host.submit(.command(.systemGetInfo(.init())), id: id1, timeout: .seconds(1), at: .zero)
        _ = host.submit(read(c0, 1), id: id2, timeout: .seconds(1), at: .zero)
        let out = host.failAll(.portClosed("unplugged"))
        #expect(completions(out).count == 2)
        #expect(host.isIdle && host.nextDeadline == nil)
    }
}
