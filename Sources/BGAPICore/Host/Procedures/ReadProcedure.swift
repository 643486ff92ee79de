/// Reads one attribute: `read_by_handle` (one value, ≤ 22 bytes) or `read_long` (chunks until
/// `procedure_completed`), Reference §4.5. Notifications on the same handle are never taken for the answer.
struct ReadProcedure: HostProcedure {
    enum Phase: Hashable, Sendable {
        case ready
        case requested
        /// The dongle is reading; a long read carries what has arrived so far.
        case reading(value: [UInt8])
    }
    /// Largest value a long read accepts (an attribute value is at most 512 bytes, Core Vol 3 Part F 3.2.9).
    static let maximumLength = 512

    let connection: ConnectionHandle
    let handle: AttributeHandle
    let isLong: Bool
    private(set) var phase = Phase.ready

    init(connection: ConnectionHandle, handle: AttributeHandle, long: Bool) {
        self.connection = connection
        self.handle = handle
        isLong = long
    }

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .requested
        return .send(isLong ? .attClientReadLong(.init(connection: connection, chrHandle: handle))
                            : .attClientReadByHandle(.init(connection: connection, chrHandle: handle)))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        phase = .reading(value: [])
        return .wait
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? {
        guard case let .reading(value) = phase else { return nil }
        switch event {
        case let .attClientAttributeValue(e) where e.connection == connection && e.attHandle == handle && !e.type.isServerInitiated:
            if !isLong { return .done(.value(e.value)) }
            let joined = value + e.value
            guard joined.count <= Self.maximumLength + 22 else {
                return .fail(.unexpected("long read of \(handle) passed \(Self.maximumLength) bytes"))
            }
            phase = .reading(value: joined)
            return .wait
        case let .attClientProcedureCompleted(e) where e.connection == connection && e.chrHandle == handle:
            guard e.result.isSuccess else { return .fail(BGAPIError(code: e.result)) }
            return isLong ? .done(.value(value)) : .fail(.unexpected("read of \(handle) ended without a value"))
        default:
            return nil
        }
    }

    var isRunningOnDongle: Bool { if case .reading = phase { true } else { false } }
}

extension AttributeValueType {
    /// Notifications and indications: values the peer sends on its own, not answers to a read.
    public var isServerInitiated: Bool { self == .notify || self == .indicate || self == .indicateResponseRequired }
}
