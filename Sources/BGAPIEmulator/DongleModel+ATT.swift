import BGAPICore

extension DongleModel {
    /// Starts a GATT procedure on a link: refused if not connected (0x0186) or one is running (0x0181)
    /// (reference §4.1 rules 3–4). `body` returns the events in order; they go out as the ATT exchanges that
    /// carry them complete (``exchangeNumbers(_:)``), on the link's connection events when timing follows them.
    mutating func startProcedure(_ connection: ConnectionHandle,
                                 _ body: (inout DongleModel, UInt8) -> [BGAPIMessage]) -> BGAPIErrorCode {
        let h = connection.rawValue
        guard let link = links[h] else { return .notConnected }
        guard !link.procedureOpen else { return .wrongState }
        links[h]?.procedureOpen = true
        let p = link.peripheral
        var late = Duration.zero
        if let armed = lateCompletion, armed.peripheral == nil || armed.peripheral == p {
            lateCompletion = nil
            late = armed.delay
        }
        if peripherals[p].silent || late >= .seconds(30) {
            // The peer does not answer in time: nothing until the 30 s ATT transaction timeout (reference §4.5).
            enqueue(at: now + .seconds(30), .attTimeout(link: h, handle: AttributeHandle(0), epoch: link.epoch))
            return .success
        }
        var events = body(&self, h)
        if let injected = peripherals[p].pendingATTError {
            peripherals[p].pendingATTError = nil
            // The error ends the procedure for the handle it was for (Reference §4.5: procedure_completed(h, 0x04xx, handle)).
            let handle = events.lazy.compactMap { message -> AttributeHandle? in
                switch message {
                case let .event(.attClientAttributeValue(e)): e.attHandle
                case let .event(.attClientProcedureCompleted(e)): e.chrHandle
                default: nil
                }
            }.first ?? AttributeHandle(0)
            events = [.event(.attClientProcedureCompleted(.init(connection: connection, result: injected, chrHandle: handle)))]
        }
        var last = now
        for (event, exchange) in zip(events, Self.exchangeNumbers(events)) {
            last = exchangeEnd(link, exchange) + late
            enqueue(at: last, .emit(event, link: h, epoch: link.epoch))
        }
        enqueue(at: last, .procedureDone(link: h, epoch: link.epoch))
        return .success
    }

    /// When ATT exchange number `n` (1-based) of a procedure started now completes on `link`: the first
    /// request goes out at the next connection event and each response arrives one interval later, the
    /// next request riding the same event (Core spec Vol 6 Part B §4.5.1); without connection-event
    /// timing, `attRoundTrip` apart.
    func exchangeEnd(_ link: Link, _ n: Int) -> Duration {
        guard timing.followsConnectionInterval else { return now + timing.attRoundTrip * n }
        let interval = Duration.microseconds(Int64(link.interval) * 1250)
        return nextConnectionEvent(link, atOrAfter: now) + interval * n
    }

    /// The first connection event of `link` at or after `t`.
    func nextConnectionEvent(_ link: Link, atOrAfter t: Duration) -> Duration {
        guard t > link.anchor else { return link.anchor }
        let step = max(1, Int64(link.interval) * 1250)
        let elapsed = Self.microseconds(t - link.anchor)
        return link.anchor + .microseconds((elapsed + step - 1) / step * step)
    }

    /// Which ATT exchange (1-based) carries each event: one response PDU (ATT_MTU 23) holds up to three
    /// 16-bit services, five 16-bit Find Information entries, or ⌊21 / (2 + length)⌋ Read By Type values;
    /// a 128-bit entry fills a PDU alone. A discovery ends with one more exchange (the request answered
    /// Attribute Not Found, reference §4.5); a write's, an error's or a last blob's completion rides the
    /// response itself, and a notification the peer sends with a response (an echo) rides it too.
    static func exchangeNumbers(_ events: [BGAPIMessage]) -> [Int] {
        var numbers: [Int] = []
        var exchange = 0
        var pdu: (kind: String, room: Int)?
        func entry(_ kind: String, perPDU: Int) {
            if let current = pdu, current.kind == kind, current.room > 0 {
                pdu = (kind, current.room - 1)
            } else {
                exchange += 1
                pdu = (kind, perPDU - 1)
            }
        }
        for event in events {
            switch event {
            case let .event(.attClientGroupFound(g)):
                let size = g.uuid.littleEndianBytes.count
                entry("group\(size)", perPDU: size == 2 ? 3 : 1)
            case let .event(.attClientFindInformationFound(f)):
                let size = f.uuid.littleEndianBytes.count
                entry("info\(size)", perPDU: size == 2 ? 5 : 1)
            case let .event(.attClientAttributeValue(v)) where v.type == .readByType:
                entry("type\(v.value.count)", perPDU: max(1, 21 / (2 + v.value.count)))
            case let .event(.attClientAttributeValue(v)) where v.type == .notify || v.type == .indicate || v.type == .indicateResponseRequired:
                exchange = max(exchange, 1)
            case .event(.attClientProcedureCompleted):
                if pdu != nil { exchange += 1 } else { exchange = max(exchange, 1) }
                pdu = nil
            default:
                exchange += 1
                pdu = nil
            }
            numbers.append(exchange)
        }
        return numbers
    }

    func completed(_ link: UInt8, _ result: BGAPIErrorCode, _ handle: AttributeHandle) -> BGAPIMessage {
        .event(.attClientProcedureCompleted(.init(connection: ConnectionHandle(link), result: result, chrHandle: handle)))
    }

    /// The ATT error for accessing `attribute` on this link, or nil when allowed.
    func accessError(_ link: UInt8, _ attribute: Attribute, write: Bool) -> BGAPIErrorCode? {
        if let injected = attribute.permissions.injectedError { return injected }
        if write ? !attribute.permissions.writable : !attribute.permissions.readable {
            return write ? .writeNotPermitted : .readNotPermitted
        }
        guard let l = links[link] else { return .invalidHandle }
        switch attribute.permissions.security {
        case .none: return nil
        case .encrypted: return l.encrypted ? nil : .insufficientEncryption
        case .authenticated: return l.encrypted && l.authenticated ? nil : .insufficientAuthentication
        }
    }

    func value(_ link: UInt8, _ attribute: Attribute) -> [UInt8] {
        if attribute.configures != nil { return cccd(link, attribute.handle) }
        guard let c = attribute.characteristic, let p = links[link]?.peripheral else { return attribute.value }
        return peripherals[p].currentValue(c, stored: attribute.value, at: seconds)
    }

    mutating func readByGroupType(_ link: UInt8, _ c: AttClientReadByGroupTypeCommand) -> [BGAPIMessage] {
        guard c.start.rawValue != 0, c.start <= c.end else { return [completed(link, .invalidHandle, c.start)] }
        guard let type = c.uuid.shortValue, type == 0x2800 || type == 0x2801 else {
            return [completed(link, .unsupportedGroupType, c.start)]
        }
        let gatt = peripherals[links[link]!.peripheral].gatt
        let found = gatt.services.filter { $0.start >= c.start && $0.start <= c.end && ($0.primary == (type == 0x2800)) }
        guard !found.isEmpty else { return [completed(link, .attributeNotFound, c.start)] }
        return found.map { .event(.attClientGroupFound(.init(connection: ConnectionHandle(link), start: $0.start, end: $0.end, uuid: $0.uuid))) }
            + [completed(link, .success, c.end)]
    }

    mutating func findByTypeValue(_ link: UInt8, _ c: AttClientFindByTypeValueCommand) -> [BGAPIMessage] {
        guard c.start.rawValue != 0, c.start <= c.end else { return [completed(link, .invalidHandle, c.start)] }
        let gatt = peripherals[links[link]!.peripheral].gatt
        var events: [BGAPIMessage] = []
        for a in gatt.attributes where a.handle >= c.start && a.handle <= c.end && a.type.shortValue == c.uuid && a.value == c.value {
            let end = gatt.services.first { $0.start == a.handle }?.end ?? a.handle
            events.append(.event(.attClientGroupFound(.init(connection: ConnectionHandle(link), start: a.handle, end: end,
                                                            uuid: BluetoothUUID(littleEndianBytes: a.value)))))
        }
        guard !events.isEmpty else { return [completed(link, .attributeNotFound, c.start)] }
        return events + [completed(link, .success, c.end)]
    }

    mutating func readByType(_ link: UInt8, _ c: AttClientReadByTypeCommand) -> [BGAPIMessage] {
        guard c.start.rawValue != 0, c.start <= c.end else { return [completed(link, .invalidHandle, c.start)] }
        let gatt = peripherals[links[link]!.peripheral].gatt
        var events: [BGAPIMessage] = []
        for a in gatt.attributes where a.handle >= c.start && a.handle <= c.end && a.type == c.uuid {
            if let error = accessError(link, a, write: false) {
                if events.isEmpty { return [completed(link, error, a.handle)] }
                break
            }
            events.append(.event(.attClientAttributeValue(.init(connection: ConnectionHandle(link), attHandle: a.handle,
                                                                 type: .readByType, value: Array(value(link, a).prefix(19))))))
        }
        guard !events.isEmpty else { return [completed(link, .attributeNotFound, c.start)] }
        return events + [completed(link, .success, c.end)]
    }

    mutating func findInformation(_ link: UInt8, _ c: AttClientFindInformationCommand) -> [BGAPIMessage] {
        guard c.start.rawValue != 0, c.start <= c.end else { return [completed(link, .invalidHandle, c.start)] }
        let gatt = peripherals[links[link]!.peripheral].gatt
        let found = gatt.attributes.filter { $0.handle >= c.start && $0.handle <= c.end }
        guard !found.isEmpty else { return [completed(link, .attributeNotFound, c.start)] }
        return found.map { .event(.attClientFindInformationFound(.init(connection: ConnectionHandle(link), chrHandle: $0.handle, uuid: $0.type))) }
            + [completed(link, .success, c.end)]
    }

    /// Read by Handle (first 22 bytes) or Read Long (Read then Read Blob, 22-byte chunks).
    mutating func read(_ link: UInt8, _ handle: AttributeHandle, long: Bool) -> [BGAPIMessage] {
        let gatt = peripherals[links[link]!.peripheral].gatt
        guard let i = gatt.index(of: handle) else { return [completed(link, .invalidHandle, handle)] }
        let a = gatt.attributes[i]
        if let error = accessError(link, a, write: false) { return [completed(link, error, handle)] }
        let bytes = value(link, a)
        let conn = ConnectionHandle(link)
        guard long else {
            // Success is the value alone; only errors end with procedure_completed.
            return [.event(.attClientAttributeValue(.init(connection: conn, attHandle: handle, type: .read, value: Array(bytes.prefix(22)))))]
        }
        var events: [BGAPIMessage] = []
        var offset = 0
        repeat {
            let chunk = Array(bytes[offset ..< min(bytes.count, offset + 22)])
            events.append(.event(.attClientAttributeValue(.init(connection: conn, attHandle: handle, type: .readBlob, value: chunk))))
            offset += 22
        } while offset < bytes.count
        return events + [completed(link, .success, handle)]
    }

    /// A write request (acknowledged) or command; CCCD writes start or stop notifications.
    mutating func write(_ link: UInt8, _ handle: AttributeHandle, _ data: [UInt8], acknowledged: Bool) -> [BGAPIMessage] {
        let p = links[link]!.peripheral
        guard let i = peripherals[p].gatt.index(of: handle) else { return acknowledged ? [completed(link, .invalidHandle, handle)] : [] }
        let a = peripherals[p].gatt.attributes[i]
        if let error = accessError(link, a, write: true) { return acknowledged ? [completed(link, error, handle)] : [] }
        guard data.count <= a.permissions.maxLength else {
            return acknowledged ? [completed(link, .invalidAttributeValueLength, handle)] : []
        }
        var events: [BGAPIMessage] = []
        if let c = a.configures {
            guard data.count == 2 else { return acknowledged ? [completed(link, .invalidAttributeValueLength, handle)] : [] }
            // The value belongs to this link; a bonded client's is also kept by the server for its next link.
            links[link]?.cccd[handle] = data
            if links[link]?.bond.isBonded == true { peripherals[p].bondedCCCD[handle] = data }
            configureNotifications(link, characteristic: c, cccd: data)
        } else {
            peripherals[p].gatt.attributes[i].value = data
            if let c = a.characteristic, peripherals[p].gatt.characteristics[c].echoes {
                let info = peripherals[p].gatt.characteristics[c]
                let target = info.echoTo.flatMap { u in peripherals[p].gatt.characteristics.firstIndex { $0.uuid == u } } ?? c
                if let e = echo(link, target, data) { events.append(e) }
            }
        }
        if acknowledged { events.insert(completed(link, .success, handle), at: 0) }
        return events
    }

    /// The notification (or indication) a write echoes onto `target`, if the client subscribed there.
    mutating func echo(_ link: UInt8, _ target: Int, _ data: [UInt8]) -> BGAPIMessage? {
        let p = links[link]!.peripheral
        let info = peripherals[p].gatt.characteristics[target]
        if let vi = peripherals[p].gatt.index(of: info.valueHandle) { peripherals[p].gatt.attributes[vi].value = data }
        guard let cccdHandle = info.cccdHandle else { return nil }
        let config = cccd(link, cccdHandle).first ?? 0
        guard config & 0x03 != 0 else { return nil }
        if config & 0x01 != 0 {
            return .event(.attClientAttributeValue(.init(connection: ConnectionHandle(link), attHandle: info.valueHandle,
                                                         type: .notify, value: Array(data.prefix(20)))))
        }
        return indication(link, info.valueHandle, Array(data.prefix(20)))
    }

    /// This link's CCCD value for `handle` (`00 00` until the client writes it on this link).
    func cccd(_ link: UInt8, _ handle: AttributeHandle) -> [UInt8] {
        links[link]?.cccd[handle] ?? [0, 0]
    }

    /// An indication to send now, or nil while an earlier one awaits its confirmation (a server has one
    /// outstanding indication per client, Core spec Vol 3 Part F §3.3.2). With manual confirmation
    /// (reference §3.2, type 5) the host must answer with `attclient_indicate_confirm` within the 30 s ATT
    /// timeout (Core spec Vol 3 Part F §3.3.3) or the peer drops the link; otherwise the stack confirms it (type 2).
    mutating func indication(_ link: UInt8, _ handle: AttributeHandle, _ value: [UInt8]) -> BGAPIMessage? {
        guard let l = links[link], l.unconfirmed == nil else { return nil }
        let conn = ConnectionHandle(link)
        guard scenario.dongle.manualIndicationConfirm else {
            return .event(.attClientAttributeValue(.init(connection: conn, attHandle: handle, type: .indicate, value: value)))
        }
        sequence += 1
        links[link]?.unconfirmed = (handle, sequence)
        enqueue(at: now + .seconds(30), .indicationTimeout(link: link, token: sequence))
        return .event(.attClientAttributeValue(.init(connection: conn, attHandle: handle, type: .indicateResponseRequired, value: value)))
    }

    mutating func configureNotifications(_ link: UInt8, characteristic c: Int, cccd: [UInt8]) {
        let p = links[link]!.peripheral
        let info = peripherals[p].gatt.characteristics[c]
        let wantsNotify = cccd[0] & 0x01 != 0 && info.properties & PropertyBit.notify != 0
        let wantsIndicate = cccd[0] & 0x02 != 0 && info.properties & PropertyBit.indicate != 0
        guard (wantsNotify || wantsIndicate), let interval = info.notifyInterval else {
            links[link]?.streams[c] = nil
            return
        }
        // A fresh subscription gets a new stream; the old one (if any) stops at its next tick.
        sequence += 1
        links[link]?.streams[c] = sequence
        // Not before the link exists (a bonded server resumes its notifications on a new link).
        let start = max(now, links[link]?.anchor ?? now)
        enqueue(at: start + interval, .notify(link: link, characteristic: c, epoch: sequence))
    }

    mutating func notify(_ link: UInt8, _ c: Int, epoch: UInt64, into out: inout [DongleOutput]) {
        guard let l = links[link], l.streams[c] == epoch else { return }
        let p = l.peripheral
        let info = peripherals[p].gatt.characteristics[c]
        guard let cccdHandle = info.cccdHandle, let vi = peripherals[p].gatt.index(of: info.valueHandle),
              let interval = info.notifyInterval else { return }
        let config = cccd(link, cccdHandle).first ?? 0
        let notifying = config & 0x01 != 0 && info.properties & PropertyBit.notify != 0
        let indicating = config & 0x02 != 0 && info.properties & PropertyBit.indicate != 0
        guard notifying || indicating else { return }
        let v = Array(value(link, peripherals[p].gatt.attributes[vi]).prefix(20))
        if notifying {
            out.append(.send(.event(.attClientAttributeValue(.init(connection: ConnectionHandle(link), attHandle: info.valueHandle,
                                                                   type: .notify, value: v)))))
        } else if let message = indication(link, info.valueHandle, v) {
            out.append(.send(message))
        }
        enqueue(at: now + interval, .notify(link: link, characteristic: c, epoch: epoch))
    }

    mutating func prepareWrite(_ link: UInt8, _ c: AttClientPrepareWriteCommand) -> [BGAPIMessage] {
        let p = links[link]!.peripheral
        guard let i = peripherals[p].gatt.index(of: c.attHandle) else { return [completed(link, .invalidHandle, c.attHandle)] }
        if let error = accessError(link, peripherals[p].gatt.attributes[i], write: true) { return [completed(link, error, c.attHandle)] }
        guard links[link]!.prepared.count < 32 else { return [completed(link, .prepareQueueFull, c.attHandle)] }
        links[link]!.prepared.append((c.attHandle, c.offset, c.data))
        return [completed(link, .success, c.attHandle)]
    }

    mutating func executeWrite(_ link: UInt8, commit: Bool) -> [BGAPIMessage] {
        let queue = links[link]!.prepared
        links[link]!.prepared = []
        let first = queue.first?.0 ?? AttributeHandle(0)
        guard commit else { return [completed(link, .success, first)] }
        let p = links[link]!.peripheral
        var staged: [AttributeHandle: [UInt8]] = [:]
        for (handle, offset, data) in queue {
            guard let i = peripherals[p].gatt.index(of: handle) else { return [completed(link, .invalidHandle, handle)] }
            var v = staged[handle] ?? peripherals[p].gatt.attributes[i].value
            guard Int(offset) <= v.count else { return [completed(link, .invalidOffset, handle)] }
            // Each part replaces the value from its offset on (the value ends where the last part ends),
            // as common GATT servers do; a long write of N bytes thus leaves exactly those N bytes.
            v = Array(v[..<Int(offset)]) + data
            guard v.count <= peripherals[p].gatt.attributes[i].permissions.maxLength else {
                return [completed(link, .invalidAttributeValueLength, handle)]
            }
            staged[handle] = v
        }
        for (handle, v) in staged { if let i = peripherals[p].gatt.index(of: handle) { peripherals[p].gatt.attributes[i].value = v } }
        return [completed(link, .success, first)]
    }

    mutating func readMultiple(_ link: UInt8, _ handles: [UInt8]) -> [BGAPIMessage] {
        let gatt = peripherals[links[link]!.peripheral].gatt
        var joined: [UInt8] = []
        for k in stride(from: 0, to: handles.count, by: 2) {
            let h = AttributeHandle(UInt16(handles[k]) | UInt16(handles[k + 1]) << 8)
            guard let i = gatt.index(of: h) else { return [completed(link, .invalidHandle, h)] }
            if let error = accessError(link, gatt.attributes[i], write: false) { return [completed(link, error, h)] }
            joined += value(link, gatt.attributes[i])
        }
        return [.event(.attClientReadMultipleResponse(.init(connection: ConnectionHandle(link), handles: Array(joined.prefix(22)))))]
    }
}
