/// `gap_connect_direct` until the dongle reports the link up (Reference §4.3 "Direct connection").
///
/// The host registers the link the moment `connection_status` arrives and hands it here; a connect that
/// times out is cancelled with `gap_end_procedure` by the host, and a link that completes afterwards is closed.
struct ConnectProcedure: HostProcedure {
    enum Phase: Hashable, Sendable {
        case ready
        /// Sent; the response reserves a handle.
        case requested
        /// The dongle is initiating on `handle`.
        case initiating(handle: ConnectionHandle)
    }
    let command: GAPConnectDirectCommand
    private(set) var phase = Phase.ready

    init(_ command: GAPConnectDirectCommand) { self.command = command }

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .requested
        return .send(.gapConnectDirect(command))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        guard case let .gapConnectDirect(r)? = response else { return .fail(.unexpected("gap_connect_direct")) }
        phase = .initiating(handle: r.connectionHandle)
        return .wait
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }

    /// Whether the link the dongle just reported is the one this connect asked for.
    func claims(_ status: ConnectionStatusEvent) -> Bool {
        guard status.address == command.address else { return false }
        switch phase {
        case .ready: return false
        case .requested: return true
        case let .initiating(handle): return handle == status.connection
        }
    }

    /// The link is up.
    mutating func linkUp(_ link: LinkInfo) -> ProcedureStep { .done(.connected(link)) }

    /// Whether the dongle is initiating now (a timeout must then cancel it on the radio).
    var isInitiating: Bool { phase != .ready }
}

/// `connection_disconnect` until `connection_disconnected` (Reference §4.3 "Disconnect").
struct DisconnectProcedure: HostProcedure {
    enum Phase: Hashable, Sendable { case ready, requested, closing }
    let connection: ConnectionHandle
    private(set) var phase = Phase.ready

    init(connection: ConnectionHandle) { self.connection = connection }

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .requested
        return .send(.connectionDisconnect(.init(connection: connection)))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        phase = .closing
        return .wait
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }

    /// The link went down: what this procedure asked for.
    mutating func linkDown(_ loss: LinkLoss) -> ProcedureStep { .done(.disconnected(loss)) }
}
