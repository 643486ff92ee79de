import BGAPICore
import BGAPIEmulator
import Foundation

/// The scenario decoder on arbitrary JSON: it loads or refuses with one line; a world that loads is then
/// run (scripted faults fire, a scan, a connect, reads and notifications), which must not trap or hang.
enum ScenarioTarget {
    static func run(_ data: [UInt8]) {
        let scenario: Scenario
        do {
            scenario = try Scenario.decode(json: Data(data))
        } catch {
            let line = "\(error)"
            if line.isEmpty { violated("an empty refusal") }
            return
        }
        var model: DongleModel
        do {
            model = try DongleModel(scenario: scenario, timing: .realistic)
        } catch {
            let line = "\(error)"
            if line.contains("\n") { violated("a refusal of more than one line: \(line)") }
            return
        }
        var budget = 20_000
        func take(_ outputs: [DongleOutput]) {
            budget -= outputs.count
            for case let .send(message) in outputs { expectWireRoundTrip(message, direction: .deviceToHost) }
            for case let .garbage(bytes) in outputs where bytes.count > 4096 { violated("garbage of \(bytes.count) bytes") }
        }
        func send(_ command: BGAPICommand, at time: Duration) { take(model.receive(command, at: time)) }

        // Every scripted fault fires (faults are bounded to an hour), with nothing scanning.
        take(model.advance(to: .seconds(3601)))
        var t = Duration.seconds(3601)
        send(.gapDiscover(.init(mode: .generic)), at: t)
        t += .seconds(2)
        take(model.advance(to: t))
        send(.gapEndProcedure(.init()), at: t)
        for p in scenario.peripherals.prefix(3) {
            guard let address = BluetoothAddress(p.address), budget > 0 else { continue }
            send(.gapConnectDirect(.init(address: address, addressType: p.addressType == "random" ? .random : .public,
                                         connIntervalMin: 6, connIntervalMax: 12, timeout: 100, latency: 0)), at: t)
            t += .seconds(1)
            take(model.advance(to: t))
        }
        // Read and subscribe to every handle of link 0, then let notifications run.
        for h in 1 ... 40 where budget > 0 {
            send(.attClientReadByHandle(.init(connection: ConnectionHandle(0), chrHandle: AttributeHandle(UInt16(h)))), at: t)
            t += .milliseconds(200)
            take(model.advance(to: t))
            send(.attClientAttributeWrite(.init(connection: ConnectionHandle(0), attHandle: AttributeHandle(UInt16(h)), data: [1, 0])), at: t)
            t += .milliseconds(200)
            take(model.advance(to: t))
        }
        if budget > 0 { take(model.advance(to: t + .seconds(5))) }
    }
}
