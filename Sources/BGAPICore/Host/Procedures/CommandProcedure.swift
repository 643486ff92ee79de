/// One command and its response: raw access (any result) or checked (a non-zero result fails).
struct CommandProcedure: HostProcedure {
    enum Phase: Hashable, Sendable { case ready, awaitingResponse }
    let command: BGAPICommand
    let checked: Bool
    private(set) var phase = Phase.ready

    init(_ command: BGAPICommand, checked: Bool) {
        self.command = command
        self.checked = checked
    }

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .awaitingResponse
        return .send(command)
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if checked, let failure = response?.failure { return .fail(failure) }
        return .done(.response(response))
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }
}

/// Starts a discovery: scan parameters, then `gap_discover`.
struct StartScanProcedure: HostProcedure {
    enum Phase: Hashable, Sendable { case ready, settingParameters, discovering }
    let parameters: GAPSetScanParametersCommand
    let mode: GAPDiscoverMode
    private(set) var phase = Phase.ready

    init(_ parameters: GAPSetScanParametersCommand, mode: GAPDiscoverMode) {
        self.parameters = parameters
        self.mode = mode
    }

    mutating func start(at now: Duration) -> ProcedureStep {
        phase = .settingParameters
        return .send(.gapSetScanParameters(parameters))
    }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let failure = response?.failure { return .fail(failure) }
        switch phase {
        case .ready: return .wait
        case .settingParameters:
            phase = .discovering
            return .send(.gapDiscover(.init(mode: mode)))
        case .discovering:
            return .done(.done)
        }
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }
}

/// Ends a discovery with `gap_end_procedure`; "nothing to end" (0x0181) is success.
struct StopScanProcedure: HostProcedure {
    mutating func start(at now: Duration) -> ProcedureStep { .send(.gapEndProcedure(.init())) }

    mutating func receive(_ response: BGAPIResponse?, at now: Duration) -> ProcedureStep {
        if let code = response?.resultCode, !code.isSuccess, code != .wrongState { return .fail(BGAPIError(code: code)) }
        return .done(.done)
    }

    mutating func receive(_ event: BGAPIEvent, at now: Duration) -> ProcedureStep? { nil }
}
