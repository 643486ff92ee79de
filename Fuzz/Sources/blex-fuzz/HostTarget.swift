import BGAPICore

/// The host state machine fed arbitrary operations, events, responses (most of them to the command in
/// flight), time and cancellations. Checks: every call completes exactly once and never after its deadline
/// has been reached, everything written is a valid command, and link reports are consistent.
enum HostTarget {
    static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var host = BGAPIHost()
        var now = Duration.zero
        var nextID: UInt64 = 0
        var pending: [HostRequestID: Duration] = [:]     // id → deadline
        var done: Set<HostRequestID> = []
        var up: Set<LinkID> = []
        var lastCommand: BGAPICommand?
        var steps = 0

        func take(_ actions: [HostAction]) {
            for action in actions {
                switch action {
                case let .write(bytes):
                    guard let packet = try? BGAPIPacket(bytes: bytes),
                          case let .command(c)? = try? BGAPIMessage(decoding: packet, direction: .hostToDevice) else {
                        violated("the host wrote bytes that are no command: \(bytes)")
                    }
                    expectWireRoundTrip(.command(c), direction: .hostToDevice)
                    lastCommand = c
                case let .complete(id, _):
                    guard pending.removeValue(forKey: id) != nil else {
                        violated(done.contains(id) ? "\(id) completed twice" : "\(id) completed but never submitted")
                    }
                    done.insert(id)
                case let .linkUp(info):
                    if !up.insert(info.id).inserted { violated("\(info.id) reported up twice") }
                case let .linkUpdated(info):
                    if !up.contains(info.id) { violated("\(info.id) updated but not up") }
                case let .linkDown(info, _):
                    if up.remove(info.id) == nil { violated("\(info.id) reported down but not up") }
                case let .notification(info, _, _, _):
                    if !up.contains(info.id) { violated("a notification on \(info.id), which is not up") }
                case .dongleReset, .event, .unmatchedResponse: break
                }
            }
            for (id, deadline) in pending where deadline <= now {
                violated("\(id) still pending at \(now), its deadline was \(deadline)")
            }
        }

        func link() -> LinkID {
            let active = host.activeLinks.map(\.id)
            return !active.isEmpty && input.byte() < 224 ? input.pick(active) : LinkID(rawValue: UInt64(input.byte() % 4))
        }

        func operation() -> HostOperation {
            let h = AttributeHandle(UInt16(input.byte() % 48))
            switch input.byte() % 16 {
            case 0: return .startScan(.init(scanInterval: 0x4B, scanWindow: 0x32, active: input.bool()), mode: .generic)
            case 1: return .stopScan
            case 2, 3:
                return .connect(.init(address: BluetoothAddress(rawValue: UInt64(input.byte() % 4)), addressType: .public,
                                      connIntervalMin: 6, connIntervalMax: 12, timeout: 100, latency: 0))
            case 4: return .disconnect(link())
            case 5: return .read(link(), h)
            case 6: return .readLong(link(), h)
            case 7: return .write(link(), h, input.bytes(upTo: 24))
            case 8: return .writeWithoutResponse(link(), h, input.bytes(upTo: 24))
            case 9: return .writeLong(link(), h, (0 ..< Int(input.byte()) * 3).map { UInt8(truncatingIfNeeded: $0) })
            case 10: return .discover(link())
            case 11: return .configure(link(), descriptor: h, input.pick([.off, .notifications, .indications]))
            case 12: return .bond(link(), permanent: input.bool(), passkey: input.bool() ? input.u32() % 1_000_000 : nil)
            case 13: return .rssi(link())
            case 14: return .bonds
            default:
                let d = input.pick(FuzzMessages.commands)
                guard case let .command(c)? = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input)) else { return .bonds }
                return input.bool() ? .checkedCommand(c) : .command(c)
            }
        }

        while !input.isEmpty, steps < 128 {
            steps += 1
            switch input.byte() % 10 {
            case 0, 1:
                nextID += 1
                let id = HostRequestID(rawValue: nextID)
                let timeout = Duration.milliseconds(100 * (1 + Int(input.byte() % 200)))
                pending[id] = now + timeout
                take(host.submit(operation(), id: id, timeout: timeout, at: now))
            case 2, 3, 4:
                // An answer to the command in flight, often a success for the same connection.
                guard let command = lastCommand, let key = command.payload.map({ type(of: $0).descriptor }),
                      let d = FuzzMessages.responses.first(where: { $0.messageClass == key.messageClass && $0.messageID == key.messageID })
                else { continue }
                var prefix: [UInt8] = []
                if input.bool() {
                    prefix = [UInt8](repeating: 0, count: d.fixedLength)
                    if d.fields.first?.name == "connection", let first = try? command.encodedBytes().dropFirst(4).first {
                        prefix[0] = first
                    }
                }
                if let m = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input, prefix: prefix)) {
                    take(host.receive(m, at: now))
                }
            case 5, 6:
                let d = input.pick(FuzzMessages.hostEvents)
                let prefix: [UInt8] = d.fields.first?.name == "connection" ? [input.byte() % 4] : []
                if let m = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input, prefix: prefix)) {
                    take(host.receive(m, at: now))
                }
            case 7:
                now += input.byte() < 240 ? .milliseconds(Int(input.u16() % 5000)) : .seconds(Int(input.byte()))
                take(host.expire(at: now))
            case 8:
                guard !pending.isEmpty else { continue }
                let id = input.pick(pending.keys.sorted { $0.rawValue < $1.rawValue })
                take(host.cancel(id, at: now))
            default:
                if input.byte() < 16 {
                    take(host.failAll(.portClosed("fuzz"), loss: .portClosed("fuzz")))
                } else {
                    let d = input.pick(FuzzMessages.responses)
                    if let m = FuzzMessages.message(d, FuzzMessages.payload(for: d, &input)) { take(host.receive(m, at: now)) }
                }
            }
        }
        // Past every deadline and the ATT timeout: nothing may still be waiting.
        now += .seconds(100)
        take(host.expire(at: now))
        if !pending.isEmpty { violated("\(pending.count) calls never completed") }
    }
}
