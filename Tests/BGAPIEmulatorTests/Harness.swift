import BGAPICore
@testable import BGAPIEmulator

/// Drives a DongleModel on a manual clock: no pty, no sleeps.
struct Harness {
    var model: DongleModel
    var now: Duration = .zero
    var persisted = 0
    var resets = 0
    /// The re-enumeration delays of USB resets seen.
    var usbResets: [Duration] = []

    init(_ scenario: Scenario = try! Scenario.load("demo"), timing: EmulatorTiming = .instant,
         state: DonglePersistentState = .init()) throws {
        model = try DongleModel(scenario: scenario, timing: timing, persistentState: state)
    }

    mutating func collect(_ outputs: [DongleOutput]) -> [BGAPIMessage] {
        outputs.compactMap { output in
            switch output {
            case let .send(m): return m
            case .persist: persisted += 1; return nil
            case let .reset(after): resets += 1; usbResets.append(after); return nil
            default: return nil
            }
        }
    }

    /// Sends a command; returns what came out immediately (response first).
    mutating func send(_ command: BGAPICommand) -> [BGAPIMessage] {
        collect(model.receive(command, at: now))
    }

    /// Lets simulated time pass.
    mutating func advance(by d: Duration) -> [BGAPIMessage] {
        now += d
        return collect(model.advance(to: now))
    }

    /// Sends and lets `settle` pass, returning everything.
    mutating func exchange(_ command: BGAPICommand, settle: Duration = .milliseconds(1)) -> [BGAPIMessage] {
        send(command) + advance(by: settle)
    }

    /// Scans for `duration` and returns the reports.
    mutating func scan(for duration: Duration, active: Bool = true, mode: GAPDiscoverMode = .observation) -> [GAPScanResponseEvent] {
        _ = send(.gapSetScanParameters(.init(scanInterval: 75, scanWindow: 50, active: active)))
        _ = send(.gapDiscover(.init(mode: mode)))
        let out = advance(by: duration)
        _ = send(.gapEndProcedure(.init()))
        return out.compactMap { if case let .event(.gapScanResponse(e)) = $0 { e } else { nil } }
    }

    /// Connects to a demo device and returns its handle (interval in 1.25 ms units).
    mutating func connect(_ address: String, type: AddressType = .public, interval: ClosedRange<UInt16> = 60 ... 76) -> ConnectionHandle? {
        let rsp = send(.gapConnectDirect(.init(address: BluetoothAddress(address)!, addressType: type,
                                               connIntervalMin: interval.lowerBound, connIntervalMax: interval.upperBound,
                                               timeout: 100, latency: 0)))
        guard case let .response(.gapConnectDirect(r))? = rsp.first, r.result == .success else { return nil }
        let events = advance(by: .seconds(2))
        for case let .event(.connectionStatus(s)) in events where s.connection == r.connectionHandle && s.flags.contains(.connected) {
            return s.connection
        }
        return nil
    }

    /// Runs find_information over the whole range and returns handle → UUID.
    mutating func discover(_ connection: ConnectionHandle) -> [(AttributeHandle, BluetoothUUID)] {
        let out = exchange(.attClientFindInformation(.init(connection: connection, start: .first, end: .last)))
        return out.compactMap { if case let .event(.attClientFindInformationFound(e)) = $0 { (e.chrHandle, e.uuid) } else { nil } }
    }

    mutating func handle(of uuid: BluetoothUUID, on connection: ConnectionHandle) -> AttributeHandle? {
        discover(connection).first { $0.1 == uuid }?.0
    }
}

extension Array where Element == BGAPIMessage {
    var procedureResults: [BGAPIErrorCode] {
        compactMap { if case let .event(.attClientProcedureCompleted(e)) = $0 { e.result } else { nil } }
    }
    var values: [AttClientAttributeValueEvent] {
        compactMap { if case let .event(.attClientAttributeValue(e)) = $0 { e } else { nil } }
    }
}
