/// Encrypts a link, bonding when `permanent` (Reference §4.4): `sm_set_bondable_mode(1)` first when bonding,
/// then `sm_encrypt_start`; a passkey request is answered with the caller's passkey; done when
/// `connection_status` reports the link encrypted, failed on `sm_bonding_fail`.
struct BondProcedure: HostProcedure {
    enum Phase: Hashable, Sendable {
        case ready
        case settingBondable
        case requested
        /// The peers are pairing; `answering` while our passkey entry awaits its response.
        case pairing(answering: Bool)
    }
    let connection: ConnectionHandle
    let permanent: Bool
    let passkey: UInt32?
    private(set) var phase = Phase.ready

    init(connection: ConnectionHandle, permanent: Bool, passkey: UInt32?) {
        self.connection = connection
        self.permanent = permanent
        self.passkey = passkey
    }

    mutating func start(at now: Duration) -> ProcedureStep {
        if let passkey, passkey > 999_999 { return .fail(.invalidArgument("passkey \(passkey) has more than six digits")) }
        if permanent {
            phase = .settingBondable
            return .send(.smSetBondableMode(.init(bondable: true)))
        }
        phase = .requested
        return .send(.smEncryptStart(.init(handle: connection, bonding: false)))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        switch phase {
        case .ready: return .wait
        case .settingBondable:
            phase = .requested
            return .send(.smEncryptStart(.init(handle: connection, bonding: true)))
        case .requested, .pairing:
            phase = .pairing(answering: false)
            return .wait
        }
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? {
        guard case .pairing = phase else { return nil }
        switch event {
        case let .smPasskeyRequest(e) where e.handle == connection:
            guard let passkey else { return nil }  // the caller answers it from the event
            phase = .pairing(answering: true)
            return .send(.smPasskeyEntry(.init(handle: connection, passkey: passkey)))
        case let .smBondingFail(e) where e.handle == connection:
            return .fail(BGAPIError(code: e.result))
        case let .connectionStatus(e) where e.connection == connection && e.flags.contains(.encrypted):
            return .done(.encrypted(e))
        default:
            return nil
        }
    }
}

/// The link's RSSI (`connection_get_rssi`, Reference §4.3). The BLED112 sometimes answers with a value
/// that is no reading — 25 (pygatt re-queries it), 127 (HCI's "not available"), 0 before any packet
/// was heard, anything above +20 dBm (Core Vol 4 Part E 7.5.4) — so it asks again, 100 ms apart, and
/// fails rather than return a sentinel.
struct RSSIProcedure: HostProcedure {
    enum Phase: Hashable, Sendable { case ready, requested(attempt: Int), pausing(attempt: Int) }
    static let attempts = 3
    static let pause = Duration.milliseconds(100)

    let connection: ConnectionHandle
    private(set) var phase = Phase.ready

    init(connection: ConnectionHandle) { self.connection = connection }

    /// Whether the dongle's number is a real reading.
    static func isReading(_ rssi: Int8) -> Bool { rssi != 0 && rssi <= 20 && rssi != -128 }

    mutating func start(at now: Duration) -> ProcedureStep { ask(1) }

    private mutating func ask(_ attempt: Int) -> ProcedureStep {
        phase = .requested(attempt: attempt)
        return .send(.connectionGetRSSI(.init(connection: connection)))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        guard case let .requested(attempt) = phase else { return .wait }
        guard case let .connectionGetRSSI(r)? = response else { return .fail(.unexpected("connection_get_rssi")) }
        if Self.isReading(r.rssi) { return .done(.rssi(r.rssi)) }
        guard attempt < Self.attempts else {
            return .fail(.unexpected("the dongle gave no valid RSSI in \(Self.attempts) tries (last \(r.rssi))"))
        }
        phase = .pausing(attempt: attempt)
        return .sleep(until: now + Self.pause)
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }

    mutating func wake(at now: Duration) -> ProcedureStep {
        guard case let .pausing(attempt) = phase else { return .wait }
        return ask(attempt + 1)
    }
}

/// Lists the bonds in the dongle's flash: `sm_get_bonds` answers with a count, then one `sm_bond_status`
/// per bond follows (Reference §4.4).
struct BondsProcedure: HostProcedure {
    enum Phase: Hashable, Sendable { case ready, requested, collecting(expected: Int, found: [BondHandle]) }
    private(set) var phase = Phase.ready

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .requested
        return .send(.smGetBonds(.init()))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        guard case let .smGetBonds(r)? = response else { return .fail(.unexpected("sm_get_bonds")) }
        if r.bonds == 0 { return .done(.bonds([])) }
        phase = .collecting(expected: Int(r.bonds), found: [])
        return .wait
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? {
        guard case let .collecting(expected, found) = phase, case let .smBondStatus(e) = event else { return nil }
        let all = found + [e.bond]
        if all.count >= expected { return .done(.bonds(all)) }
        phase = .collecting(expected: expected, found: all)
        return .wait
    }
}
