import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITestSupport
import Dispatch
import Foundation
import Synchronization
import Testing

/// Issue 13 item 2: every library operation × every fault, against the virtual BLED112 on a real pty, on a
/// manual clock (a 30 s ATT timeout takes no wall time). Each cell asserts the outcome (a typed error, or
/// success where the fault cannot touch the call), that it came by the call's deadline + ``margin``, that
/// nothing already received was lost, and that the backend is usable afterwards (started again once the
/// dongle is back, after an unplug or a reset). docs/reliability.md shows the matrix.
@Suite(.serialized) struct FaultMatrixTests {
    enum Operation: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case start, scan, connect, discovery, read, longRead, write, writeWithoutResponse, longWrite, subscribe, bond,
             disconnect
        var testDescription: String { rawValue }
    }

    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case unplugged, responseLost, responseLate, garbled, peerDisconnects, attError, silentPeer, dongleReset
        var testDescription: String { rawValue }
    }

    /// What a cell must end in.
    enum Outcome: String, Sendable, CustomStringConvertible {
        case ok, timeout, portClosed, dongleReset, disconnected, att, bgapi, notConnected, other
        var description: String { rawValue }

        init(_ result: Result<Void, BGAPIError>) {
            switch result {
            case .success: self = .ok
            case .failure(.timeout): self = .timeout
            case .failure(.portClosed): self = .portClosed
            case .failure(.dongleReset): self = .dongleReset
            case .failure(.disconnected): self = .disconnected
            case .failure(.att): self = .att
            case .failure(.bgapi): self = .bgapi
            case .failure(.notConnected): self = .notConnected
            case .failure: self = .other
            }
        }
    }

    static let reportLock = Mutex(())
    static let dev = BluetoothAddress("AA:00:00:00:00:01")!
    static let spare = BluetoothAddress("AA:00:00:00:00:02")!
    static let value = BluetoothUUID(0xFFE1), longValue = BluetoothUUID(0xFFE2), counter = BluetoothUUID(0xFFE3),
               command = BluetoothUUID(0xFFE4), other = BluetoothUUID(0xFFE5)
    /// The injected ATT error: insufficient authentication.
    static let attCode: UInt16 = 0x0405
    /// How long after its deadline an error may come (the manual clock moves in steps of ``step``).
    static let margin = Duration.milliseconds(500)
    static let step = Duration.milliseconds(250)
    /// Each call's own timeout; a silent peer gets one past the 30 s ATT timeout, to see that end it.
    static func timeout(_ fault: Fault) -> Duration { fault == .silentPeer ? .seconds(40) : .seconds(2) }

    static let world = FaultyDongle.matrixWorld

    /// The command whose arrival at the dongle the fault strikes on: the call's first command of its own.
    static func trigger(_ op: Operation) -> @Sendable (BGAPICommand) -> Bool {
        switch op {
        case .start: { if case .gapSetMode = $0 { true } else { false } }
        case .scan: { if case .gapDiscover = $0 { true } else { false } }
        case .connect: { if case .gapConnectDirect = $0 { true } else { false } }
        case .discovery: { if case .attClientReadByGroupType = $0 { true } else { false } }
        case .read: { if case .attClientReadByHandle = $0 { true } else { false } }
        case .longRead: { if case .attClientReadLong = $0 { true } else { false } }
        case .write, .subscribe: { if case .attClientAttributeWrite = $0 { true } else { false } }
        case .writeWithoutResponse: { if case .attClientWriteCommand = $0 { true } else { false } }
        // The second chunk: the long write is under way.
        case .longWrite: { if case let .attClientPrepareWrite(c) = $0 { c.offset > 0 } else { false } }
        case .bond: { if case .smEncryptStart = $0 { true } else { false } }
        case .disconnect: { if case .connectionDisconnect = $0 { true } else { false } }
        }
    }

    /// The emulator's fault for a matrix column (a peer cannot drop a link that is still being made: for a
    /// connect, "the peer disconnects" is the link lost as it is established, 0x023E).
    static func emulatorFault(_ fault: Fault, _ op: Operation, timeout: Duration) -> Scenario.Fault {
        let late = (timeout + .seconds(1)).inSeconds
        return switch fault {
        case .unplugged: Scenario.Fault(at: 0, kind: .unplug, seconds: 1)
        case .responseLost: Scenario.Fault(at: 0, kind: .dropResponse)
        case .responseLate: Scenario.Fault(at: 0, kind: .delayResponse, seconds: late)
        case .garbled: Scenario.Fault(at: 0, kind: .garble, count: 12)
        case .peerDisconnects: op == .connect ? Scenario.Fault(at: 0, kind: .connectFailure)
            : Scenario.Fault(at: 0, kind: .disconnect, peripheral: "dev", code: 0x0208)
        case .attError: Scenario.Fault(at: 0, kind: .attError, peripheral: "dev", code: attCode)
        case .silentPeer: Scenario.Fault(at: 0, kind: .silence, peripheral: "dev")
        case .dongleReset: Scenario.Fault(at: 0, kind: .reset)
        }
    }

    /// The outcomes each cell accepts, and why; docs/reliability.md prints this table.
    static func expected(_ op: Operation, _ fault: Fault) -> Set<Outcome> {
        let att: Set<Operation> = [.discovery, .read, .longRead, .write, .longWrite, .subscribe]
        let onLink: Set<Operation> = att.union([.writeWithoutResponse, .bond, .disconnect])
        switch fault {
        case .unplugged: return [.portClosed]
        case .dongleReset: return [.portClosed]       // a BLED112 drops off USB on reset: no system_boot
        // A lost response to a connect or disconnect is made up for by the event that follows it (the link's
        // connection_status, its connection_disconnected): the call succeeds. A late one holds those back too.
        case .responseLost: return [.connect, .disconnect].contains(op) ? [.ok] : [.timeout]
        case .responseLate: return [.timeout]
        case .garbled: return [.ok]                    // the framer resyncs; the call is not disturbed
        case .peerDisconnects:
            if op == .connect { return [.disconnected] }
            if op == .disconnect { return [.ok] }      // the link is down either way
            return onLink.contains(op) ? [.disconnected] : [.ok]
        case .attError:
            return att.contains(op) ? [.att] : [.ok]
        case .silentPeer:
            // The dongle ends the procedure with 0x0185 (timeout) and drops the link: a discovery takes the
            // procedure's end, a call waiting for its handle's value the link's.
            return att.contains(op) ? [.bgapi, .disconnected] : [.ok]
        }
    }

    /// A started backend on `dongle`, with its device connected, discovered and notifying (unless the call
    /// under test is the one that would do it).
    struct Setup {
        let backend: BGAPIBackend
        let device: BGAPIDevice?
        let services: [GATTService]?
        let notified: Recorder<UInt32>
    }

    static func setUp(_ op: Operation, on dongle: FaultyDongle) throws -> Setup {
        let backend = BGAPIBackend(port: .path(dongle.link), scheduler: dongle.clock)
        backend.commandTimeout = .seconds(2)
        let notified = Recorder<UInt32>()
        guard op != .start else { return Setup(backend: backend, device: nil, services: nil, notified: notified) }
        let clock = dongle.clock
        try onClock(clock) { () throws(BGAPIError) in try backend.start(reset: false) }
        guard ![.scan, .connect].contains(op) else { return Setup(backend: backend, device: nil, services: nil, notified: notified) }
        let device = try onClock(clock) { () throws(BGAPIError) in try backend.connect(address: dev) }
        guard op != .discovery else { return Setup(backend: backend, device: device, services: nil, notified: notified) }
        let services = try onClock(clock) { () throws(BGAPIError) in try device.discoverServices() }
        try onClock(clock) { () throws(BGAPIError) in
            try device.subscribe(counter) { _, value in
                notified.add(value.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
            }
        }
        // Some values arrive before the fault; none of them may be lost.
        let pendingBefore = clock.pendingTimerCount
        for _ in 0 ..< 10 where !notified.wait(for: 2, within: 0.2) { clock.advance(by: .milliseconds(100)) }
        #expect(notified.wait(for: 2, within: 5),
                "notifications before the fault: \(notified.all) at \(clock.now), \(pendingBefore) → \(clock.pendingTimerCount) timers; \(dongle.recentTrace)")
        return Setup(backend: backend, device: device, services: services, notified: notified)
    }

    static func call(_ op: Operation, _ setup: Setup, timeout: Duration) throws(BGAPIError) {
        let backend = setup.backend
        switch op {
        case .start: try backend.start(reset: false)
        case .scan: _ = try backend.scan(timeout: .seconds(1))
        case .connect: _ = try backend.connect(address: dev, timeout: timeout)
        case .discovery: _ = try setup.device!.discoverServices(timeout: timeout)
        case .read: _ = try setup.device!.read(value, timeout: timeout)
        case .longRead: _ = try setup.device!.readLong(longValue, timeout: timeout)
        case .write: try setup.device!.write(value, [0x01, 0x02], timeout: timeout)
        case .writeWithoutResponse: try setup.device!.write(command, [0x07], withResponse: false, timeout: timeout)
        case .longWrite: try setup.device!.writeLong(longValue, Array(repeating: 0x41, count: 90), timeout: timeout)
        case .subscribe: try setup.device!.subscribe(other, timeout: timeout) { _, _ in }
        case .bond: try setup.device!.bond(timeout: timeout)
        case .disconnect: try setup.device!.disconnect(timeout: timeout)
        }
    }

    /// Runs `body` on another thread while the manual clock moves in steps until it returns or `limit` passes;
    /// returns its result and the manual time it took (to the step).
    /// `patience` is how long (wall time) each step waits for I/O before the clock moves on: a slow machine
    /// must not see a reply it is still reading attributed to a later manual time.
    static func drive(_ clock: ManualScheduler, limit: Duration, patience: Double = 0.1,
                      _ body: @escaping @Sendable () throws(BGAPIError) -> Void) -> (Result<Void, BGAPIError>, Duration)? {
        let result = Recorder<Result<Void, BGAPIError>>()
        let started = clock.now
        DispatchQueue.global().async {
            do throws(BGAPIError) { try body(); result.add(.success(())) } catch { result.add(.failure(error)) }
        }
        // Immediate outcomes first (at no manual time), then step by step.
        if result.wait(for: 1, within: 0.3) { return (result.all[0], clock.now - started) }
        while clock.now - started < limit {
            clock.advance(by: step)
            if result.wait(for: 1, within: patience) { return (result.all[0], clock.now - started) }
        }
        return result.wait(for: 1, within: 2) ? (result.all[0], clock.now - started) : nil
    }

    /// Runs a setup or recovery step with the clock moving (connects wait for the peer's next advertisement).
    @discardableResult
    static func onClock<T: Sendable>(_ clock: ManualScheduler, _ body: @escaping @Sendable () throws(BGAPIError) -> T) throws(BGAPIError) -> T {
        let value = Recorder<T>()
        guard let (result, _) = drive(clock, limit: .seconds(60), patience: 0.3, { () throws(BGAPIError) in value.add(try body()) }) else {
            throw .unexpected("the step did not finish")
        }
        try result.get()
        return value.all[0]
    }

    @Test(arguments: Operation.allCases, Fault.allCases)
    func cell(_ op: Operation, _ fault: Fault) throws {
        let dongle = try FaultyDongle(scenario: Self.world)
        let setup = try Self.setUp(op, on: dongle)
        defer { setup.backend.stop() }
        let timeout = Self.timeout(fault)
        let received = setup.notified.all
        dongle.arm(Self.emulatorFault(fault, op, timeout: timeout), when: Self.trigger(op))

        // The call: its outcome, by its deadline (start and scan run on the command timeout, 2 s per step).
        let deadline = timeout + (op == .start || op == .scan ? .seconds(2) : .zero)
        guard let (result, took) = Self.drive(dongle.clock, limit: deadline + Self.margin * 4, { () throws(BGAPIError) in
            try Self.call(op, setup, timeout: timeout)
        }) else {
            Issue.record("\(op) × \(fault): no outcome (a hang)")
            return
        }
        if let path = ProcessInfo.processInfo.environment["BLEX_FAULT_MATRIX_REPORT"] {
            // One line per cell for docs/reliability.md (scripts/fault-matrix.sh makes the table).
            let error = (try? result.get()).map { "-" } ?? "\(result)".replacingOccurrences(of: "\t", with: " ")
            let line = "\(op)\t\(fault)\t\(Outcome(result))\t\(took.inSeconds)\t\(deadline.inSeconds)\t\(error)\n"
            Self.reportLock.withLock { _ in
                if let handle = FileHandle(forWritingAtPath: path) {
                    handle.seekToEndOfFile(); handle.write(Data(line.utf8)); handle.closeFile()
                } else {
                    _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
                }
            }
        }
        #expect(dongle.struck, "the fault struck during the call")
        let outcome = Outcome(result)
        #expect(Self.expected(op, fault).contains(outcome), "\(op) × \(fault): \(result)")
        #expect(took <= deadline + Self.margin, "\(op) × \(fault): \(result) after \(took)")

        // Nothing already received is lost: values delivered before the fault stay, in order, none twice.
        let after = setup.notified.all
        #expect(Array(after.prefix(received.count)) == received)
        #expect(zip(after, after.dropFirst()).allSatisfy { $0 < $1 }, "in order, none twice: \(after)")
        if let services = setup.services {
            #expect(setup.device?.services == services, "discovered services kept")
            #expect(setup.device?.subscriptions.isEmpty == false, "subscriptions kept")
        }

        // Usable afterwards: let late answers and timeouts play out (a late response, the 30 s ATT timeout),
        // start again if the dongle went away, then the backend works and a link reads.
        do {
            try Self.recover(setup, dongle, after: fault, op: op)
        } catch {
            Issue.record("\(op) × \(fault): not usable afterwards: \(error); \(dongle.recentTrace)")
        }
    }

    static func recover(_ setup: Setup, _ dongle: FaultyDongle, after fault: Fault, op: Operation) throws {
        let backend = setup.backend
        let clock = dongle.clock
        for _ in 0 ..< 4 { clock.advance(by: .seconds(10)) }
        if [.unplugged, .dongleReset].contains(fault) {
            #expect(dongle.plugIns.wait(for: 2, within: 5), "the dongle is back")
            #expect(!backend.isRunning, "the backend knows the port closed")
        }
        // A start that failed stopped the backend; it starts again.
        if !backend.isRunning {
            #expect(op == .start || [.unplugged, .dongleReset].contains(fault), "only a lost port or a failed start stops it")
            try onClock(clock) { () throws(BGAPIError) in try backend.start(reset: false) }
        }
        #expect(try onClock(clock) { () throws(BGAPIError) in try backend.macAddress() } == BluetoothAddress("00:07:80:B1:E0:01")!)
        let spare = try onClock(clock) { () throws(BGAPIError) in try backend.connect(address: Self.spare) }
        #expect(try onClock(clock) { () throws(BGAPIError) in try spare.read(Self.value) } == [0xBE, 0xEF])
        // The faulted device too, unless its peer was told to go silent for good.
        guard fault != .silentPeer else { return }
        let device = try onClock(clock) { () throws(BGAPIError) in try backend.connect(address: Self.dev) }
        if fault == .attError, !expected(op, fault).contains(.att) {
            // The call had no ATT procedure for the error to end: it is still armed, and ends the next one.
            #expect(throws: BGAPIError.att(BGAPIErrorCode(rawValue: attCode))) {
                try onClock(clock) { () throws(BGAPIError) in try device.read(Self.value) }
            }
        }
        #expect(try onClock(clock) { () throws(BGAPIError) in try device.read(Self.value) }.count == 2)
    }
}
