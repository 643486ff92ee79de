import BGAPICore

/// One moment of a replay: a message for the explorer's `update`, when it happened, and whether it is a
/// place worth jumping to (an error, a lost link).
public struct ReplayEvent: Sendable {
    /// What `n` jumps to.
    public enum Mark: Sendable, Hashable {
        /// Something failed: an ATT error, a refused command, bytes the framer dropped, a damaged file.
        case error
        /// A link went down.
        case disconnect
    }

    /// Time since the recording began.
    public var time: Duration
    /// The message the live explorer would have received.
    public var message: Message
    /// Set for errors and disconnects.
    public var mark: Mark?
}

/// Turns a recording into the messages the live explorer would have received, so a replay runs through the
/// same pure `update` and views. Pure: a recording in, a timeline out.
///
/// Commands and answers become what the effect runner reports: a `gap_connect_direct` a connecting entry,
/// `connection_status` a connected link, a finished discovery the services (once the next command on the link
/// is no longer a discovery step), reads, long reads, writes, CCCD writes as subscriptions, notifications,
/// RSSI, failures and disconnects; every packet also goes to the traffic pane.
public enum ReplayTimeline {
    private struct Link {
        var address: BluetoothAddress
        var database = RecordedDatabase()
        var pending: BGAPICommand?
        var longValue: [UInt8] = []
        /// The order key of the last discovery step that completed, while it may be the last one.
        var discoveryDone: (order: Int, time: Duration)?
    }

    /// The timeline of `recording`; `start` is the wall-clock time of its beginning (seconds since 1970).
    public static func events(from recording: Recording, start: Timestamp) -> [ReplayEvent] {
        var builder = Builder(start: start)
        for (i, entry) in recording.entries.enumerated() { builder.take(entry, at: i) }
        for handle in builder.links.keys.sorted() { builder.flushDiscovery(handle) }
        if let damage = recording.damage {
            let end = recording.entries.last?.time ?? .zero
            builder.order = recording.entries.count
            builder.time = end
            builder.emit(.failed(nil, "the recording ends damaged: \(damage)"), .error)
        }
        return builder.out.enumerated().sorted { a, b in
            (a.element.order, a.element.sub, a.offset) < (b.element.order, b.element.sub, b.offset)
        }.map(\.element.event)
    }

    private struct Builder {
        let start: Timestamp
        var out: [(order: Int, sub: Int, event: ReplayEvent)] = []
        var links: [ConnectionHandle: Link] = [:]
        var lastCommand: BGAPICommand?
        /// The entry being translated: its index (events sort by it) and time.
        var order = 0
        var time = Duration.zero
        var stamp: Timestamp { start + ReplayTimeline.seconds(time) }

        init(start: Timestamp) { self.start = start }

        mutating func emit(_ message: Message, _ mark: ReplayEvent.Mark? = nil) {
            out.append((order, 0, ReplayEvent(time: time, message: message, mark: mark)))
        }

        /// The link's discovery is over: its services, placed where its last step completed.
        mutating func flushDiscovery(_ handle: ConnectionHandle) {
            guard let link = links[handle], let done = link.discoveryDone else { return }
            links[handle]?.discoveryDone = nil
            out.append((done.order, 1, ReplayEvent(time: done.time, message: .discovered(link.address, link.database.services), mark: nil)))
        }

        mutating func take(_ entry: RecordingEntry, at i: Int) {
            order = i
            time = entry.time
            let ts = stamp
            switch entry.content {
            case let .packet(direction, packet):
                guard let message = try? BGAPIMessage(decoding: packet, direction: direction) else {
                    emit(.traffic("! malformed \(packet)"), .error)
                    return
                }
                emit(.packet(message, ts))
                switch message {
                case let .command(command): take(command, ts)
                case let .response(response): take(response)
                case let .event(event): take(event, ts)
                }
            case let .discarded(_, dropped):
                emit(.traffic("! \(dropped)"), .error)
            case let .port(.opened(name)):
                emit(.traffic("port opened: \(name)"))
            case let .port(.closed(why)):
                if why.isEmpty { emit(.traffic("port closed")) } else { emit(.failed(nil, "port closed: \(why)"), .error) }
            case .capReached:
                emit(.traffic("the recording's size cap was reached here: nothing after it was recorded"))
            case .dongleInfo, .unknown:
                return
            }
        }

        mutating func take(_ command: BGAPICommand, _ ts: Timestamp) {
            lastCommand = command
            if case let .gapConnectDirect(c) = command { emit(.connecting(c.address, c.addressType)) }
            guard let handle = ReplayTimeline.connection(of: command), links[handle] != nil else { return }
            if RecordedDatabase.isDiscovery(command) { links[handle]?.discoveryDone = nil } else { flushDiscovery(handle) }
            links[handle]?.pending = command
            links[handle]?.longValue = []
            if case let .attClientWriteCommand(c) = command, let address = links[handle]?.address {
                emit(.wrote(address, c.attHandle, c.data, ts))
            }
            if case .connectionDisconnect = command, let address = links[handle]?.address { emit(.disconnecting(address)) }
        }

        mutating func take(_ response: BGAPIResponse) {
            if case let .connectionGetRSSI(r) = response, let address = links[r.connection]?.address {
                emit(.rssi(address, r.rssi))
            }
            if let code = response.resultCode, !code.isSuccess, !ReplayTimeline.isExpected(response, code) {
                let address = lastCommand.flatMap(ReplayTimeline.connection(of:)).flatMap { links[$0]?.address }
                let name = response.payload.map { type(of: $0).descriptor.name } ?? "command"
                emit(.failed(address, "\(name) refused: \(code): \(code.meaning)"), .error)
            }
        }

        mutating func take(_ event: BGAPIEvent, _ ts: Timestamp) {
            switch event {
            case let .gapScanResponse(e):
                emit(.advertisement(AdvertisementReport(address: e.sender, addressType: e.addressType, packetType: e.packetType,
                                                        rssi: e.rssi, bond: e.bond, data: AdvertisingData(bytes: e.data)), ts))
            case let .connectionStatus(e):
                guard e.flags.contains(.connected) else {
                    if let link = links[e.connection] {
                        flushDiscovery(e.connection)
                        links[e.connection] = nil
                        emit(.disconnected(link.address, reason: "\(LinkLoss.notConnected): \(LinkLoss.notConnected.meaning)"), .disconnect)
                    }
                    return
                }
                if let known = links[e.connection], known.address == e.address, !e.flags.contains(.completed) { return }
                if links[e.connection] == nil { emit(.connecting(e.address, e.addressType)) }
                links[e.connection] = Link(address: e.address)
                let interval = Double(e.connInterval) * 1.25, timeout = Int(e.timeout) * 10
                let text = interval.rounded() == interval ? String(Int(interval)) : String(interval)
                emit(.connected(e.address, parameters: "\(text) ms interval · \(timeout) ms timeout · latency \(e.latency)",
                                encrypted: e.flags.contains(.encrypted)))
            case let .connectionDisconnected(e):
                guard let link = links[e.connection] else { return }
                flushDiscovery(e.connection)
                links[e.connection] = nil
                let loss = LinkLoss.disconnected(e.reason)
                emit(.disconnected(link.address, reason: "\(loss): \(loss.meaning)"), .disconnect)
            case let .attClientAttributeValue(e):
                guard var link = links[e.connection] else { return }
                defer { links[e.connection] = link }
                if link.database.observe(event, answering: link.pending) { return }
                switch e.type {
                case .notify, .indicate, .indicateResponseRequired:
                    emit(.notified(link.address, e.attHandle, e.value, indication: e.type != .notify, ts))
                default:
                    switch link.pending {
                    case .attClientReadLong?: link.longValue += e.value
                    case let .attClientReadByHandle(c)? where c.chrHandle == e.attHandle:
                        emit(ReplayTimeline.isUserDescription(e.attHandle, link) ? .fetched(link.address, e.attHandle, e.value)
                                                                                 : .read(link.address, e.attHandle, e.value, ts))
                        link.pending = nil
                    default: break
                    }
                }
            case let .attClientProcedureCompleted(e):
                guard var link = links[e.connection] else { return }
                let pending = link.pending
                link.pending = nil
                if let pending, RecordedDatabase.isDiscovery(pending) {
                    _ = link.database.observe(event, answering: pending)
                    if e.result.isSuccess || e.result == .attributeNotFound || (e.result.space == .attribute && !ReplayTimeline.isPrimaryStep(pending)) {
                        link.discoveryDone = (order, time)
                    } else {
                        emit(.failed(link.address, "\(link.address): discovery failed: \(e.result): \(e.result.meaning)"), .error)
                    }
                    links[e.connection] = link
                    return
                }
                links[e.connection] = link
                guard e.result.isSuccess else {
                    emit(.failed(link.address, "\(link.address): \(e.result): \(e.result.meaning)"), .error)
                    return
                }
                switch pending {
                case let .attClientReadLong(c)?:
                    emit(.read(link.address, c.chrHandle, link.longValue, ts))
                case let .attClientAttributeWrite(c)?:
                    if let valueHandle = ReplayTimeline.configured(by: c.attHandle, link) {
                        let v = c.data.first ?? 0
                        emit(.subscribed(link.address, valueHandle, indication: v & 0x02 != 0 ? true : v & 0x01 != 0 ? false : nil))
                    } else {
                        emit(.wrote(link.address, c.attHandle, c.data, ts))
                    }
                default:
                    break
                }
            case let .attClientGroupFound(e):
                let pending = links[e.connection]?.pending
                _ = links[e.connection]?.database.observe(event, answering: pending)
            case let .attClientFindInformationFound(e):
                let pending = links[e.connection]?.pending
                _ = links[e.connection]?.database.observe(event, answering: pending)
            case let .smBondingFail(e):
                if let link = links[e.handle] {
                    emit(.failed(link.address, "\(link.address): bonding failed: \(e.result): \(e.result.meaning)"), .error)
                }
            case .systemBoot:
                for handle in links.keys.sorted() {
                    guard let link = links[handle] else { continue }
                    flushDiscovery(handle)
                    emit(.disconnected(link.address, reason: "\(LinkLoss.dongleReset): \(LinkLoss.dongleReset.meaning)"), .disconnect)
                }
                links = [:]
            default:
                break
            }
        }
    }

    /// Answers every host expects and shrugs off: `gap_end_procedure` with nothing to end (blex's start).
    private static func isExpected(_ response: BGAPIResponse, _ code: BGAPIErrorCode) -> Bool {
        if case .gapEndProcedure = response { return code == .wrongState }
        return false
    }

    private static func isPrimaryStep(_ command: BGAPICommand) -> Bool {
        if case let .attClientReadByGroupType(c) = command { return c.uuid == BluetoothUUID(0x2800) }
        if case let .attClientReadByType(c) = command { return c.uuid == BluetoothUUID(0x2803) }
        return false
    }

    private static func isUserDescription(_ handle: AttributeHandle, _ link: Link) -> Bool {
        link.database.services.flatMap(\.characteristics).flatMap(\.descriptors).contains {
            $0.handle == handle && $0.uuid.matches(BluetoothUUID(0x2901))
        }
    }

    /// The value handle a CCCD at `handle` configures, if it is one.
    private static func configured(by handle: AttributeHandle, _ link: Link) -> AttributeHandle? {
        link.database.services.flatMap(\.characteristics).first { $0.configurationDescriptor?.handle == handle }?.valueHandle
    }

    private static func connection(of command: BGAPICommand) -> ConnectionHandle? {
        switch command {
        case let .attClientReadByGroupType(c): c.connection
        case let .attClientReadByType(c): c.connection
        case let .attClientFindInformation(c): c.connection
        case let .attClientReadByHandle(c): c.connection
        case let .attClientReadLong(c): c.connection
        case let .attClientAttributeWrite(c): c.connection
        case let .attClientWriteCommand(c): c.connection
        case let .attClientPrepareWrite(c): c.connection
        case let .attClientExecuteWrite(c): c.connection
        case let .attClientFindByTypeValue(c): c.connection
        case let .attClientReadMultiple(c): c.connection
        case let .connectionGetRSSI(c): c.connection
        case let .connectionDisconnect(c): c.connection
        default: nil
        }
    }

    /// Seconds as a Double.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
