import BGAPICore
import Testing

/// Drives a ``BGAPIHost`` on a manual timeline and reads its actions; pure, no port, no clock.
struct HostHarness {
    var host = BGAPIHost()
    var now: Duration = .zero
    private var lastID: UInt64 = 0

    static let c0 = ConnectionHandle(0), c1 = ConnectionHandle(1), c2 = ConnectionHandle(2)
    static let hrm = BluetoothAddress("C4:7C:8D:6A:10:01")!
    static let thermo = BluetoothAddress("D0:5F:B8:22:33:02")!

    mutating func submit(_ op: HostOperation, timeout: Duration = .seconds(5)) -> (HostRequestID, [HostAction]) {
        lastID += 1
        let id = HostRequestID(rawValue: lastID)
        return (id, host.submit(op, id: id, timeout: timeout, at: now))
    }

    mutating func feed(_ message: BGAPIMessage) -> [HostAction] { host.receive(message, at: now) }
    mutating func event(_ event: BGAPIEvent) -> [HostAction] { host.receive(.event(event), at: now) }
    mutating func respond(_ response: BGAPIResponse) -> [HostAction] { host.receive(.response(response), at: now) }

    /// Moves time on and expires what is due.
    mutating func advance(_ d: Duration) -> [HostAction] {
        now += d
        return host.expire(at: now)
    }

    static func connectCommand(_ address: BluetoothAddress) -> GAPConnectDirectCommand {
        GAPConnectDirectCommand(address: address, addressType: .public, connIntervalMin: 60, connIntervalMax: 76,
                                timeout: 100, latency: 0)
    }

    static func status(_ handle: ConnectionHandle, _ address: BluetoothAddress,
                       flags: ConnectionStatusFlags = [.connected, .completed]) -> ConnectionStatusEvent {
        ConnectionStatusEvent(connection: handle, flags: flags, address: address, addressType: .public,
                              connInterval: 60, timeout: 100, latency: 0, bonding: .none)
    }

    /// Connects `address` on `handle` the way the dongle does, and returns the link.
    mutating func connect(_ address: BluetoothAddress = hrm, on handle: ConnectionHandle = c0) -> LinkInfo {
        let (id, _) = submit(.connect(Self.connectCommand(address)))
        _ = respond(.gapConnectDirect(.init(result: .success, connectionHandle: handle)))
        let out = event(.connectionStatus(Self.status(handle, address)))
        guard case let .success(.connected(link))? = completions(out)[id] else {
            Issue.record("connect did not complete: \(out)")
            return LinkInfo(id: LinkID(rawValue: 0), status: Self.status(handle, address))
        }
        return link
    }
}

func writes(_ actions: [HostAction]) -> [[UInt8]] {
    actions.compactMap { if case let .write(b) = $0 { b } else { nil } }
}

/// The commands written, decoded.
func sent(_ actions: [HostAction]) -> [BGAPICommand] {
    writes(actions).compactMap { bytes in
        guard case let .command(c)? = try? decodeHostOutput(bytes) else { return nil }
        return c
    }
}

func completions(_ actions: [HostAction]) -> [HostRequestID: Result<HostResult, BGAPIError>] {
    var out: [HostRequestID: Result<HostResult, BGAPIError>] = [:]
    for case let .complete(id, r) in actions { out[id] = r }
    return out
}

func events(_ actions: [HostAction]) -> [BGAPIEvent] {
    actions.compactMap { if case let .event(e) = $0 { e } else { nil } }
}

func linksDown(_ actions: [HostAction]) -> [(LinkInfo, LinkLoss)] {
    actions.compactMap { if case let .linkDown(l, loss) = $0 { (l, loss) } else { nil } }
}

func linksUp(_ actions: [HostAction]) -> [LinkInfo] {
    actions.compactMap { if case let .linkUp(l) = $0 { l } else { nil } }
}

func notifications(_ actions: [HostAction]) -> [(AttributeHandle, [UInt8])] {
    actions.compactMap { if case let .notification(_, h, v, _) = $0 { (h, v) } else { nil } }
}

func value(_ c: ConnectionHandle, _ h: UInt16, _ type: AttributeValueType, _ v: [UInt8]) -> BGAPIEvent {
    .attClientAttributeValue(.init(connection: c, attHandle: AttributeHandle(h), type: type, value: v))
}

func completed(_ c: ConnectionHandle, _ result: BGAPIErrorCode, _ h: UInt16) -> BGAPIEvent {
    .attClientProcedureCompleted(.init(connection: c, result: result, chrHandle: AttributeHandle(h)))
}
