import BGAPIEmulator
import Explorer
import Foundation
import Testing
import TUI

/// `K` clones a connected device; `F` injects faults into the virtual world (SIMULATED only).
struct WorldKeyTests {
    @Test func cloneKeySnapshotsTheConnectedDevice() throws {
        var s = connectedState()
        _ = send(&s, .read(hrmAddress, H.bodySensor, [0x01], 1001))
        s.utcOffset = 0
        s.now = 3600 * 13 + 60 * 5 + 9
        let effects = press(&s, ch("K"))
        guard case let .clone(snapshot)? = effects.first else { Issue.record("no clone effect: \(effects)"); return }
        #expect(snapshot.address == hrmAddress)
        #expect(snapshot.services == fixtureServices)
        #expect(snapshot.values[H.bodySensor] == [0x01])
        #expect(snapshot.path == "clone-C47C8D6A1001-130509.json")
        #expect(snapshot.advertisements[.connectableAdvertisement]?.localName == "Pulse HRM")

        // The snapshot makes a scenario that loads, with the database handle for handle and the value read.
        var cloner = DeviceCloner(target: snapshot.address)
        cloner.observe(DeviceCloner.LiveDevice(addressType: snapshot.addressType, advertisements: snapshot.advertisements.mapValues(\.encodedBytes),
                                               connectable: snapshot.connectable, advertisingInterval: snapshot.advertisingInterval,
                                               rssiMean: snapshot.rssiMean, services: snapshot.services, values: snapshot.values))
        let world = try cloner.scenario()
        _ = try DongleModel(scenario: world, timing: .instant)
        let clone = try #require(world.peripherals.first)
        #expect(clone.services.map(\.handle) == fixtureServices.map { $0.startHandle.rawValue })
        let body = clone.services.flatMap(\.characteristics).first { $0.valueHandle == H.bodySensor.rawValue }
        #expect(body?.value == "01" && body?.unread == nil)
        #expect(clone.services.flatMap(\.characteristics).contains { $0.unread == true })
        // The fixture's thermometer service starts at its own characteristic's declaration (0x0026): no server
        // could hold that, so the clone leaves the characteristic out and says so instead of refusing to load.
        #expect(world.notes?.contains { $0.contains("1 service(s) or characteristic(s) left out") } == true)
    }

    @Test func cloneKeyNeedsAConnectedDevice() {
        var s = scannedState()
        s.selectedDevice = hrmAddress
        #expect(press(&s, ch("K")).isEmpty)
        #expect(s.lastError?.contains("connect to a device first") == true)
    }

    @Test func faultKeysWorkOnlyOnTheVirtualDongle() {
        var real = connectedState()
        #expect(press(&real, ch("F")).isEmpty)
        #expect(!real.faultMenu)
        #expect(real.lastError?.contains("SIMULATED") == true)

        var s = connectedState()
        s.simulated = true
        #expect(press(&s, ch("F")).isEmpty)
        #expect(s.faultMenu)
        #expect(s.notice?.contains("d disconnect") == true)
        #expect(press(&s, ch("d")) == [.injectFault(.disconnect(hrmAddress))])
        #expect(!s.faultMenu)
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("a")) == [.injectFault(.attError(hrmAddress))])
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("g")) == [.injectFault(.garble)])
        _ = press(&s, ch("F"))
        #expect(press(&s, .escape).isEmpty)
        #expect(!s.faultMenu)
        // A key after F is the fault's, not the pane's: `d` did not disconnect the link.
        #expect(s.hrm?.isLive == true)
    }

    @Test func theWorldsPaceIsInTheFaultMenuAndTheStatusBar() {
        var s = connectedState()
        s.simulated = true
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("p")) == [.injectFault(.worldRate(0))])
        s.notice = nil   // once the notice has gone
        #expect(ExplorerView.render(s).text.contains("SIMULATED · PAUSED"))
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("p")) == [.injectFault(.worldRate(1))])
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("f")) == [.injectFault(.worldRate(10))])
        s.notice = nil
        #expect(ExplorerView.render(s).text.contains("SIMULATED ×10"))
        _ = press(&s, ch("F"))
        #expect(press(&s, ch("j")) == [.injectFault(.jumpAhead(seconds: 10))])
    }
}
