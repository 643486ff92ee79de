/// What a procedure asks its host for next.
enum ProcedureStep: Hashable, Sendable {
    /// Send this command (the host queues it for the port: one command in flight at a time).
    case send(BGAPICommand)
    /// Nothing to do until a response or an event arrives.
    case wait
    /// Call again through ``HostProcedure/wake(at:)`` at this time (a retry pause).
    case sleep(until: Duration)
    /// The procedure is over.
    case finish(Result<HostResult, BGAPIError>)
}

/// One GATT/GAP procedure as a pure state machine: the host feeds it what the dongle says, it answers with
/// the next step. It never sees a clock or a port; its phase says what it waits for.
protocol HostProcedure: Sendable {
    /// The first step.
    mutating func start(at now: Duration) -> ProcedureStep
    /// The response to the command it last sent (`nil` for a command that has none).
    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep
    /// An event on its link (or any event, for procedures without one); `nil` when it is not this procedure's.
    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep?
    /// Called at the time a ``ProcedureStep/sleep(until:)`` named.
    mutating func wake(at now: Duration) -> ProcedureStep
    /// Whether an ATT procedure is running on the dongle now: a timed-out call then still holds its link's
    /// ATT slot until the dongle's terminator (or the ATT timeout), so later calls never meet `wrong_state`.
    var isRunningOnDongle: Bool { get }
    /// The link went down while the procedure ran; usually it fails with the loss.
    mutating func linkDown(_ loss: LinkLoss) -> ProcedureStep
}

extension HostProcedure {
    mutating func wake(at now: Duration) -> ProcedureStep { .wait }
    var isRunningOnDongle: Bool { false }
    mutating func linkDown(_ loss: LinkLoss) -> ProcedureStep { .finish(.failure(loss.error)) }
}

extension BGAPIResponse {
    /// The failure a non-zero result stands for, or `nil` when the command was accepted.
    var failure: BGAPIError? {
        guard let code = resultCode, !code.isSuccess else { return nil }
        return BGAPIError(code: code)
    }
}

extension ProcedureStep {
    /// Finishes with a failure.
    static func fail(_ error: BGAPIError) -> Self { .finish(.failure(error)) }
    /// Finishes with a success.
    static func done(_ result: HostResult) -> Self { .finish(.success(result)) }
}
