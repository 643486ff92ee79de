import BGAPICore
@testable import BGAPIEmulator
import Foundation
import Testing

/// Issue 8: the virtual dongle fails the way a real BLED112 does. Pure model tests on a manual clock.
@Suite struct ResetTests {
    @Test func aBLED112ResetDropsOffUSBWithoutABootEvent() throws {
        var h = try Harness(timing: .realistic)
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        #expect(h.send(.systemReset(.init(bootInDFU: false))).isEmpty)
        #expect(h.usbResets == [.seconds(1)], "off USB, back after the re-enumeration time")
        #expect(h.advance(by: .seconds(3)).isEmpty, "no system_boot over USB (reference §1.3)")
        #expect(h.send(.connectionGetStatus(.init(connection: c))).contains(.event(.connectionStatus(h.model.status(of: c.rawValue)))))
        #expect(h.model.status(of: c.rawValue).flags.isEmpty, "the link is gone")
    }

    @Test(arguments: [false, true])
    func aUARTModuleKeepsItsPortAndSendsBoot(dfu: Bool) throws {
        var scenario = try Scenario.load("demo")
        scenario.dongle.transport = .uart
        var h = try Harness(scenario, timing: .realistic)
        _ = h.connect(hrm)
        #expect(h.send(.systemReset(.init(bootInDFU: dfu))).isEmpty)
        #expect(h.usbResets.isEmpty)
        let f = scenario.dongle.firmware
        let boot: BGAPIMessage = dfu ? .event(.dfuBoot(.init(version: 1)))
            : .event(.systemBoot(.init(major: f.major, minor: f.minor, patch: f.patch, build: f.build,
                                       llVersion: f.llVersion, protocolVersion: f.protocolVersion, hw: f.hw)))
        #expect(h.advance(by: .milliseconds(50)).isEmpty)
        #expect(h.advance(by: .milliseconds(100)) == [boot])
    }

    @Test func delayedResetAndDFUResetResetToo() throws {
        var h = try Harness(timing: .realistic)
        #expect(h.send(.systemDelayReset(.init(dfu: false, delayMilliseconds: 500))).isEmpty)
        #expect(h.send(.dfuReset(.init(dfu: false))).isEmpty)
        #expect(h.usbResets == [.milliseconds(1500), .seconds(1)])
    }

    @Test func theResetFaultResetsMidProcedure() throws {
        var h = try Harness(timing: .realistic)
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        _ = h.send(.attClientFindInformation(.init(connection: c, start: .first, end: .last)))
        _ = h.collect(h.model.inject(Scenario.Fault(at: 0, kind: .reset), at: h.now))
        #expect(h.resets == 1)
        #expect(h.advance(by: .seconds(2)).isEmpty, "the procedure's events die with the reset")
    }
}

@Suite struct SoftTimerTests {
    func timer(_ ticks: UInt32, _ handle: UInt8, single: Bool) -> BGAPICommand {
        .hardwareSetSoftTimer(.init(time: ticks, handle: handle, singleShot: single))
    }
    func fired(_ out: [BGAPIMessage]) -> [UInt8] {
        out.compactMap { if case let .event(.hardwareSoftTimer(e)) = $0 { e.handle } else { nil } }
    }

    @Test func timersRunWhateverTheRadioDoes() throws {
        var h = try Harness()
        var out = h.send(timer(32_000, 1, single: false))
        out += h.send(.gapDiscover(.init(mode: .observation)))   // used to cancel every timer
        out += h.advance(by: .milliseconds(500))
        out += h.send(.gapEndProcedure(.init()))
        out += h.send(.gapConnectDirect(.init(address: BluetoothAddress(hrm)!, addressType: .public,  // so did connecting
                                              connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0)))
        out += h.advance(by: .milliseconds(3000))
        #expect(out.contains { if case let .event(.connectionStatus(s)) = $0 { s.flags.contains(.connected) } else { false } })
        #expect(fired(out) == [1, 1, 1], "at 1, 2 and 3 s")
    }

    @Test func oneRepeatingTimerAtATimeAndEightOneShotsEachFiringOnce() throws {
        var h = try Harness()
        _ = h.send(timer(32_000, 1, single: false))
        _ = h.send(timer(64_000, 2, single: false))           // replaces handle 1's repeating timer
        for handle in UInt8(10) ..< 18 {
            #expect(h.send(timer(16_000, handle, single: true)) == [.response(.hardwareSetSoftTimer(.init(result: .success)))])
        }
        #expect(h.send(timer(16_000, 18, single: true)) == [.response(.hardwareSetSoftTimer(.init(result: .outOfMemory)))])
        let out = fired(h.advance(by: .milliseconds(4500)))
        #expect(out.filter { $0 == 1 }.isEmpty)
        #expect(out.filter { $0 == 2 }.count == 2)
        #expect(Set(out.filter { $0 >= 10 }) == Set(10 ..< 18) && out.filter { $0 >= 10 }.count == 8)
    }

    @Test func timeZeroRemovesOnlyTheNamedTimer() throws {
        var h = try Harness()
        _ = h.send(timer(32_000, 1, single: false))
        _ = h.send(timer(48_000, 2, single: true))
        _ = h.send(timer(48_000, 3, single: true))
        _ = h.send(timer(0, 2, single: true))
        #expect(fired(h.advance(by: .milliseconds(2100))).sorted() == [1, 1, 3])
        _ = h.send(timer(0, 1, single: false))
        #expect(fired(h.advance(by: .seconds(3))).isEmpty)
    }

    @Test func aTimeBeyondTwentyTwoBitsIsRefused() throws {
        var h = try Harness()
        #expect(h.send(timer(0x40_0000, 1, single: false)) == [.response(.hardwareSetSoftTimer(.init(result: .invalidParameter)))])
    }
}

@Suite struct CCCDTests {
    func subscribeHRM(_ h: inout Harness, _ c: ConnectionHandle) {
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(13), data: [1, 0])))
    }
    func readCCCD(_ h: inout Harness, _ c: ConnectionHandle) -> [UInt8]? {
        h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(13)))).values.first?.value
    }

    @Test func theHRMCCCDIsWhereTheTestsThinkItIs() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        #expect(h.handle(of: BluetoothUUID(0x2A37), on: c) == AttributeHandle(12))
        #expect(h.discover(c).first { $0.0 == AttributeHandle(13) }?.1 == BluetoothUUID(0x2902))
    }

    @Test func aNewLinkToANonBondedDeviceStartsWithNotificationsOff() throws {
        var h = try Harness()
        let firstFound = h.connect(hrm)
        let first = try #require(firstFound)
        subscribeHRM(&h, first)
        #expect(readCCCD(&h, first) == [1, 0])
        #expect(!h.advance(by: .seconds(2)).values.isEmpty)
        _ = h.exchange(.connectionDisconnect(.init(connection: first)))
        let secondFound = h.connect(hrm)
        let second = try #require(secondFound)
        #expect(readCCCD(&h, second) == [0, 0], "Core spec Vol 3 Part G §3.3.3.3")
        #expect(h.advance(by: .seconds(3)).values.isEmpty, "nothing notified before the CCCD is written")
    }

    @Test func aBondedDeviceKeepsItsCCCDsAndNotifiesOnTheNextLink() throws {
        var h = try Harness()
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        let firstFound = h.connect(hrm)
        let first = try #require(firstFound)
        _ = h.exchange(.smEncryptStart(.init(handle: first, bonding: true)))
        subscribeHRM(&h, first)
        _ = h.exchange(.connectionDisconnect(.init(connection: first)))
        let secondFound = h.connect(hrm)
        let second = try #require(secondFound)
        #expect(readCCCD(&h, second) == [1, 0])
        #expect(h.advance(by: .milliseconds(2500)).values.count >= 2)
    }
}

@Suite struct ConnectionIntervalTimingTests {
    /// Simulated time from sending `command` to its `procedure_completed` (or its first value), 0.1 ms steps.
    func duration(of command: BGAPICommand, _ h: inout Harness, until done: ([BGAPIMessage]) -> Bool) -> Duration? {
        let start = h.now
        var seen = h.send(command)
        while !done(seen) {
            if h.now - start > .seconds(10) { return nil }
            seen += h.advance(by: .microseconds(100))
        }
        return h.now - start
    }

    func discoveryTime(interval: UInt16) throws -> Duration {
        var h = try Harness(timing: .realistic)
        let cFound = h.connect(hrm, interval: interval ... interval)
        let c = try #require(cFound)
        let t = duration(of: .attClientFindInformation(.init(connection: c, start: .first, end: .last)), &h) { !$0.procedureResults.isEmpty }
        return try #require(t)
    }

    @Test func aSevenPointFiveMillisecondLinkDiscoversSeveralTimesFasterThanAFiftyMillisecondOne() throws {
        let fast = try discoveryTime(interval: 6), slow = try discoveryTime(interval: 40)
        #expect(slow > fast * 5, "\(fast) vs \(slow)")
        // The HRM's 21 attributes, all 16-bit: 5 Find Information responses of ≤ 5 entries plus the final
        // Attribute Not Found exchange: 6 exchanges, 6 to 7 intervals.
        #expect(fast >= .microseconds(6 * 7500) && fast <= .microseconds(7 * 7500 + 100), "\(fast)")
        #expect(slow >= .microseconds(6 * 50000) && slow <= .microseconds(7 * 50000 + 100), "\(slow)")
    }

    @Test(arguments: [UInt16(6), 24, 40])
    func aReadTakesOneToTwoConnectionIntervals(interval: UInt16) throws {
        var h = try Harness(timing: .realistic)
        let cFound = h.connect(hrm, interval: interval ... interval)
        let c = try #require(cFound)
        _ = h.advance(by: .microseconds(Int64(interval) * 1250 / 3))   // off the connection event grid
        let t = duration(of: .attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(15))), &h) { !$0.values.isEmpty }
        let one = Duration.microseconds(Int64(interval) * 1250)
        #expect(t.map { $0 >= one && $0 <= one * 2 } == true, "\(String(describing: t)) for \(one)")
    }

    @Test func instantTimingStaysInstant() throws {
        var h = try Harness()
        let cFound = h.connect(hrm, interval: 40 ... 40)
        let c = try #require(cFound)
        #expect(!h.send(.attClientFindInformation(.init(connection: c, start: .first, end: .last))).procedureResults.isEmpty)
    }

    @Test func responsesArePackedAsATTMTU23Allows() {
        let conn = ConnectionHandle(0)
        func info(_ h: UInt16, _ uuid: BluetoothUUID) -> BGAPIMessage {
            .event(.attClientFindInformationFound(.init(connection: conn, chrHandle: AttributeHandle(h), uuid: uuid)))
        }
        let long = BluetoothUUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")!
        let events = (1 ... 6).map { info($0, BluetoothUUID(0x2800)) } + [info(7, long), info(8, BluetoothUUID(0x2902))]
            + [.event(.attClientProcedureCompleted(.init(connection: conn, result: .success, chrHandle: .last)))]
        #expect(DongleModel.exchangeNumbers(events) == [1, 1, 1, 1, 1, 2, 3, 4, 5])
        let write: [BGAPIMessage] = [.event(.attClientProcedureCompleted(.init(connection: conn, result: .success, chrHandle: AttributeHandle(3))))]
        #expect(DongleModel.exchangeNumbers(write) == [1])
    }
}

@Suite struct IndicationAndSecurityFidelityTests {
    func manualConfirmWorld() throws -> Harness {
        var scenario = try Scenario.load("demo")
        scenario.dongle.manualIndicationConfirm = true
        return try Harness(scenario)
    }

    /// Subscribes to the thermometer's 0x2A1C indications (every 2 s).
    func subscribeThermo(_ h: inout Harness) throws -> (ConnectionHandle, AttributeHandle) {
        let cFound = h.connect(thermo)
        let c = try #require(cFound)
        let valueFound = h.handle(of: BluetoothUUID(0x2A1C), on: c)
        let value = try #require(valueFound)
        _ = h.exchange(.attClientAttributeWrite(.init(connection: c, attHandle: AttributeHandle(value.rawValue + 1), data: [2, 0])))
        return (c, value)
    }

    @Test func manualConfirmationIndicationsWaitForTheConfirm() throws {
        var h = try manualConfirmWorld()
        let (c, _) = try subscribeThermo(&h)
        let first = h.advance(by: .milliseconds(2100)).values
        #expect(first.map(\.type) == [.indicateResponseRequired])
        #expect(h.advance(by: .seconds(6)).values.isEmpty, "no further indication until confirmed")
        #expect(h.send(.attClientIndicateConfirm(.init(connection: c))) == [.response(.attClientIndicateConfirm(.init(result: .success)))])
        #expect(h.send(.attClientIndicateConfirm(.init(connection: c))) == [.response(.attClientIndicateConfirm(.init(result: .wrongState)))])
        #expect(h.advance(by: .milliseconds(2100)).values.map(\.type) == [.indicateResponseRequired])
    }

    @Test func anUnconfirmedIndicationDropsTheLinkAfterTheATTTimeout() throws {
        var h = try manualConfirmWorld()
        let (c, _) = try subscribeThermo(&h)
        #expect(!h.advance(by: .milliseconds(2100)).values.isEmpty)
        #expect(!h.advance(by: .seconds(29)).contains { if case .event(.connectionDisconnected) = $0 { true } else { false } })
        #expect(h.advance(by: .seconds(2)).contains(.event(.connectionDisconnected(.init(connection: c, reason: .remoteUserTerminatedConnection)))))
    }

    @Test func stackConfirmedIndicationsNeedNoConfirm() throws {
        var h = try Harness()
        let (c, _) = try subscribeThermo(&h)
        #expect(h.advance(by: .milliseconds(4100)).values.map(\.type) == [.indicate, .indicate])
        #expect(h.send(.attClientIndicateConfirm(.init(connection: c))) == [.response(.attClientIndicateConfirm(.init(result: .wrongState)))])
        #expect(h.advance(by: .seconds(40)).values.count >= 15, "the link stays up")
    }

    /// A device with an authenticated characteristic but no passkey: Just Works can encrypt, never authenticate.
    func justWorksOnlyWorld() throws -> Scenario {
        try Scenario.decode(json: Data("""
        { "peripherals": [ { "id": "jw", "address": "AA:00:00:00:00:02", "advertising": { "name": "JW" },
            "services": [ { "uuid": "FFE0", "characteristics": [
              { "uuid": "FFE1", "properties": ["read"], "value": "01", "security": "authenticated" },
              { "uuid": "FFE2", "properties": ["read"], "value": "02", "security": "encrypted" } ] } ] } ] }
        """.utf8))
    }

    @Test func theMITMRequirementOfACharacteristicIsEnforced() throws {
        var h = try Harness(try justWorksOnlyWorld())
        _ = h.send(.smSetBondableMode(.init(bondable: true)))
        let cFound = h.connect("AA:00:00:00:00:02")
        let c = try #require(cFound)
        let paired = h.exchange(.smEncryptStart(.init(handle: c, bonding: true)))
        #expect(paired.contains { if case let .event(.connectionStatus(s)) = $0 { s.flags.contains(.encrypted) } else { false } })
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(14)))).values.map(\.value) == [[2]])
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(12)))).procedureResults
                == [.insufficientAuthentication])
    }

    @Test func aHostThatRequiresMITMCannotPairWithJustWorks() throws {
        var h = try Harness(try justWorksOnlyWorld())
        _ = h.send(.smSetParameters(.init(mitm: true, minKeySize: 16, ioCapabilities: .keyboardDisplay)))
        let cFound = h.connect("AA:00:00:00:00:02")
        let c = try #require(cFound)
        #expect(h.exchange(.smEncryptStart(.init(handle: c, bonding: false))).contains(
            .event(.smBondingFail(.init(handle: c, result: .authenticationRequirements)))))
    }

    @Test func aDelayedResponseComesBeforeTheEventsItCauses() throws {
        var h = try Harness()
        _ = h.model.inject(Scenario.Fault(at: 0, kind: .delayResponse, seconds: 2), at: h.now)
        #expect(h.send(.systemGetConnections(.init())).isEmpty, "nothing overtakes the late response")
        let out = h.advance(by: .seconds(3))
        #expect(out.first == .response(.systemGetConnections(.init(maxConn: 3))))
        #expect(out.dropFirst().count == 3)
    }

    @Test func ioPortsBehaveLikeTheChipsPorts() throws {
        var h = try Harness()
        _ = h.send(.hardwareIOPortConfigDirection(.init(port: 1, direction: 0x0F)))
        _ = h.send(.hardwareIOPortWrite(.init(port: 1, mask: 0xFF, data: 0x05)))
        #expect(h.send(.hardwareIOPortRead(.init(port: 1, mask: 0xFF)))
                == [.response(.hardwareIOPortRead(.init(result: .success, port: 1, data: 0xF5)))], "outputs latch, inputs pulled up")
        _ = h.send(.hardwareIOPortConfigPull(.init(port: 1, tristateMask: 0, pullUp: 0)))
        #expect(h.send(.hardwareIOPortRead(.init(port: 1, mask: 0xFF)))
                == [.response(.hardwareIOPortRead(.init(result: .success, port: 1, data: 0x05)))])
        #expect(h.send(.hardwareIOPortWrite(.init(port: 3, mask: 1, data: 1))) == [.response(.hardwareIOPortWrite(.init(result: .invalidParameter)))])
        #expect(h.send(.hardwareI2CRead(.init(address: 0x50, stop: 1, length: 2))) == [.response(.hardwareI2CRead(.init(result: .timeout, data: [])))])
    }
}

@Suite struct NewFaultTests {
    @Test func connectFailureReportsTheLinkAndLosesItInOneBurst() throws {
        var h = try Harness()
        _ = h.model.inject(Scenario.Fault(at: 0, kind: .connectFailure, peripheral: "hrm"), at: h.now)
        let rsp = h.send(.gapConnectDirect(.init(address: BluetoothAddress(hrm)!, addressType: .public,
                                                 connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0)))
        guard case let .response(.gapConnectDirect(r))? = rsp.first else { Issue.record("no response"); return }
        var out: [BGAPIMessage] = []
        while out.isEmpty, h.now < .seconds(2) { out = h.advance(by: .milliseconds(1)) }
        #expect(out.count == 2)
        guard case let .event(.connectionStatus(s))? = out.first else { Issue.record("no status first: \(out)"); return }
        #expect(s.connection == r.connectionHandle && s.flags.contains(.connected))
        #expect(out.last == .event(.connectionDisconnected(.init(connection: r.connectionHandle, reason: BGAPIErrorCode(rawValue: 0x023E)))))
        #expect(h.model.status(of: r.connectionHandle.rawValue).flags.isEmpty, "the slot is free")
        #expect(h.connect(hrm) != nil, "the next attempt connects")
    }

    @Test func lateCompletionDeliversAProcedureLate() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        _ = h.model.inject(Scenario.Fault(at: 0, kind: .lateCompletion, peripheral: "hrm", seconds: 8), at: h.now)
        #expect(h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(15))))
                == [.response(.attClientReadByHandle(.init(connection: c, result: .success)))])
        #expect(h.advance(by: .seconds(7)).isEmpty)
        #expect(h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(15))))
                == [.response(.attClientReadByHandle(.init(connection: c, result: .wrongState)))], "the dongle still runs it")
        #expect(h.advance(by: .seconds(2)).values.map(\.value) == [[1]])
        #expect(h.exchange(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(15)))).values.count == 1, "only once")
    }

    @Test func aLateCompletionPastThirtySecondsIsAnATTTimeout() throws {
        var h = try Harness()
        let cFound = h.connect(hrm)
        let c = try #require(cFound)
        _ = h.model.inject(Scenario.Fault(at: 0, kind: .lateCompletion, seconds: 45), at: h.now)
        _ = h.send(.attClientReadByHandle(.init(connection: c, chrHandle: AttributeHandle(15))))
        let out = h.advance(by: .seconds(31))
        #expect(out.procedureResults == [.timeout])
        #expect(out.last == .event(.connectionDisconnected(.init(connection: c, reason: .connectionTimeout))))
    }
}
