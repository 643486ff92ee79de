import BGAPI
import BGAPIEmulator
import Explorer
import Foundation

extension Dongle {
    /// `K`: a scenario of a connected device from what the explorer saw of it (docs/recording.md).
    @Sendable static func cloneScenario(_ s: CloneSnapshot) throws -> String {
        var cloner = DeviceCloner(target: s.address)
        cloner.observe(DeviceCloner.LiveDevice(
            addressType: s.addressType, advertisements: s.advertisements.mapValues(\.encodedBytes), connectable: s.connectable,
            advertisingInterval: s.advertisingInterval, rssiMean: s.rssiMean, services: s.services, values: s.values))
        let world = try cloner.scenario()
        _ = try DongleModel(scenario: world, timing: .instant)   // it must load as it will be loaded
        return String(decoding: try world.encodedJSON(), as: UTF8.self)
    }

    /// `F`: faults and the world's pace go to the in-process virtual dongle; nil on a real one (the key then says so).
    var faultInjector: (@Sendable (FaultRequest) throws -> Void)? {
        guard let runner, let world else { return nil }
        return { request in
            func id(_ address: BluetoothAddress) throws -> String {
                guard let p = world.peripherals.first(where: { BluetoothAddress($0.address) == address }) else {
                    throw StartError("\(address) is not a device of this world")
                }
                return p.id
            }
            switch request {
            case let .disconnect(a): runner.inject(Scenario.Fault(at: 0, kind: .disconnect, peripheral: try id(a), code: 0x0208))
            case let .attError(a): runner.inject(Scenario.Fault(at: 0, kind: .attError, peripheral: try id(a), code: 0x0480))
            case let .silence(a): runner.inject(Scenario.Fault(at: 0, kind: .silence, peripheral: try id(a)))
            case .garble: runner.inject(Scenario.Fault(at: 0, kind: .garble, count: 8))
            case .unplug: runner.inject(Scenario.Fault(at: 0, kind: .unplug, seconds: 1))
            case let .worldRate(rate): runner.setWorldRate(rate)
            case let .jumpAhead(seconds): runner.advanceWorld(by: .seconds(seconds))
            }
        }
    }
}
