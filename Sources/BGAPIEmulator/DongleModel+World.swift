import BGAPICore

extension DongleModel {
    // MARK: - Reset and links

    /// `system_reset` or power loss: links, procedures, scanning and the whitelist go; bonds and PS keys stay.
    mutating func powerCycle() {
        for handle in links.keys.sorted() {
            if let p = links[handle]?.peripheral { peripherals[p].connection = nil }
        }
        links = [:]
        connecting = nil
        scan = ScanState()
        whitelist = []
        bondable = false
        ioCapabilities = .noInputNoOutput
        mitmRequired = false
        advertisingMode = (.nonDiscoverable, .nonConnectable)
        softTimers = []
        ioPorts = [IOPort](repeating: IOPort(), count: 3)
        // Whatever sat in the dongle's output buffers is gone with it.
        holdUntil = nil
        held = []
        generation += 1
        schedule.removeAll { item in
            switch item.action {
            case .presence, .fault: false
            default: true
            }
        }
    }

    /// `system_reset`, `system_delay_reset`, `dfu_reset` or the `reset` fault (reference §4.2): the dongle
    /// power-cycles. A BLED112 drops off USB and re-enumerates without a `system_boot` (§1.3: not sent over
    /// USB); a UART module keeps its port and sends `system_boot` (or `dfu_boot` when booting into DFU).
    mutating func resetDongle(dfu: Bool, delay: Duration, into out: inout [DongleOutput]) {
        powerCycle()
        switch scenario.dongle.transport {
        case .usb: out.append(.reset(reenumerateAfter: delay + timing.usbReenumeration))
        case .uart: enqueue(at: now + delay + timing.boot, .boot(dfu: dfu))
        }
    }

    /// The `connection_status` of a slot, zeroed when it is free.
    func status(of handle: UInt8) -> ConnectionStatusEvent {
        guard let link = links[handle] else {
            return ConnectionStatusEvent(connection: ConnectionHandle(handle), flags: [], address: BluetoothAddress(rawValue: 0),
                                         addressType: .public, connInterval: 0, timeout: 0, latency: 0, bonding: .none)
        }
        let p = peripherals[link.peripheral]
        var flags: ConnectionStatusFlags = [.connected]
        if link.encrypted { flags.insert(.encrypted) }
        return ConnectionStatusEvent(connection: ConnectionHandle(handle), flags: flags, address: p.address, addressType: p.addressType,
                                     connInterval: link.interval, timeout: link.timeout, latency: link.latency, bonding: link.bond)
    }

    /// Ends a link: the peripheral advertises again and the host hears `connection_disconnected`.
    mutating func dropLink(_ handle: UInt8, reason: BGAPIErrorCode) -> [DongleOutput] {
        guard let link = links.removeValue(forKey: handle) else { return [] }
        peripherals[link.peripheral].connection = nil
        schedule.removeAll { item in
            switch item.action {
            case let .emit(_, l, _): l == handle
            case let .notify(l, _, _), let .procedureDone(l, _), let .pairingDone(l, _, _, _), let .attTimeout(l, _, _),
                 let .indicationTimeout(l, _):
                l == handle
            default: false
            }
        }
        // A peripheral that was left connected resumes advertising; a running scan hears it again.
        if scan.mode != nil { scheduleAdvertisement(link.peripheral) }
        if connecting != nil { scheduleAdvertisement(link.peripheral) }
        return [.send(.event(.connectionDisconnected(.init(connection: ConnectionHandle(handle), reason: reason))))]
    }

    func bondHandle(for address: BluetoothAddress) -> BondHandle {
        for (i, b) in persistentState.bonds.enumerated() where b?.address == address.description {
            return BondHandle(rawValue: UInt8(i))
        }
        return .none
    }

    // MARK: - Scanning

    mutating func startScan(_ mode: GAPDiscoverMode) {
        scan.mode = mode
        scan.seen = []
        generation += 1
        for i in peripherals.indices { scheduleAdvertisement(i, first: true) }
    }

    mutating func stopScan() {
        scan.mode = nil
        generation += 1
    }

    /// Schedules the next advertising event of a peripheral (interval plus the 0–10 ms advDelay).
    mutating func scheduleAdvertisement(_ index: Int, first: Bool = false) {
        let interval = peripherals[index].advertisingInterval
        let jitter = Duration.microseconds(Int64(random.next() % 10_000))
        let delay = first ? Duration.microseconds(Int64(random.next() % UInt64(max(1, Self.microseconds(interval))))) : interval + jitter
        enqueue(at: now + delay, .advertise(peripheral: index, generation: generation))
    }

    /// One advertising event heard by the scanner (and the connection initiator).
    mutating func advertise(_ index: Int, into out: inout [DongleOutput]) {
        let p = peripherals[index]
        guard p.isPresent(at: seconds), p.connection == nil else { return }
        // An initiator waiting for this device connects on its connectable advertisement.
        if p.spec.connectable, let c = connecting,
           c.targets.contains(where: { $0.0 == p.address && $0.1 == p.addressType }) {
            connect(index, c)
            return
        }
        if let mode = scan.mode {
            let wanted = switch mode {
            case .limited: p.flags & 0x01 != 0
            case .generic: p.flags & 0x03 != 0
            default: true
            }
            let allowed = scan.scanPolicy == .all || whitelist.contains { $0.0 == p.address }
            if wanted && allowed {
                let type: ScanResponsePacketType = p.spec.connectable ? .connectableAdvertisement
                    : (p.scanResponseData != nil ? .discoverableAdvertisement : .nonConnectableAdvertisement)
                report(index, type, p.advertisingData, into: &out)
                if scan.active, let response = p.scanResponseData {
                    report(index, .scanResponse, response, into: &out)
                }
            }
        }
        if scan.mode != nil || connecting != nil { scheduleAdvertisement(index) }
    }

    mutating func report(_ index: Int, _ type: ScanResponsePacketType, _ data: [UInt8], into out: inout [DongleOutput]) {
        let p = peripherals[index]
        if scan.duplicateFiltering, !scan.seen.insert("\(p.address)-\(type.rawValue)").inserted { return }
        let rssi = peripherals[index].nextRSSI(at: seconds, random: &random)
        counters.rx &+= 1
        out.append(.send(.event(.gapScanResponse(.init(rssi: rssi, packetType: type, sender: p.address, addressType: p.addressType,
                                                        bond: bondHandle(for: p.address), data: data)))))
    }

    // MARK: - Connecting

    mutating func startConnecting(targets: [(BluetoothAddress, AddressType)], _ min: UInt16, _ max: UInt16,
                                  _ timeout: UInt16, _ latency: UInt16) -> (BGAPIErrorCode, ConnectionHandle) {
        guard connecting == nil else { return (.wrongState, ConnectionHandle(0)) }
        guard validConnectionParameters(min, max, timeout, latency) else { return (.invalidParameter, ConnectionHandle(0)) }
        guard let free = (0 ..< UInt8(scenario.dongle.maxConnections)).first(where: { links[$0] == nil }) else {
            return (.connectionLimitExceeded, ConnectionHandle(0))
        }
        // Initiating supersedes a running discovery (the radio cannot do both).
        if scan.mode != nil { stopScan() }
        connecting = Connecting(handle: ConnectionHandle(free), targets: targets, intervalMin: min, intervalMax: max,
                                timeout: timeout, latency: latency)
        generation += 1
        for i in peripherals.indices where targets.contains(where: { $0.0 == peripherals[i].address }) {
            scheduleAdvertisement(i, first: true)
        }
        // If the target never advertises, nothing happens: the host gives up with gap_end_procedure.
        return (.success, ConnectionHandle(free))
    }

    mutating func connect(_ index: Int, _ c: Connecting) {
        connecting = nil
        generation += 1
        sequence += 1
        let epoch = sequence
        if let armed = connectFailure, armed == nil || armed == index {
            // CONNECT_REQ went out but the peer never answered (reference §4.3): the link is reported and lost
            // in one burst, and the slot stays free. Whether the status comes first is UNVERIFIED (§9 item 2).
            connectFailure = nil
            let p = peripherals[index]
            let st = ConnectionStatusEvent(connection: c.handle, flags: [.connected, .completed], address: p.address,
                                           addressType: p.addressType, connInterval: c.intervalMax, timeout: c.timeout,
                                           latency: c.latency, bonding: bondHandle(for: p.address))
            let at = now + timing.connectionSetup
            enqueue(at: at, .emit(.event(.connectionStatus(st)), link: nil, epoch: 0))
            enqueue(at: at, .emit(.event(.connectionDisconnected(.init(connection: c.handle, reason: BGAPIErrorCode(rawValue: 0x023E)))),
                                  link: nil, epoch: 0))
            if scan.mode != nil { generation += 1; for i in peripherals.indices { scheduleAdvertisement(i, first: true) } }
            return
        }
        // The stack picks an interval inside [min, max] (a multiple of maxconn × 2.5 ms when it can).
        let step = UInt16(scenario.dongle.maxConnections * 2)
        var interval = (c.intervalMin + step - 1) / step * step
        if interval > c.intervalMax || interval == 0 { interval = c.intervalMax }
        var link = Link(peripheral: index, interval: interval, timeout: c.timeout, latency: c.latency, epoch: epoch)
        link.bond = bondHandle(for: peripherals[index].address)
        link.anchor = now + timing.connectionSetup
        // A new link starts with notifications and indications off unless the server bonded with us
        // (Core spec Vol 3 Part G §3.3.3.3); a bonded server restores its CCCDs and notifies at once.
        if link.bond.isBonded { link.cccd = peripherals[index].bondedCCCD }
        links[c.handle.rawValue] = link
        peripherals[index].connection = c.handle
        for (handle, value) in link.cccd {
            if let ci = peripherals[index].gatt.index(of: handle), let ch = peripherals[index].gatt.attributes[ci].configures {
                configureNotifications(c.handle.rawValue, characteristic: ch, cccd: value)
            }
        }
        var st = status(of: c.handle.rawValue)
        st.flags = [.connected, .completed]
        enqueue(at: now + timing.connectionSetup, .emit(.event(.connectionStatus(st)), link: c.handle.rawValue, epoch: epoch))
        if scan.mode != nil { generation += 1; for i in peripherals.indices { scheduleAdvertisement(i, first: true) } }
    }

    // MARK: - Pairing

    mutating func startPairing(_ handle: UInt8, bonding: Bool) {
        guard var link = links[handle] else { return }
        let p = peripherals[link.peripheral]
        let conn = ConnectionHandle(handle)
        if let failure = p.spec.bondingFailure {
            enqueue(at: now + timing.pairing, .emit(.event(.smBondingFail(.init(handle: conn, result: BGAPIErrorCode(rawValue: failure)))),
                                                   link: handle, epoch: link.epoch))
            return
        }
        if link.bond.isBonded {
            // Re-encrypting with a stored key: no new pairing, no bond_status.
            let mitm = persistentState.bonds[Int(link.bond.rawValue)]?.mitm ?? false
            enqueue(at: now + timing.pairing, .pairingDone(link: handle, bonding: false, mitm: mitm, epoch: link.epoch))
            return
        }
        guard let passkey = p.spec.passkey else {
            if mitmRequired {
                // The host asked for MITM protection (sm_set_parameters), but a device without a passkey can
                // only do Just Works: pairing fails with "authentication requirements" (0x0303, reference §3.1;
                // Core Vol 3 Part H §2.3.5.1 method selection).
                enqueue(at: now + timing.pairing, .emit(.event(.smBondingFail(.init(handle: conn, result: .authenticationRequirements))),
                                                       link: handle, epoch: link.epoch))
                return
            }
            // Just Works.
            enqueue(at: now + timing.pairing, .pairingDone(link: handle, bonding: bonding, mitm: false, epoch: link.epoch))
            return
        }
        switch ioCapabilities {
        case .keyboardOnly, .keyboardDisplay:
            link.pendingPasskey = (bonding, passkey)
            links[handle] = link
            enqueue(at: now + timing.pairing, .emit(.event(.smPasskeyRequest(.init(handle: conn))), link: handle, epoch: link.epoch))
        case .displayOnly, .displayYesNo:
            // The dongle shows a passkey, which the simulated user types on the device.
            let shown = UInt32(random.next() % 1_000_000)
            enqueue(at: now + timing.pairing, .emit(.event(.smPasskeyDisplay(.init(handle: conn, passkey: shown))), link: handle, epoch: link.epoch))
            enqueue(at: now + timing.pairing * 2, .pairingDone(link: handle, bonding: bonding, mitm: true, epoch: link.epoch))
        default:
            // No input, no output: MITM protection is impossible, and this device requires it.
            enqueue(at: now + timing.pairing, .emit(.event(.smBondingFail(.init(handle: conn, result: .authenticationRequirements))),
                                                   link: handle, epoch: link.epoch))
        }
    }

    mutating func finishPairing(_ handle: UInt8, bonding: Bool, mitm: Bool, into out: inout [DongleOutput]) {
        guard var link = links[handle] else { return }
        let p = peripherals[link.peripheral]
        if bonding && bondable && !link.bond.isBonded {
            guard let slot = persistentState.bonds.firstIndex(where: { $0 == nil }) else {
                out.append(.send(.event(.smBondingFail(.init(handle: ConnectionHandle(handle), result: .outOfBonds)))))
                return
            }
            persistentState.bonds[slot] = .init(address: p.address.description, addressType: p.addressType.rawValue, mitm: mitm)
            link.bond = BondHandle(rawValue: UInt8(slot))
            // The server now keeps this client's CCCDs across links.
            peripherals[link.peripheral].bondedCCCD = link.cccd
            out.append(.send(.event(.smBondStatus(.init(bond: link.bond, keySize: 16, mitm: mitm, keys: [.ltk, .publicAddress, .edivRand])))))
            out.append(.persist)
        }
        link.encrypted = true
        link.authenticated = mitm
        links[handle] = link
        out.append(.send(.event(.connectionStatus(status(of: handle)))))
    }

    // MARK: - Scheduled actions and faults

    mutating func perform(_ action: Action, into out: inout [DongleOutput]) {
        switch action {
        case let .advertise(index, gen):
            if gen == generation { advertise(index, into: &out) }
        case let .emit(message, link, epoch):
            if let link, links[link]?.epoch != epoch { return }
            out.append(.send(message))
        case let .procedureDone(link, epoch):
            if links[link]?.epoch == epoch { links[link]?.procedureOpen = false }
        case let .notify(link, characteristic, epoch):
            notify(link, characteristic, epoch: epoch, into: &out)
        case let .presence(index):
            let p = peripherals[index]
            if !p.isPresent(at: seconds) {
                if let h = p.connection { out += dropLink(h.rawValue, reason: .connectionTimeout) }
            } else if scan.mode != nil {
                scheduleAdvertisement(index, first: true)
            }
        case let .fault(i):
            apply(scenario.faults[i], into: &out)
        case let .softTimer(token):
            guard let i = softTimers.firstIndex(where: { $0.token == token }) else { return }
            let timer = softTimers[i]
            out.append(.send(.event(.hardwareSoftTimer(.init(handle: timer.handle)))))
            if timer.repeating { enqueue(at: now + timer.period, .softTimer(token: token)) } else { softTimers.remove(at: i) }
        case let .boot(dfu):
            let f = scenario.dongle.firmware
            if dfu {
                out.append(.send(.event(.dfuBoot(.init(version: 1)))))
            } else {
                out.append(.send(.event(.systemBoot(.init(major: f.major, minor: f.minor, patch: f.patch, build: f.build,
                                                          llVersion: f.llVersion, protocolVersion: f.protocolVersion, hw: f.hw)))))
            }
        case let .release(until):
            guard holdUntil == until else { return }
            holdUntil = nil
            out += held
            held = []
        case let .indicationTimeout(link, token):
            guard links[link]?.unconfirmed?.token == token else { return }
            // ATT transaction timeout (Core spec Vol 3 Part F §3.3.3): the peer gives up on the bearer and
            // ends the link (reason 0x0213 remote user terminated: assumed, the reference does not say).
            out += dropLink(link, reason: .remoteUserTerminatedConnection)
        case let .pairingDone(link, bonding, mitm, epoch):
            if links[link]?.epoch == epoch { finishPairing(link, bonding: bonding, mitm: mitm, into: &out) }
        case let .attTimeout(link, handle, epoch):
            guard links[link]?.epoch == epoch else { return }
            // The peer never answered within the 30 s ATT transaction timeout: the procedure fails and the link drops.
            out.append(.send(.event(.attClientProcedureCompleted(.init(connection: ConnectionHandle(link), result: .timeout, chrHandle: handle)))))
            out += dropLink(link, reason: .connectionTimeout)
        }
    }

    mutating func apply(_ fault: Scenario.Fault, into out: inout [DongleOutput]) {
        let target = fault.peripheral.flatMap { id in peripherals.firstIndex { $0.spec.id == id } }
        switch fault.kind {
        case .disconnect:
            if let t = target, let h = peripherals[t].connection {
                out += dropLink(h.rawValue, reason: BGAPIErrorCode(rawValue: fault.code ?? 0x0208))
            }
        case .unplug:
            powerCycle()
            out.append(.unplug(after: .milliseconds(Int64((fault.seconds ?? 1) * 1000))))
        case .garble:
            out.append(.garbage((0 ..< max(1, fault.count ?? 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        case .dropResponse:
            dropNextResponse = true
        case .delayResponse:
            delayNextResponse = .milliseconds(Int64((fault.seconds ?? 2) * 1000))
        case .attError:
            if let t = target { peripherals[t].pendingATTError = BGAPIErrorCode(rawValue: fault.code ?? 0x0480) }
        case .silence:
            if let t = target { peripherals[t].silent = true }
        case .reset:
            resetDongle(dfu: false, delay: .zero, into: &out)
        case .connectFailure:
            connectFailure = .some(target)
        case .lateCompletion:
            lateCompletion = (target, .milliseconds(Int64((fault.seconds ?? 2) * 1000)))
        }
    }

    /// Validates a scenario's faults up front so a typo fails at load, not an hour into a run.
    static func validate(_ faults: [Scenario.Fault], peripherals: [VirtualPeripheral]) throws {
        for (i, f) in faults.enumerated() {
            let needsPeripheral: Set<Scenario.Fault.Kind> = [.disconnect, .attError, .silence]
            if let id = f.peripheral, !peripherals.contains(where: { $0.spec.id == id }) {
                throw ScenarioError("faults[\(i)].peripheral: no peripheral has id '\(id)'")
            }
            if needsPeripheral.contains(f.kind), f.peripheral == nil {
                throw ScenarioError("faults[\(i)].peripheral: a \(f.kind.rawValue) fault must name a peripheral id")
            }
        }
    }
}
