/// The sans-IO host state machine of a BGAPI v1 central: operations and received messages in, actions out.
///
/// It keeps one command in flight and matches each response to it, runs at most one GATT procedure per
/// connection, routes events by connection handle, and enforces every call's deadline on the timeline the
/// caller supplies, so traffic never extends a deadline. It reads no clock and does no I/O.
public struct BGAPIHost: Sendable {
    struct Pending: Sendable {
        var id: HostRequestID?              // nil: the host's own (indicate_confirm, end_procedure)
        var operation: HostOperation
        var name: String
        var bytes: [UInt8]
        var deadline: Duration
        var timeout: Duration
        var key: UInt16                     // class << 8 | id of the command, to match the response
        var connection: ConnectionHandle?   // set once the link of a connect is known
        // What a GATT procedure has gathered so far.
        var value: [UInt8] = []
        var values: [AttClientAttributeValueEvent] = []
        var groups: [AttClientGroupFoundEvent] = []
        var information: [AttClientFindInformationFoundEvent] = []
    }

    private var waiting: [Pending] = []                       // not yet sent, in submission order
    private var inFlight: Pending?                            // sent, awaiting its response
    private var procedures: [ConnectionHandle: Pending] = [:] // GATT procedures past their response
    private var linkWaits: [Pending] = []                     // connect / encrypt / disconnect past their response

    /// A host with nothing pending.
    public init() {}

    /// Whether nothing is queued, in flight or running.
    public var isIdle: Bool { waiting.isEmpty && inFlight == nil && procedures.isEmpty && linkWaits.isEmpty }

    /// The earliest deadline of any pending call: arm a timer for it and call ``expire(at:)``.
    public var nextDeadline: Duration? {
        (waiting.map(\.deadline) + [inFlight?.deadline].compactMap { $0 }
            + procedures.values.map(\.deadline) + linkWaits.map(\.deadline)).min()
    }

    /// Queues `operation` with its own `timeout` from `now`; sends it when the port and its connection are free.
    public mutating func submit(_ operation: HostOperation, id: HostRequestID?, timeout: Duration,
                                at now: Duration) -> [HostAction] {
        let command = operation.command
        let bytes: [UInt8]
        do { bytes = try command.encodedBytes() } catch {
            return id.map { [.complete($0, .failure(.invalidArgument("\(error)")))] } ?? []
        }
        let key = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        waiting.append(Pending(id: id, operation: operation, name: Self.name(of: command), bytes: bytes,
                               deadline: now + timeout, timeout: timeout, key: key))
        var out: [HostAction] = []
        pump(&out)
        return out
    }

    /// Feeds a decoded message from the dongle.
    public mutating func receive(_ message: BGAPIMessage, at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        switch message {
        case let .response(response): receive(response, &out)
        case let .event(event): receive(event, now: now, &out)
        case .command: break
        }
        pump(&out)
        return out
    }

    /// Fails every call whose deadline is at or before `now`.
    public mutating func expire(at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        func timedOut(_ p: Pending) -> HostAction? {
            p.id.map { .complete($0, .failure(.timeout(operation: p.name, after: p.timeout))) }
        }
        if let p = inFlight, p.deadline <= now {
            // The response may still come; it will be reported as unmatched. The port is free again.
            inFlight = nil
            timedOut(p).map { out.append($0) }
            if case .connect = p.operation { enqueueOwn(.gapEndProcedure(.init()), &out, now: now) }
        }
        for (handle, p) in procedures where p.deadline <= now {
            procedures[handle] = nil
            timedOut(p).map { out.append($0) }
        }
        let expired = linkWaits.filter { $0.deadline <= now }
        linkWaits.removeAll { $0.deadline <= now }
        for p in expired {
            timedOut(p).map { out.append($0) }
            // A connect still pending on the radio must be cancelled, or the dongle stays busy.
            if case .connect = p.operation { enqueueOwn(.gapEndProcedure(.init()), &out, now: now) }
        }
        let stale = waiting.filter { $0.deadline <= now }
        waiting.removeAll { $0.deadline <= now }
        for p in stale { timedOut(p).map { out.append($0) } }
        pump(&out)
        return out
    }

    /// Fails everything pending with `error` (the port closed, the backend stopped) and forgets it.
    public mutating func failAll(_ error: BGAPIError) -> [HostAction] {
        let all = waiting + [inFlight].compactMap { $0 } + Array(procedures.values) + linkWaits
        waiting = []; inFlight = nil; procedures = [:]; linkWaits = []
        return all.compactMap { p in p.id.map { .complete($0, .failure(error)) } }
    }

    // MARK: - Sending

    private mutating func enqueueOwn(_ command: BGAPICommand, _ out: inout [HostAction], now: Duration) {
        guard let bytes = try? command.encodedBytes() else { return }
        waiting.append(Pending(id: nil, operation: .command(command), name: Self.name(of: command), bytes: bytes,
                               deadline: now + .seconds(2), timeout: .seconds(2),
                               key: UInt16(bytes[2]) << 8 | UInt16(bytes[3])))
    }

    /// Sends the first waiting command that may go: one in flight, one GATT procedure per connection.
    private mutating func pump(_ out: inout [HostAction]) {
        while inFlight == nil {
            guard let index = waiting.firstIndex(where: { p in
                p.operation.gattConnection.map { procedures[$0] == nil } ?? true
            }) else { return }
            let p = waiting.remove(at: index)
            out.append(.write(p.bytes))
            if case .command(.systemReset) = p.operation {
                // system_reset has no response: it is done once written.
                p.id.map { out.append(.complete($0, .success(.response(nil)))) }
                continue
            }
            inFlight = p
        }
    }

    // MARK: - Responses

    private mutating func receive(_ response: BGAPIResponse, _ out: inout [HostAction]) {
        guard var p = inFlight, p.key == Self.key(of: response) else {
            out.append(.unmatchedResponse(response))
            return
        }
        inFlight = nil
        let result = Self.result(of: response)
        let failed = result.map { !$0.isSuccess } ?? false
        switch p.operation {
        case .command:
            finish(p, .success(.response(response)), &out)
        case .checkedCommand:
            finish(p, failed ? .failure(BGAPIError(code: result!)) : .success(.response(response)), &out)
        case let .gatt(handle, _, _):
            if failed { finish(p, .failure(BGAPIError(code: result!)), &out); return }
            procedures[handle] = p
        case .connect:
            if failed { finish(p, .failure(BGAPIError(code: result!)), &out); return }
            if case let .gapConnectDirect(r) = response { p.connection = r.connectionHandle }
            linkWaits.append(p)
        case let .encrypt(c):
            if failed { finish(p, .failure(BGAPIError(code: result!)), &out); return }
            p.connection = c.handle
            linkWaits.append(p)
        case let .disconnect(handle):
            if failed { finish(p, .failure(result == .notConnected ? .notConnected : BGAPIError(code: result!)), &out); return }
            p.connection = handle
            linkWaits.append(p)
        }
    }

    private func finish(_ p: Pending, _ result: Result<HostResult, BGAPIError>, _ out: inout [HostAction]) {
        if let id = p.id { out.append(.complete(id, result)) }
    }

    // MARK: - Events

    private mutating func receive(_ event: BGAPIEvent, now: Duration, _ out: inout [HostAction]) {
        switch event {
        case let .attClientAttributeValue(e):
            switch e.type {
            case .notify, .indicate, .indicateResponseRequired:
                out.append(.event(event))
                if e.type == .indicateResponseRequired {
                    // The stack waits for our confirmation before the peer may indicate again.
                    enqueueOwn(.attClientIndicateConfirm(.init(connection: e.connection)), &out, now: now)
                }
            default:
                guard var p = procedures[e.connection] else { out.append(.event(event)); return }
                switch p.operation {
                case let .gatt(_, .read(handle), _) where e.attHandle == handle:
                    procedures[e.connection] = nil
                    finish(p, .success(.value(e.value)), &out)
                case let .gatt(_, .readLong(handle), _) where e.attHandle == handle:
                    p.value += e.value
                    procedures[e.connection] = p
                case .gatt(_, .readByType, _):
                    p.values.append(e)
                    procedures[e.connection] = p
                default:
                    out.append(.event(event))
                }
            }
        case let .attClientGroupFound(e):
            collect(e.connection, event, &out) { $0.groups.append(e) }
        case let .attClientFindInformationFound(e):
            collect(e.connection, event, &out) { $0.information.append(e) }
        case let .attClientProcedureCompleted(e):
            guard let p = procedures[e.connection] else { out.append(.event(event)); return }
            procedures[e.connection] = nil
            finish(p, Self.completion(of: p, e), &out)
        case let .connectionStatus(e):
            if e.flags.contains(.connected),
               let i = linkWaits.firstIndex(where: { w in
                   guard case let .connect(c) = w.operation else { return false }
                   return c.address == e.address && (w.connection == nil || w.connection == e.connection)
               }) {
                finish(linkWaits.remove(at: i), .success(.connected(e)), &out)
            } else if e.flags.contains(.encrypted),
                      let i = linkWaits.firstIndex(where: { w in
                          if case .encrypt = w.operation { return w.connection == e.connection }
                          return false
                      }) {
                finish(linkWaits.remove(at: i), .success(.encrypted(e)), &out)
            }
            out.append(.event(event))
        case let .smBondingFail(e):
            if let i = linkWaits.firstIndex(where: { w in
                if case .encrypt = w.operation { return w.connection == e.handle }
                return false
            }) {
                finish(linkWaits.remove(at: i), .failure(BGAPIError(code: e.result)), &out)
            }
            out.append(.event(event))
        case let .connectionDisconnected(e):
            // The event goes first, so the shell marks the link down before any caller wakes.
            out.append(.event(event))
            // Everything running on the link ends now; a disconnect we asked for succeeds.
            if let p = procedures.removeValue(forKey: e.connection) {
                finish(p, .failure(.disconnected(reason: e.reason)), &out)
            }
            let mine = linkWaits.filter { $0.connection == e.connection }
            linkWaits.removeAll { $0.connection == e.connection }
            for p in mine {
                if case .disconnect = p.operation { finish(p, .success(.disconnected(e)), &out) }
                else { finish(p, .failure(.disconnected(reason: e.reason)), &out) }
            }
            let queued = waiting.filter { $0.operation.gattConnection == e.connection }
            waiting.removeAll { $0.operation.gattConnection == e.connection }
            for p in queued { finish(p, .failure(.disconnected(reason: e.reason)), &out) }
        default:
            out.append(.event(event))
        }
    }

    private mutating func collect(_ connection: ConnectionHandle, _ event: BGAPIEvent, _ out: inout [HostAction],
                                  _ add: (inout Pending) -> Void) {
        guard var p = procedures[connection] else { out.append(.event(event)); return }
        add(&p)
        procedures[connection] = p
    }

    private static func completion(of p: Pending, _ e: AttClientProcedureCompletedEvent) -> Result<HostResult, BGAPIError> {
        guard case let .gatt(_, procedure, _) = p.operation else { return .failure(.unexpected("procedure_completed")) }
        // "Attribute not found" ends a discovery that found everything there was.
        let ok = e.result.isSuccess
            || (e.result == .attributeNotFound && [.discoverServices, .discoverDescriptors, .readByType].contains(procedure))
        guard ok else { return .failure(BGAPIError(code: e.result)) }
        switch procedure {
        case .read: return .failure(.unexpected("read ended without a value"))
        case .readLong: return .success(.value(p.value))
        case .readByType: return .success(.values(p.values))
        case .write: return .success(.written)
        case .discoverServices: return .success(.services(p.groups))
        case .discoverDescriptors: return .success(.descriptors(p.information))
        }
    }

    // MARK: - Helpers

    static func key(of response: BGAPIResponse) -> UInt16 {
        if let payload = response.payload {
            let d = type(of: payload).descriptor
            return UInt16(d.messageClass.rawValue) << 8 | UInt16(d.messageID)
        }
        guard let packet = try? response.packet() else { return 0xFFFF }
        return UInt16(packet.header.messageClass.rawValue) << 8 | UInt16(packet.header.messageID)
    }

    /// The `result` field of a response, when it has one.
    public static func result(of response: BGAPIResponse) -> BGAPIErrorCode? {
        guard let field = response.payload?.fields.first(where: { $0.name == "result" }),
              case let .unsigned(raw) = field.value else { return nil }
        return BGAPIErrorCode(rawValue: UInt16(truncatingIfNeeded: raw))
    }

    static func name(of command: BGAPICommand) -> String {
        command.payload.map { type(of: $0).descriptor.name } ?? "command"
    }
}
