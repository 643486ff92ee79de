import BGAPICore
import Testing

/// The sans-IO host: commands in flight, responses matched, deadlines on a timeline we choose.
struct HostStateMachineTests {
    typealias H = HostHarness

    @Test func oneCommandInFlightAndResponsesMatchedInOrder() {
        var h = HostHarness()
        let (id1, first) = h.submit(.command(.systemAddressGet(.init())), timeout: .seconds(1))
        #expect(writes(first) == [[0x00, 0x00, 0x00, 0x02]])
        let (id2, second) = h.submit(.command(.systemGetInfo(.init())), timeout: .seconds(1))
        #expect(writes(second).isEmpty, "a second command waits for the first response")
        let address = BluetoothAddress("00:07:80:B1:E0:01")!
        let out = h.respond(.systemAddressGet(.init(address: address)))
        #expect(writes(out) == [[0x00, 0x00, 0x00, 0x08]])
        guard case let .success(.response(.systemAddressGet(r)?))? = completions(out)[id1] else {
            Issue.record("address not delivered: \(out)"); return
        }
        #expect(r.address == address)
        #expect(completions(out)[id2] == nil)
    }

    @Test func nonZeroResultsBecomeTypedErrorsNamingTheCode() {
        var h = HostHarness()
        let (id, _) = h.submit(.checkedCommand(.gapSetMode(.init(discover: .generalDiscoverable, connect: .undirectedConnectable))))
        let out = h.respond(.gapSetMode(.init(result: .wrongState)))
        #expect(completions(out)[id] == .failure(.bgapi(.wrongState)))
        #expect("\(BGAPIError.bgapi(.wrongState))".contains("0x0181"))
    }

    @Test func theResultCodeIsATypedFieldOfTheResponse() {
        #expect(BGAPIResponse.gapDiscover(.init(result: .wrongState)).resultCode == .wrongState)
        #expect(BGAPIResponse.systemAddressGet(.init(address: H.hrm)).resultCode == nil)
        #expect(BGAPICommand.systemReset(.init(bootInDFU: false)).expectsResponse == false)
        #expect(BGAPICommand.dfuReset(.init(dfu: false)).expectsResponse == false)
        #expect(BGAPICommand.systemHello(.init()).expectsResponse)
    }

    @Test func aLateResponseIsReportedNotMatchedToTheNextCommand() {
        var h = HostHarness()
        let (id1, _) = h.submit(.command(.systemGetInfo(.init())), timeout: .seconds(1))
        #expect(completions(h.advance(.seconds(1)))[id1] != nil)
        _ = h.submit(.command(.systemAddressGet(.init())), timeout: .seconds(1))
        let late = h.respond(.systemGetInfo(.init(major: 1, minor: 7, patch: 0, build: 147, llVersion: 6, protocolVersion: 1, hw: 1)))
        #expect(completions(late).isEmpty)
        #expect(late.contains { if case .unmatchedResponse = $0 { true } else { false } })
    }

    @Test func commandsWithoutAResponseCompleteOnceWrittenAndBlockNothing() {
        var h = HostHarness()
        for command in [BGAPICommand.dfuReset(.init(dfu: false)), .systemReset(.init(bootInDFU: false))] {
            let (id, out) = h.submit(.command(command), timeout: .seconds(1))
            #expect(sent(out) == [command])
            #expect(completions(out)[id] == .success(.response(nil)))
            let (next, after) = h.submit(.command(.systemHello(.init())), timeout: .seconds(1))
            #expect(sent(after) == [.systemHello(.init())], "the port is free at once")
            #expect(completions(h.respond(.systemHello(.init())))[next] == .success(.response(.systemHello(.init()))))
        }
    }

    @Test func failAllEndsEveryPendingCallAndEveryLink() {
        var h = HostHarness()
        let link = h.connect()
        let (id1, _) = h.submit(.command(.systemGetInfo(.init())), timeout: .seconds(1))
        let (id2, _) = h.submit(.read(link.id, AttributeHandle(1)), timeout: .seconds(1))
        let out = h.host.failAll(.portClosed("unplugged"), loss: .portClosed("unplugged"))
        #expect(completions(out)[id1] == .failure(.portClosed("unplugged")))
        #expect(completions(out)[id2] == .failure(.portClosed("unplugged")))
        #expect(linksDown(out).map(\.1) == [.portClosed("unplugged")])
        #expect(h.host.isIdle && h.host.nextDeadline == nil && h.host.activeLinks.isEmpty)
    }

    @Test func indicationsThatNeedConfirmationAreConfirmedAndDelivered() {
        var h = HostHarness()
        _ = h.connect(on: H.c1)
        let out = h.event(value(H.c1, 0x20, .indicateResponseRequired, [1]))
        #expect(sent(out) == [.attClientIndicateConfirm(.init(connection: H.c1))])
        #expect(notifications(out).map(\.1) == [[1]])
    }

    @Test func notificationsForALinkNobodyKnowsAreNotDeliveredAsNotifications() {
        var h = HostHarness()
        let out = h.event(value(H.c2, 0x20, .notify, [9]))
        #expect(notifications(out).isEmpty)
        #expect(events(out).count == 1)
    }
}
