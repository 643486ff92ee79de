/// The sans-IO host state machine of a BGAPI v1 central: operations and received messages in, actions out.
///
/// It keeps one command in flight and matches each response to it; runs each call as a small procedure
/// (connect, discovery, read, write, subscribe, bond, RSSI, …) that holds its slot — one GAP connect at a
/// time, one ATT procedure per link — for as long as the dongle runs it; owns the link table, so a link is
/// registered, updated and closed the moment the dongle reports it; and enforces every call's absolute
/// deadline on the timeline the caller supplies. It reads no clock and does no I/O.
public struct BGAPIHost: Sendable {
    /// What a procedure holds while it runs; procedures that share a slot run one after another.
    enum Slot: Hashable, Sendable {
        /// Nothing exclusive: raw commands, RSSI, disconnects.
        case free
        /// GAP initiating and discovery start (the radio does one at a time).
        case gap
        /// The link's ATT client: one GATT procedure per connection (Reference §4.1 rule 3).
        case att(ConnectionHandle)
        /// The link's security manager.
        case security(ConnectionHandle)
        /// `sm_get_bonds` and its bond_status events.
        case bondList
    }

    struct Running: Sendable {
        let token: UInt64
        var id: HostRequestID?          // nil: the host's own, or a call whose caller has given up
        var procedure: any HostProcedure
        let slot: Slot
        let link: LinkID?
        let name: String
        var deadline: Duration
        let timeout: Duration
        var started = false
        var sleepUntil: Duration?
        /// The caller timed out while the dongle still ran it: it holds its slot until the dongle's
        /// terminator or the ATT timeout, and its late values go nowhere.
        var abandoned = false
    }

    struct Outgoing: Sendable {
        let token: UInt64
        let command: BGAPICommand
        let bytes: [UInt8]
        let key: UInt16
    }

    /// The ATT transaction timeout (Core Vol 3 Part F 3.3.3): how long an abandoned procedure may hold its link.
    public static let attTimeout = Duration.seconds(30)
    /// How long after a timed-out connect a late `connection_status` for its address is still closed at once.
    public static let lateLinkWindow = Duration.seconds(10)

    private var running: [Running] = []          // submission order; started or waiting for their slot
    private var port: [Outgoing] = []             // commands waiting for the port
    private var inFlight: Outgoing?               // sent, awaiting its response
    private var links = LinkTable()
    private var discarding: Set<LinkID> = []      // late links the host is closing
    private var abandonedConnects: [(address: BluetoothAddress, until: Duration)] = []
    private var nextToken: UInt64 = 0
    /// Whether the dongle is discovering, as far as its answers tell.
    public private(set) var isScanning = false

    /// A host with nothing pending.
    public init() {}

    /// Whether nothing is queued, in flight or running.
    public var isIdle: Bool { running.isEmpty && port.isEmpty && inFlight == nil }

    /// Every link up, oldest first.
    public var activeLinks: [LinkInfo] { links.all.filter { !discarding.contains($0.id) } }

    /// The link with `id`, if it is still up.
    public func link(_ id: LinkID) -> LinkInfo? { discarding.contains(id) ? nil : links.link(id) }

    /// The earliest time the host must be called again through ``expire(at:)``: a deadline or a retry pause.
    public var nextDeadline: Duration? {
        running.flatMap { [$0.deadline, $0.sleepUntil].compactMap { $0 } }.min()
    }

    // MARK: - Inputs

    /// Queues `operation` to finish by `now + timeout`.
    public mutating func submit(_ operation: HostOperation, id: HostRequestID?, timeout: Duration,
                                at now: Duration) -> [HostAction] {
        submit(operation, id: id, deadline: now + timeout, timeout: timeout, at: now)
    }

    /// Queues `operation` to finish by the absolute `deadline`; it starts once its slot and the port are free.
    /// `timeout` is the caller's whole budget, for the error message (it defaults to what is left).
    public mutating func submit(_ operation: HostOperation, id: HostRequestID?, deadline: Duration,
                                timeout: Duration? = nil, at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        let timeout = timeout ?? max(.zero, deadline - now)
        func refuse(_ error: BGAPIError) -> [HostAction] { id.map { [.complete($0, .failure(error))] } ?? [] }
        var handle: ConnectionHandle?
        if let l = operation.link {
            guard let info = link(l) else { return refuse(.notConnected) }
            handle = info.connection
        }
        let procedure: any HostProcedure
        let slot: Slot
        switch operation {
        case let .command(c): (procedure, slot) = (CommandProcedure(c, checked: false), .free)
        case let .checkedCommand(c): (procedure, slot) = (CommandProcedure(c, checked: true), .free)
        case let .startScan(p, mode): (procedure, slot) = (StartScanProcedure(p, mode: mode), .gap)
        case .stopScan:
            // Ending a discovery must not cancel another caller's connect: with no discovery running and a
            // connect initiating, there is nothing to stop.
            if !isScanning, running.contains(where: { $0.slot == .gap && $0.started && $0.procedure is ConnectProcedure }) {
                return id.map { [.complete($0, .success(.done))] } ?? []
            }
            (procedure, slot) = (StopScanProcedure(), .free)
        case let .connect(c):
            (procedure, slot) = (ConnectProcedure(c), .gap)
        case .disconnect: (procedure, slot) = (DisconnectProcedure(connection: handle!), .free)
        case let .read(_, h): (procedure, slot) = (ReadProcedure(connection: handle!, handle: h, long: false), .att(handle!))
        case let .readLong(_, h): (procedure, slot) = (ReadProcedure(connection: handle!, handle: h, long: true), .att(handle!))
        case let .write(_, h, v):
            (procedure, slot) = (WriteProcedure(connection: handle!, handle: h, value: v, kind: .request), .att(handle!))
        case let .writeWithoutResponse(_, h, v):
            (procedure, slot) = (WriteProcedure(connection: handle!, handle: h, value: v, kind: .command), .att(handle!))
        case let .writeLong(_, h, v):
            (procedure, slot) = (WriteProcedure(connection: handle!, handle: h, value: v, kind: .long), .att(handle!))
        case .discover: (procedure, slot) = (DiscoveryProcedure(connection: handle!), .att(handle!))
        case let .configure(_, d, config):
            (procedure, slot) = (SubscribeProcedure(connection: handle!, descriptor: d, configuration: config), .att(handle!))
        case let .bond(_, permanent, passkey):
            (procedure, slot) = (BondProcedure(connection: handle!, permanent: permanent, passkey: passkey), .security(handle!))
        case .rssi: (procedure, slot) = (RSSIProcedure(connection: handle!), .free)
        case .bonds: (procedure, slot) = (BondsProcedure(), .bondList)
        }
        nextToken += 1
        running.append(Running(token: nextToken, id: id, procedure: procedure, slot: slot, link: operation.link,
                               name: operation.name, deadline: deadline, timeout: timeout))
        pump(&out, now: now)
        return out
    }

    /// Feeds a decoded message from the dongle.
    public mutating func receive(_ message: BGAPIMessage, at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        switch message {
        case let .response(response): receive(response, &out, now: now)
        case let .event(event): receive(event, &out, now: now)
        case .command: break
        }
        pump(&out, now: now)
        return out
    }

    /// Fails every call whose deadline is at or before `now`, and wakes procedures whose pause is over.
    public mutating func expire(at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        abandonedConnects.removeAll { $0.until <= now }
        for r in running where r.sleepUntil.map({ $0 <= now }) == true {
            guard let i = index(r.token) else { continue }
            running[i].sleepUntil = nil
            let step = running[i].procedure.wake(at: now)
            apply(step, to: r.token, &out, now: now)
        }
        for r in running where r.deadline <= now {
            guard let i = index(r.token) else { continue }
            if r.abandoned {
                // The ATT timeout passed too: the dongle drops such a link; free the slot in any case.
                remove(r.token)
                continue
            }
            _ = i
            end(r, .timeout(operation: r.name, after: r.timeout), &out, now: now)
        }
        pump(&out, now: now)
        return out
    }

    /// How long an abandoned procedure waits for the response to the command it had in flight.
    public static let responseGrace = Duration.seconds(1)

    /// Ends a call early (its deadline passed, or it was cancelled) without lying to the dongle.
    private mutating func end(_ r: Running, _ error: BGAPIError, _ out: inout [HostAction], now: Duration) {
        guard let i = index(r.token) else { return }
        if r.started, case .att = r.slot, r.procedure.isRunningOnDongle || inFlight?.token == r.token {
            // The dongle runs it (or is about to, once it answers the command in flight): the caller is told
            // now; the link's ATT slot stays taken until the dongle ends it, so later calls wait instead of
            // meeting wrong_state, and its late values go nowhere.
            r.id.map { out.append(.complete($0, .failure(error))) }
            running[i].id = nil
            running[i].abandoned = true
            running[i].deadline = now + (r.procedure.isRunningOnDongle ? Self.attTimeout : Self.responseGrace)
            return
        }
        if let connect = r.procedure as? ConnectProcedure, r.started, connect.isInitiating {
            // Cancel it on the radio, and close the link if it completes anyway.
            abandonedConnects.append((connect.command.address, now + Self.lateLinkWindow))
            finish(r.token, .failure(error), &out, now: now)
            endInitiating(now: now)
            return
        }
        finish(r.token, .failure(error), &out, now: now)
    }

    /// Ends the call `id` now with ``BGAPIError/cancelled``, leaving its link usable: a procedure the dongle
    /// still runs keeps its slot until the dongle ends it (as after a timeout); a connect is cancelled on the
    /// radio; one not yet started is simply dropped.
    public mutating func cancel(_ id: HostRequestID, at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        guard let r = running.first(where: { $0.id == id && !$0.abandoned }) else { return out }
        end(r, .cancelled, &out, now: now)
        pump(&out, now: now)
        return out
    }

    /// Cancels every connect to `address`, initiating or queued (a user who gave up waiting): each ends with
    /// ``BGAPIError/cancelled``, and one the radio is initiating is ended there with `gap_end_procedure`.
    public mutating func cancelConnect(to address: BluetoothAddress, at now: Duration) -> [HostAction] {
        var out: [HostAction] = []
        for r in running where !r.abandoned {
            guard let c = r.procedure as? ConnectProcedure, c.command.address == address else { continue }
            end(r, .cancelled, &out, now: now)
        }
        pump(&out, now: now)
        return out
    }

    /// Fails everything pending with `error` and closes every link with `loss` (the port closed, the backend
    /// stopped). The host is then as new, but for its link numbering.
    public mutating func failAll(_ error: BGAPIError, loss: LinkLoss) -> [HostAction] {
        var out: [HostAction] = []
        reset(error: error, loss: loss, &out)
        return out
    }

    // MARK: - Procedures

    private func index(_ token: UInt64) -> Int? { running.firstIndex { $0.token == token } }

    private mutating func remove(_ token: UInt64) {
        running.removeAll { $0.token == token }
        port.removeAll { $0.token == token }
        // Its answer may still come; it will be reported as unmatched. The port is free again.
        if inFlight?.token == token { inFlight = nil }
    }

    private mutating func enqueueOwn(_ procedure: any HostProcedure, now: Duration) {
        nextToken += 1
        running.append(Running(token: nextToken, id: nil, procedure: procedure, slot: .free, link: nil,
                               name: "host", deadline: now + .seconds(5), timeout: .seconds(5)))
    }

    /// Ends the radio's initiating before anything else may use GAP: it takes the GAP slot ahead of every
    /// waiting connect or scan start, which would otherwise meet `wrong_state` (or be ended by it).
    private mutating func endInitiating(now: Duration) {
        nextToken += 1
        running.insert(Running(token: nextToken, id: nil, procedure: CommandProcedure(.gapEndProcedure(.init()), checked: false),
                               slot: .gap, link: nil, name: "host", deadline: now + .seconds(5), timeout: .seconds(5)), at: 0)
    }

    private mutating func finish(_ token: UInt64, _ result: Result<HostResult, BGAPIError>, _ out: inout [HostAction],
                                 now: Duration) {
        guard let i = index(token) else { return }
        let r = running[i]
        remove(token)
        if !r.abandoned, let id = r.id { out.append(.complete(id, result)) }
        // The dongle says the link is not connected: believe it (Reference §4.1 rule 4).
        if case .failure(.notConnected) = result, let l = r.link, let info = links.link(l) {
            closeLink(info, .notConnected, &out, now: now)
        }
    }

    private mutating func apply(_ step: ProcedureStep, to token: UInt64, _ out: inout [HostAction], now: Duration) {
        guard let i = index(token) else { return }
        switch step {
        case .wait:
            break
        case let .sleep(until):
            running[i].sleepUntil = until
        case let .finish(result):
            finish(token, result, &out, now: now)
        case let .send(command):
            if running[i].abandoned {
                // The caller is gone: start nothing new on the dongle for it.
                remove(token)
                return
            }
            do {
                let bytes = try command.encodedBytes()
                port.append(Outgoing(token: token, command: command, bytes: bytes, key: UInt16(bytes[2]) << 8 | UInt16(bytes[3])))
            } catch {
                finish(token, .failure(.invalidArgument("\(error)")), &out, now: now)
            }
        }
    }

    /// Starts every procedure whose slot is free, then sends what waits for the port.
    private mutating func pump(_ out: inout [HostAction], now: Duration) {
        var progressed = true
        while progressed {
            progressed = false
            var busy = Set(running.filter(\.started).map(\.slot))
            for r in running where !r.started {
                if r.slot != .free && busy.contains(r.slot) { continue }
                guard let i = index(r.token) else { continue }
                running[i].started = true
                busy.insert(r.slot)
                if let c = r.procedure as? ConnectProcedure, let up = activeLinks.first(where: { $0.address == c.command.address }) {
                    // Queued behind a connect to the same peer: that link is the answer.
                    finish(r.token, .success(.connected(up)), &out, now: now)
                    progressed = true
                    continue
                }
                let step = running[i].procedure.start(at: now)
                apply(step, to: r.token, &out, now: now)
                progressed = true
            }
            while inFlight == nil, !port.isEmpty {
                let o = port.removeFirst()
                out.append(.write(o.bytes))
                if o.command.expectsResponse {
                    inFlight = o
                } else {
                    written(o, &out, now: now)
                    progressed = true
                }
            }
        }
    }

    /// A command that has no response is done once written; a reset also ends every link.
    private mutating func written(_ o: Outgoing, _ out: inout [HostAction], now: Duration) {
        if let i = index(o.token) {
            let step = running[i].procedure.receive(nil, at: now)
            apply(step, to: o.token, &out, now: now)
        }
        switch o.command {
        case .systemReset, .dfuReset: reset(error: .dongleReset, loss: .dongleReset, &out)
        default: break
        }
    }

    // MARK: - Responses

    private mutating func receive(_ response: BGAPIResponse, _ out: inout [HostAction], now: Duration) {
        guard let o = inFlight, o.key == Self.key(of: response) else {
            out.append(.unmatchedResponse(response))
            return
        }
        inFlight = nil
        track(o.command, response)
        guard let i = index(o.token) else { return }  // its caller gave up; the answer goes nowhere
        let step = running[i].procedure.receive(response, at: now)
        apply(step, to: o.token, &out, now: now)
        // An abandoned procedure the dongle has now started holds its slot until the dongle ends it.
        if let j = index(o.token), running[j].abandoned, running[j].procedure.isRunningOnDongle {
            running[j].deadline = now + Self.attTimeout
        }
    }

    /// Follows the dongle's discovery state from the answers to the commands that change it.
    private mutating func track(_ command: BGAPICommand, _ response: BGAPIResponse) {
        let ok = response.resultCode?.isSuccess ?? false
        switch command {
        case .gapDiscover: if ok { isScanning = true }
        case .gapEndProcedure: if ok || response.resultCode == .wrongState { isScanning = false }
        case .gapConnectDirect, .gapConnectSelective: if ok { isScanning = false }  // initiating supersedes a discovery
        default: break
        }
    }

    // MARK: - Events

    private mutating func offer(_ event: BGAPIEvent, slot: Slot, _ out: inout [HostAction], now: Duration) -> Bool {
        guard let r = running.first(where: { $0.started && $0.slot == slot }),
              let i = index(r.token), let step = running[i].procedure.receive(event, at: now) else { return false }
        apply(step, to: r.token, &out, now: now)
        return true
    }

    private mutating func receive(_ event: BGAPIEvent, _ out: inout [HostAction], now: Duration) {
        switch event {
        case .systemBoot:
            // The dongle reset underneath us: nothing it was doing survives (Reference §4.2 "Reset").
            reset(error: .dongleReset, loss: .dongleReset, &out)
            out.append(.event(event))
        case let .connectionStatus(e):
            status(e, &out, now: now)
            out.append(.event(event))
        case let .connectionDisconnected(e):
            if let info = links.link(at: e.connection) {
                closeLink(info, .disconnected(e.reason), &out, now: now)
            } else {
                out.append(.event(event))
            }
        case let .attClientAttributeValue(e):
            if offer(event, slot: .att(e.connection), &out, now: now) { return }
            guard e.type.isServerInitiated, let info = link(atHandle: e.connection) else {
                // A late or stray value (a read that already timed out): never a notification.
                out.append(.event(event))
                return
            }
            out.append(.notification(info, e.attHandle, e.value, isIndication: e.type != .notify))
            if e.type == .indicateResponseRequired {
                // The stack waits for our confirmation before the peer may indicate again.
                enqueueOwn(CommandProcedure(.attClientIndicateConfirm(.init(connection: e.connection)), checked: false), now: now)
            }
        case let .attClientProcedureCompleted(e):
            if !offer(event, slot: .att(e.connection), &out, now: now) { out.append(.event(event)) }
        case let .attClientGroupFound(e):
            if !offer(event, slot: .att(e.connection), &out, now: now) { out.append(.event(event)) }
        case let .attClientFindInformationFound(e):
            if !offer(event, slot: .att(e.connection), &out, now: now) { out.append(.event(event)) }
        case let .smPasskeyRequest(e):
            if !offer(event, slot: .security(e.handle), &out, now: now) { out.append(.event(event)) }
        case let .smBondingFail(e):
            if !offer(event, slot: .security(e.handle), &out, now: now) { out.append(.event(event)) }
        case .smBondStatus:
            _ = offer(event, slot: .bondList, &out, now: now)
            out.append(.event(event))
        default:
            out.append(.event(event))
        }
    }

    private func link(atHandle handle: ConnectionHandle) -> LinkInfo? {
        links.link(at: handle).flatMap { discarding.contains($0.id) ? nil : $0 }
    }

    private mutating func status(_ e: ConnectionStatusEvent, _ out: inout [HostAction], now: Duration) {
        guard e.flags.contains(.connected) else {
            // Not (or no longer) connected: the link is down, whatever we thought.
            if let info = links.link(at: e.connection) { closeLink(info, .notConnected, &out, now: now) }
            return
        }
        if let existing = links.link(at: e.connection) {
            if existing.address == e.address {
                if let info = links.update(e), !discarding.contains(info.id) { out.append(.linkUpdated(info)) }
                _ = offer(.connectionStatus(e), slot: .security(e.connection), &out, now: now)
                return
            }
            // The handle now belongs to another peer: the old link is gone, and never aliases the new one.
            closeLink(existing, .notConnected, &out, now: now)
        }
        let claimant = running.first { r in
            guard r.started, let c = r.procedure as? ConnectProcedure else { return false }
            return c.claims(e)
        }
        if let claimant, let i = index(claimant.token), var connect = running[i].procedure as? ConnectProcedure {
            let info = links.open(e)
            out.append(.linkUp(info))
            let step = connect.linkUp(info)
            running[i].procedure = connect
            apply(step, to: claimant.token, &out, now: now)
        } else if let j = abandonedConnects.firstIndex(where: { $0.address == e.address }) {
            // Its connect timed out: close the late link rather than let it hold a slot.
            abandonedConnects.remove(at: j)
            let info = links.open(e)
            discarding.insert(info.id)
            enqueueOwn(DisconnectProcedure(connection: e.connection), now: now)
        } else {
            // A link we did not start (made before start(), or an incoming one): it is ours all the same.
            out.append(.linkUp(links.open(e)))
        }
    }

    private mutating func closeLink(_ info: LinkInfo, _ loss: LinkLoss, _ out: inout [HostAction], now: Duration) {
        _ = links.close(info.connection)
        let silent = discarding.remove(info.id) != nil
        // The loss goes first, so the shell marks the device down before any caller wakes.
        if !silent { out.append(.linkDown(info, loss)) }
        for r in running where r.link == info.id || r.slot == .att(info.connection) || r.slot == .security(info.connection) {
            guard let i = index(r.token) else { continue }
            if r.started {
                let step = running[i].procedure.linkDown(loss)
                apply(step, to: r.token, &out, now: now)
                if index(r.token) != nil { finish(r.token, .failure(loss.error), &out, now: now) }
            } else {
                finish(r.token, .failure(loss.error), &out, now: now)
            }
        }
        // The host's own disconnect of a late link finishes here too.
        for r in running where r.link == nil && r.id == nil {
            if let d = r.procedure as? DisconnectProcedure, d.connection == info.connection { remove(r.token) }
        }
    }

    private mutating func reset(error: BGAPIError, loss: LinkLoss, _ out: inout [HostAction]) {
        for info in links.closeAll() where !discarding.contains(info.id) { out.append(.linkDown(info, loss)) }
        discarding = []
        for r in running where !r.abandoned { r.id.map { out.append(.complete($0, .failure(error))) } }
        running = []
        port = []
        inFlight = nil
        abandonedConnects = []
        isScanning = false
        if case .dongleReset = loss { out.append(.dongleReset) }
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
}
