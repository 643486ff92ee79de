import BGAPICore
import BGAPIEmulator

/// The emulator's command handler: the demo world fed arbitrary well-framed commands, time jumps and
/// injected faults. Everything it sends must be a valid, encodable message; it must never trap or hang.
enum DongleTarget {
    static let scenario = try! Scenario.load("demo")
    static let addresses = scenario.peripherals.compactMap { BluetoothAddress($0.address) }

    /// The world built once per timing; the model is a value, so each run starts from a fresh copy.
    static let prototypes = [EmulatorTiming.instant, .realistic].map { try! DongleModel(scenario: scenario, timing: $0) }

    static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var model = prototypes[input.bool() ? 0 : 1]
        var now = Duration.zero
        var steps = 0
        while !input.isEmpty, steps < 64 {
            steps += 1
            var outputs: [DongleOutput]
            switch input.byte() % 8 {
            case 0:
                now += .milliseconds(Int(input.u16() % 2000))
                outputs = model.advance(to: now)
            case 1:
                let kinds = Scenario.Fault.Kind.allCases
                let fault = Scenario.Fault(at: 0, kind: input.pick(kinds), peripheral: input.pick(scenario.peripherals).id,
                                           code: input.u16(), seconds: Double(input.byte()) / 16,
                                           count: Int(input.byte()))
                outputs = model.inject(fault, at: now)
            case 2:
                // A connect to someone in the world.
                let d = FuzzMessages.commands.first { $0.name == "gap_connect_direct" }!
                var prefix = FuzzMessages.wire(input.pick(addresses))
                prefix.append(input.byte() & 1)
                guard let m = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input, prefix: prefix)),
                      case let .command(c) = m else { continue }
                outputs = model.receive(c, at: now)
            case 3:
                outputs = model.protocolError(BGAPIErrorCode(rawValue: input.u16()), at: now)
            default:
                // Any command; connection handles kept small so they name real links.
                let d = input.pick(FuzzMessages.commands)
                let prefix: [UInt8] = d.messageClass.rawValue == 3 || d.messageClass.rawValue == 4 || d.messageClass.rawValue == 5
                    ? [input.byte() % 4] : []
                guard let m = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input, prefix: prefix)),
                      case let .command(c) = m else { continue }
                outputs = model.receive(c, at: now)
            }
            check(outputs)
        }
        check(model.advance(to: now + .seconds(2)))
    }

    static func check(_ outputs: [DongleOutput]) {
        for output in outputs {
            switch output {
            case let .send(message):
                if case .command = message { violated("the dongle sent a command: \(message)") }
                expectWireRoundTrip(message, direction: .deviceToHost)
            case let .garbage(bytes):
                if bytes.count > 4096 { violated("garbage of \(bytes.count) bytes") }
            case let .reset(after), let .unplug(after):
                if after < .zero || after > .seconds(3600) { violated("reappears after \(after)") }
            case .persist: break
            }
        }
    }
}
