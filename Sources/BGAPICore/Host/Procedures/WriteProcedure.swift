/// Writes one attribute (Reference §4.5): with a response (`attribute_write` → `procedure_completed`),
/// without one (`write_command`, done at its response), or long (`prepare_write` chunks of 18 bytes, then
/// `execute_write`; a failed chunk cancels the prepared queue before the error is reported).
struct WriteProcedure: HostProcedure {
    enum Kind: Hashable, Sendable { case request, command, long }
    enum Phase: Hashable, Sendable {
        case ready
        /// `attribute_write` or `write_command` sent.
        case requested
        /// The dongle waits for the peer's write response.
        case writing
        /// A prepared chunk starting at `offset` is on its way (`sent`: its response arrived).
        case preparing(offset: Int, sent: Bool)
        /// `execute_write` (`commit` true) or its cancel after `failure`.
        case executing(commit: Bool, failure: BGAPIError?, sent: Bool)
    }
    /// Bytes per prepare_write chunk at the BLED112's fixed ATT MTU of 23 (23 − 5).
    static let chunkLength = 18
    /// Largest value one write carries (MTU 23 − 3).
    static let maximumLength = 20
    /// Largest value a long write may carry.
    static let maximumLongLength = 512

    let connection: ConnectionHandle
    let handle: AttributeHandle
    let value: [UInt8]
    let kind: Kind
    private(set) var phase = Phase.ready

    init(connection: ConnectionHandle, handle: AttributeHandle, value: [UInt8], kind: Kind) {
        self.connection = connection
        self.handle = handle
        self.value = value
        self.kind = kind
    }

    mutating func start(at now: Duration) -> ProcedureStep {
        switch kind {
        case .request, .command:
            guard value.count <= Self.maximumLength else {
                return .fail(.invalidArgument("\(value.count) bytes do not fit one write (at most \(Self.maximumLength)); use a long write"))
            }
            phase = .requested
            return kind == .request ? .send(.attClientAttributeWrite(.init(connection: connection, attHandle: handle, data: value)))
                                    : .send(.attClientWriteCommand(.init(connection: connection, attHandle: handle, data: value)))
        case .long:
            guard value.count <= Self.maximumLongLength else {
                return .fail(.invalidArgument("\(value.count) bytes exceed the \(Self.maximumLongLength)-byte attribute limit"))
            }
            return prepare(at: 0)
        }
    }

    private mutating func prepare(at offset: Int) -> ProcedureStep {
        phase = .preparing(offset: offset, sent: false)
        let chunk = Array(value[offset ..< min(value.count, offset + Self.chunkLength)])
        return .send(.attClientPrepareWrite(.init(connection: connection, attHandle: handle, offset: UInt16(offset), data: chunk)))
    }

    private mutating func execute(commit: Bool, failure: BGAPIError?) -> ProcedureStep {
        phase = .executing(commit: commit, failure: failure, sent: false)
        return .send(.attClientExecuteWrite(.init(connection: connection, commit: commit)))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        switch phase {
        case .ready, .writing:
            return .wait
        case .requested:
            if let failure = response?.failure { return .fail(failure) }
            if kind == .command { return .done(.done) }
            phase = .writing
            return .wait
        case let .preparing(offset, _):
            // A refused chunk: nothing of it was queued at the peer, but earlier chunks were.
            if let failure = response?.failure { return offset == 0 ? .fail(failure) : execute(commit: false, failure: failure) }
            phase = .preparing(offset: offset, sent: true)
            return .wait
        case let .executing(commit, failure, _):
            if let refused = response?.failure { return .fail(failure ?? refused) }
            phase = .executing(commit: commit, failure: failure, sent: true)
            return .wait
        }
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? {
        guard case let .attClientProcedureCompleted(e) = event, e.connection == connection else { return nil }
        switch phase {
        case .writing where e.chrHandle == handle:
            return e.result.isSuccess ? .done(.done) : .fail(BGAPIError(code: e.result))
        case let .preparing(offset, true) where e.chrHandle == handle:
            guard e.result.isSuccess else { return execute(commit: false, failure: BGAPIError(code: e.result)) }
            let next = offset + Self.chunkLength
            return next < value.count ? prepare(at: next) : execute(commit: true, failure: nil)
        case let .executing(_, failure, true):
            // The reference does not say which handle execute_write's completion carries: any on the link.
            if let failure { return .fail(failure) }
            return e.result.isSuccess ? .done(.done) : .fail(BGAPIError(code: e.result))
        default:
            return nil
        }
    }

    var isRunningOnDongle: Bool {
        switch phase {
        case .writing, .preparing(_, true), .executing(_, _, true): true
        default: false
        }
    }
}

/// Turns notifications or indications on or off: an `attribute_write` of the CCCD (Core Vol 3 Part G 3.3.3.3).
struct SubscribeProcedure: HostProcedure {
    private var write: WriteProcedure
    let configuration: ClientConfiguration

    init(connection: ConnectionHandle, descriptor: AttributeHandle, configuration: ClientConfiguration) {
        self.configuration = configuration
        write = WriteProcedure(connection: connection, handle: descriptor, value: configuration.bytes, kind: .request)
    }

    mutating func start(at now: Duration) -> ProcedureStep { write.start(at: now) }
    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep { write.receive(response, at: now) }
    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { write.receive(event, at: now) }
    var isRunningOnDongle: Bool { write.isRunningOnDongle }
}
