import BGAPICore
import Testing

/// Links that never lie: registration, resets, GAP serialisation, timed-out procedures, errors — pure.
struct HostLinkLifecycleTests {
    typealias H = HostHarness

    // MARK: 1. Registration

    @Test func aLinkIsRegisteredTheMomentTheDongleReportsItBeforeTheCallCompletes() {
        var h = HostHarness()
        let (id, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let out = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        let up = out.firstIndex { if case .linkUp = $0 { true } else { false } }
        let done = out.firstIndex { if case .complete = $0 { true } else { false } }
        #expect(up != nil && done != nil && up! < done!)
        guard case let .success(.connected(link))? = completions(out)[id] else { Issue.record("\(out)"); return }
        #expect(h.host.link(link.id)?.address == H.hrm)
    }

    @Test func statusThenFailedToEstablishInOneBurstLeavesNoLinkUp() {
        var h = HostHarness()
        _ = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let burst = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
            + h.event(.connectionDisconnected(.init(connection: H.c0, reason: .connectionFailedToBeEstablished)))
        #expect(linksUp(burst).count == 1)
        #expect(linksDown(burst).map(\.1) == [.disconnected(.connectionFailedToBeEstablished)])
        #expect(h.host.activeLinks.isEmpty)
        let (read, out) = h.submit(.read(linksUp(burst)[0].id, AttributeHandle(3)))
        #expect(completions(out)[read] == .failure(.notConnected))
        #expect(writes(out).isEmpty)
    }

    @Test func aStatusWithoutTheConnectedFlagMarksTheLinkDown() {
        var h = HostHarness()
        let link = h.connect()
        let out = h.event(.connectionStatus(H.status(H.c0, H.hrm, flags: [])))
        #expect(linksDown(out).map(\.0.id) == [link.id])
        #expect(linksDown(out).map(\.1) == [.notConnected])
        #expect(h.host.activeLinks.isEmpty)
    }

    @Test func aStatusForAnUnusedSlotOfAnUnknownHandleChangesNothing() {
        var h = HostHarness()
        let link = h.connect()
        let out = h.event(.connectionStatus(H.status(H.c1, BluetoothAddress(rawValue: 0), flags: [])))
        #expect(linksDown(out).isEmpty)
        #expect(h.host.link(link.id) != nil)
    }

    @Test func aReusedHandleNeverAliasesTheOldLink() {
        var h = HostHarness()
        let old = h.connect(H.hrm, on: H.c0)
        // The dongle reports another peer on the same handle (the disconnect of the old one was never seen).
        let out = h.event(.connectionStatus(H.status(H.c0, H.thermo)))
        #expect(linksDown(out).map(\.0.id) == [old.id])
        let new = linksUp(out)
        #expect(new.count == 1 && new[0].id != old.id && new[0].address == H.thermo)
        let (read, r) = h.submit(.read(old.id, AttributeHandle(3)))
        #expect(completions(r)[read] == .failure(.notConnected), "a call for the old device never reaches the new one")
    }

    // MARK: 2. Dongle reset

    @Test func systemBootFailsEveryCallClosesEveryLinkAndStopsTheScan() {
        var h = HostHarness()
        let a = h.connect(H.hrm, on: H.c0)
        let b = h.connect(H.thermo, on: H.c1)
        let (scan, _) = h.submit(.startScan(.init(scanInterval: 75, scanWindow: 50, active: true), mode: .observation))
        _ = h.respond(.gapSetScanParameters(.init(result: .success)))
        #expect(completions(h.respond(.gapDiscover(.init(result: .success))))[scan] == .success(.done))
        #expect(h.host.isScanning)
        let (read, _) = h.submit(.read(a.id, AttributeHandle(3)))
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        let (queued, _) = h.submit(.read(a.id, AttributeHandle(4)))
        let (raw, _) = h.submit(.command(.systemHello(.init())))
        let out = h.event(.systemBoot(.init(major: 1, minor: 7, patch: 0, build: 147, llVersion: 6, protocolVersion: 1, hw: 1)))
        for id in [read, queued, raw] { #expect(completions(out)[id] == .failure(.dongleReset)) }
        #expect(Set(linksDown(out).map(\.0.id)) == [a.id, b.id])
        #expect(linksDown(out).allSatisfy { $0.1 == .dongleReset })
        #expect(out.contains { if case .dongleReset = $0 { true } else { false } })
        #expect(!h.host.isScanning && h.host.isIdle && h.host.activeLinks.isEmpty)
        // Usable again at once.
        let (hello, again) = h.submit(.command(.systemHello(.init())))
        #expect(sent(again) == [.systemHello(.init())])
        #expect(completions(h.respond(.systemHello(.init())))[hello] != nil)
    }

    @Test func aResetTheHostSendsClosesEveryLinkAsADongleReset() {
        var h = HostHarness()
        let a = h.connect()
        let (reset, out) = h.submit(.command(.systemReset(.init(bootInDFU: false))))
        #expect(completions(out)[reset] == .success(.response(nil)))
        #expect(linksDown(out).map(\.0.id) == [a.id])
        #expect(linksDown(out).map(\.1) == [.dongleReset])
    }

    // MARK: 4. GAP serialised

    @Test func overlappingConnectsRunOneAtATime() {
        var h = HostHarness()
        let (first, out1) = h.submit(.connect(H.connectCommand(H.hrm)))
        let (second, out2) = h.submit(.connect(H.connectCommand(H.thermo)))
        #expect(sent(out1).count == 1)
        #expect(writes(out2).isEmpty, "the second connect waits: the dongle initiates one link at a time")
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let done = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        #expect(completions(done)[first] != nil)
        #expect(sent(done) == [.gapConnectDirect(H.connectCommand(H.thermo))])
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c1)))
        #expect(completions(h.event(.connectionStatus(H.status(H.c1, H.thermo))))[second] != nil)
    }

    @Test func aConnectQueuedBehindOneToTheSamePeerGetsThatLink() {
        var h = HostHarness()
        let (first, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        let (second, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let out = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        #expect(completions(out)[first] == completions(out)[second])
        #expect(sent(out).isEmpty, "no second gap_connect_direct to a peer already connected")
    }

    @Test func stopScanningNeverCancelsAnotherCallersConnect() {
        var h = HostHarness()
        let (connect, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let (stop, out) = h.submit(.stopScan)
        #expect(writes(out).isEmpty, "gap_end_procedure would cancel the connect")
        #expect(completions(out)[stop] == .success(.done))
        #expect(completions(h.event(.connectionStatus(H.status(H.c0, H.hrm))))[connect] != nil)
    }

    @Test func startScanWaitsForAnInitiatingConnect() {
        var h = HostHarness()
        _ = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let (_, out) = h.submit(.startScan(.init(scanInterval: 75, scanWindow: 50, active: true), mode: .generic))
        #expect(writes(out).isEmpty)
        let after = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        #expect(sent(after) == [.gapSetScanParameters(.init(scanInterval: 75, scanWindow: 50, active: true))])
    }

    @Test func aLinkThatCompletesAfterItsConnectTimedOutIsClosedNotKept() {
        var h = HostHarness()
        let (connect, _) = h.submit(.connect(H.connectCommand(H.hrm)), timeout: .seconds(5))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let timedOut = h.advance(.seconds(5))
        #expect(completions(timedOut)[connect] == .failure(.timeout(operation: "connect", after: .seconds(5))))
        #expect(sent(timedOut) == [.gapEndProcedure(.init())], "gap_end_procedure cancels the connect on the radio")
        _ = h.respond(.gapEndProcedure(.init(result: .success)))
        // The dongle had already made the link.
        let late = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        #expect(linksUp(late).isEmpty)
        #expect(sent(late) == [.connectionDisconnect(.init(connection: H.c0))])
        #expect(h.host.activeLinks.isEmpty)
        _ = h.respond(.connectionDisconnect(.init(connection: H.c0, result: .success)))
        let closed = h.event(.connectionDisconnected(.init(connection: H.c0, reason: .connectionTerminatedByLocalHost)))
        #expect(linksDown(closed).isEmpty && h.host.isIdle)
    }

    // MARK: 5. Timed-out procedures

    @Test func aTimedOutReadHoldsTheLinkUntilTheDongleEndsItAndItsValueIsNoNotification() {
        var h = HostHarness()
        let link = h.connect()
        let (slow, _) = h.submit(.read(link.id, AttributeHandle(0x10)), timeout: .seconds(1))
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        #expect(completions(h.advance(.seconds(1)))[slow] == .failure(.timeout(operation: "read", after: .seconds(1))))
        let (next, queued) = h.submit(.read(link.id, AttributeHandle(0x11)))
        #expect(writes(queued).isEmpty, "sending now would meet wrong_state: the dongle still runs the first read")
        let late = h.event(value(H.c0, 0x10, .read, [0xAA]))
        #expect(notifications(late).isEmpty, "a late read value is never a notification")
        #expect(completions(late).isEmpty)
        #expect(sent(late) == [.attClientReadByHandle(.init(connection: H.c0, chrHandle: AttributeHandle(0x11)))])
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        #expect(completions(h.event(value(H.c0, 0x11, .read, [1])))[next] == .success(.value([1])))
    }

    @Test func anAbandonedProcedureFreesItsLinkAfterTheATTTimeout() {
        var h = HostHarness()
        let link = h.connect()
        _ = h.submit(.write(link.id, AttributeHandle(0x10), [1]), timeout: .seconds(1))
        _ = h.respond(.attClientAttributeWrite(.init(connection: H.c0, result: .success)))
        _ = h.advance(.seconds(1))
        _ = h.submit(.read(link.id, AttributeHandle(0x11)), timeout: .seconds(60))
        #expect(writes(h.advance(.seconds(29))).isEmpty)
        #expect(sent(h.advance(.seconds(1))) == [.attClientReadByHandle(.init(connection: H.c0, chrHandle: AttributeHandle(0x11)))])
    }

    @Test func procedureCompletedIsMatchedByConnectionAndHandle() {
        var h = HostHarness()
        let a = h.connect(H.hrm, on: H.c0)
        _ = h.connect(H.thermo, on: H.c1)
        let (write, _) = h.submit(.write(a.id, AttributeHandle(0x10), [1]))
        _ = h.respond(.attClientAttributeWrite(.init(connection: H.c0, result: .success)))
        #expect(completions(h.event(completed(H.c1, .success, 0x10))).isEmpty, "another link's completion")
        #expect(completions(h.event(completed(H.c0, .success, 0x20))).isEmpty, "another handle's completion")
        #expect(completions(h.event(completed(H.c0, .success, 0x10)))[write] == .success(.done))
    }

    @Test func aReadDeadlineHoldsWhileNotificationsStream() {
        var h = HostHarness()
        let link = h.connect()
        let (read, _) = h.submit(.read(link.id, AttributeHandle(0x10)), timeout: .seconds(1))
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        var notified = 0
        while h.now < .seconds(3) {
            let out = h.event(value(H.c0, 0x10, .notify, [UInt8(notified & 0xFF)])) + h.advance(.milliseconds(10))
            notified += notifications(out).count
            if let r = completions(out)[read] {
                #expect(r == .failure(.timeout(operation: "read", after: .seconds(1))))
                #expect(h.now >= .seconds(1) && h.now < .milliseconds(1060))
                #expect(notified > 90, "every notification is still delivered")
                return
            }
        }
        Issue.record("the read never timed out")
    }

    // MARK: 7. Deadlines

    @Test func aLongWriteHonoursOneDeadlineAcrossItsChunks() {
        var h = HostHarness()
        let link = h.connect()
        let (write, _) = h.submit(.writeLong(link.id, AttributeHandle(0x10), Array(repeating: 7, count: 100)), timeout: .seconds(1))
        var result: Result<HostResult, BGAPIError>?
        for _ in 0 ..< 10 where result == nil {
            // Each chunk answers in 300 ms: every step is quick, the whole is not.
            var out = h.advance(.milliseconds(150))
            out += h.respond(.attClientPrepareWrite(.init(connection: H.c0, result: .success)))
            out += h.advance(.milliseconds(150))
            out += h.event(completed(H.c0, .success, 0x10))
            result = completions(out)[write]
        }
        #expect(result == .failure(.timeout(operation: "long write", after: .seconds(1))))
        #expect(h.now <= .milliseconds(1200))
    }

    // MARK: 8. Errors

    @Test func notConnectedFromTheDongleOnAnyCallMarksTheLinkDown() {
        var h = HostHarness()
        let link = h.connect()
        let (read, _) = h.submit(.read(link.id, AttributeHandle(3)))
        let out = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .notConnected)))
        #expect(completions(out)[read] == .failure(.notConnected))
        #expect(linksDown(out).map(\.1) == [.notConnected])
        #expect(h.host.activeLinks.isEmpty)
        #expect(BGAPIError(code: .notConnected) == .notConnected)
    }

    @Test func aDroppedLinkFailsItsRunningAndQueuedProceduresWithTheReason() {
        var h = HostHarness()
        let link = h.connect()
        let (id1, _) = h.submit(.read(link.id, AttributeHandle(0x10)))
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        let (id2, _) = h.submit(.read(link.id, AttributeHandle(0x11)))
        let out = h.event(.connectionDisconnected(.init(connection: H.c0, reason: .connectionTimeout)))
        #expect(completions(out)[id1] == .failure(.disconnected(reason: .connectionTimeout)))
        #expect(completions(out)[id2] == .failure(.disconnected(reason: .connectionTimeout)))
        #expect(linksDown(out).map(\.1) == [.disconnected(.connectionTimeout)])
        #expect(h.host.isIdle)
    }

    @Test func aDisconnectWeAskedForSucceedsWithTheReason() {
        var h = HostHarness()
        let link = h.connect()
        let (id, out) = h.submit(.disconnect(link.id))
        #expect(sent(out) == [.connectionDisconnect(.init(connection: H.c0))])
        _ = h.respond(.connectionDisconnect(.init(connection: H.c0, result: .success)))
        let done = h.event(.connectionDisconnected(.init(connection: H.c0, reason: .connectionTerminatedByLocalHost)))
        #expect(completions(done)[id] == .success(.disconnected(.disconnected(.connectionTerminatedByLocalHost))))
    }
}

/// Cancelling a call (what an async task's cancellation does) ends it at once and leaves the link usable.
struct HostCancellationTests {
    typealias H = HostHarness

    @Test func cancellingALongReadEndsTheCallButTheDongleKeepsTheSlotUntilItEnds() {
        var h = HostHarness()
        let link = h.connect()
        let (read, _) = h.submit(.readLong(link.id, AttributeHandle(0x10)))
        _ = h.respond(.attClientReadLong(.init(connection: H.c0, result: .success)))
        _ = h.event(value(H.c0, 0x10, .read, Array(repeating: 1, count: 22)))
        let out = h.host.cancel(read, at: h.now)
        #expect(completions(out)[read] == .failure(.cancelled))
        let (next, queued) = h.submit(.read(link.id, AttributeHandle(0x11)))
        #expect(writes(queued).isEmpty, "the dongle is still reading")
        let end = h.event(value(H.c0, 0x10, .readBlob, [2])) + h.event(completed(H.c0, .success, 0x10))
        #expect(completions(end).isEmpty, "the cancelled call gets nothing more")
        #expect(sent(end) == [.attClientReadByHandle(.init(connection: H.c0, chrHandle: AttributeHandle(0x11)))])
        _ = h.respond(.attClientReadByHandle(.init(connection: H.c0, result: .success)))
        #expect(completions(h.event(value(H.c0, 0x11, .read, [5])))[next] == .success(.value([5])))
    }

    @Test func cancellingAConnectEndsItOnTheRadioAndAQueuedCallIsJustDropped() {
        var h = HostHarness()
        let (connect, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let (queued, _) = h.submit(.connect(H.connectCommand(H.thermo)))
        let out = h.host.cancel(queued, at: h.now)
        #expect(completions(out)[queued] == .failure(.cancelled) && writes(out).isEmpty)
        let cancel = h.host.cancel(connect, at: h.now)
        #expect(completions(cancel)[connect] == .failure(.cancelled))
        #expect(sent(cancel) == [.gapEndProcedure(.init())])
    }
}

extension HostCancellationTests {
    @Test func aCallEndedWhileItsCommandIsInFlightHoldsTheLinkUntilTheDongleAnswers() {
        var h = HostHarness()
        let link = h.connect()
        let (read, _) = h.submit(.readLong(link.id, AttributeHandle(0x10)))
        // Cancelled before the dongle's response: the dongle may be starting the read right now.
        #expect(completions(h.host.cancel(read, at: h.now))[read] == .failure(.cancelled))
        let (next, queued) = h.submit(.read(link.id, AttributeHandle(0x11)))
        #expect(writes(queued).isEmpty)
        // It did start: the slot stays taken until its end.
        #expect(writes(h.respond(.attClientReadLong(.init(connection: H.c0, result: .success)))).isEmpty)
        let end = h.event(completed(H.c0, .success, 0x10))
        #expect(sent(end) == [.attClientReadByHandle(.init(connection: H.c0, chrHandle: AttributeHandle(0x11)))])
        _ = next
    }

    @Test func aCommandWhoseResponseNeverComesFreesThePortAfterAGrace() {
        var h = HostHarness()
        let link = h.connect()
        _ = h.submit(.read(link.id, AttributeHandle(0x10)), timeout: .milliseconds(300))
        _ = h.advance(.milliseconds(300))
        let (hello, waiting) = h.submit(.command(.systemHello(.init())))
        #expect(writes(waiting).isEmpty, "the read's command is still in flight")
        let later = h.advance(BGAPIHost.responseGrace)
        #expect(sent(later) == [.systemHello(.init())], "a lost response blocks the port only for the grace")
        _ = hello
    }
}

extension HostCancellationTests {
    @Test func cancellingTheConnectsToAnAddressEndsThemAllAndStopsTheRadio() {
        var h = HostHarness()
        let (first, _) = h.submit(.connect(H.connectCommand(H.hrm)))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        let (other, _) = h.submit(.connect(H.connectCommand(H.thermo)))
        let out = h.host.cancelConnect(to: H.hrm, at: h.now)
        #expect(completions(out)[first] == .failure(.cancelled))
        #expect(completions(out)[other] == nil, "another address's connect goes on")
        #expect(sent(out) == [.gapEndProcedure(.init())], "the radio stops initiating before the next connect goes")
        #expect(sent(h.respond(.gapEndProcedure(.init(result: .success)))) == [.gapConnectDirect(H.connectCommand(H.thermo))])
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c1)))
        // The radio had already made the hrm link: it is closed at once.
        let late = h.event(.connectionStatus(H.status(H.c0, H.hrm)))
        #expect(linksUp(late).isEmpty && sent(late) == [.connectionDisconnect(.init(connection: H.c0))])
        #expect(completions(h.event(.connectionStatus(H.status(H.c1, H.thermo))))[other] != nil)
    }
}

extension HostLinkLifecycleTests {
    @Test func aTimedOutConnectEndsTheRadiosInitiatingBeforeTheNextConnectIsSent() {
        var h = HostHarness()
        _ = h.submit(.connect(H.connectCommand(H.hrm)), timeout: .seconds(1))
        _ = h.respond(.gapConnectDirect(.init(result: .success, connectionHandle: H.c0)))
        _ = h.submit(.connect(H.connectCommand(H.thermo)), timeout: .seconds(5))
        let out = h.advance(.seconds(1))
        #expect(sent(out) == [.gapEndProcedure(.init())], "not gap_connect_direct on top of the one still initiating")
        #expect(sent(h.respond(.gapEndProcedure(.init(result: .success)))) == [.gapConnectDirect(H.connectCommand(H.thermo))])
    }
}
