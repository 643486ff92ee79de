import BGAPICore

/// What the dongle does in answer to a command or as time passes.
public enum DongleOutput: Sendable, Equatable {
    /// Send a response or event to the host.
    case send(BGAPIMessage)
    /// `system_reset` / `dfu_reset` on a BLED112 (reference §1.3, §4.2): the device drops off USB and
    /// re-enumerates after `reenumerateAfter`; the runner closes the port and asks for a new one, as for `unplug`.
    /// (A UART module keeps its port; the model then sends `system_boot` itself and emits no `reset`.)
    case reset(reenumerateAfter: Duration)
    /// Unplug fault: the port vanishes and a new one appears after `after`.
    case unplug(after: Duration)
    /// Garble fault: write these bytes raw.
    case garbage([UInt8])
    /// Bonds or PS keys changed: persist ``DongleModel/persistentState``.
    case persist
}

/// Bonds and persistent-store keys: what survives a reset, kept in the dongle's flash (`--state FILE`).
public struct DonglePersistentState: Codable, Sendable, Hashable {
    /// One stored bond.
    public struct Bond: Codable, Sendable, Hashable {
        /// Peer address, `AA:BB:CC:DD:EE:FF`.
        public var address: String
        /// Peer address type (0 public, 1 random).
        public var addressType: UInt8
        /// Whether the pairing was MITM-protected (passkey).
        public var mitm: Bool
        /// A bond record.
        public init(address: String, addressType: UInt8, mitm: Bool) {
            self.address = address
            self.addressType = addressType
            self.mitm = mitm
        }
    }
    /// Bond slots (index = bond handle); `nil` is a free slot.
    public var bonds: [Bond?] = []
    /// PS keys (0x8000...0x807F) and their values, hex keys for JSON.
    public var psKeys: [String: [UInt8]] = [:]
    /// An empty flash.
    public init() {}
}

/// The virtual BLED112: commands in, responses and events out, world time advanced explicitly.
/// Pure: no I/O, no clock. `EmulatorRunner` binds it to a transport and a clock.
public struct DongleModel: Sendable {
    /// The world it was built from.
    public let scenario: Scenario
    /// Procedure latencies.
    public let timing: EmulatorTiming
    let dongleAddress: BluetoothAddress
    var peripherals: [VirtualPeripheral]
    var random: WorldRandom
    /// Bonds and PS keys.
    public internal(set) var persistentState: DonglePersistentState

    // Volatile state (lost on reset).
    var now: Duration = .zero
    var scan = ScanState()
    var connecting: Connecting?
    var links: [UInt8: Link] = [:]
    var whitelist: [(BluetoothAddress, AddressType)] = []
    var bondable = false
    var ioCapabilities = SMIOCapabilities.noInputNoOutput
    var mitmRequired = false
    var advertisingMode = (discover: GAPDiscoverableMode.nonDiscoverable, connect: GAPConnectableMode.nonConnectable)
    var counters: (tx: UInt8, rx: UInt8) = (0, 0)
    var userFlash = [UInt8](repeating: 0xFF, count: 2048)
    var schedule: [Scheduled] = []
    var sequence: UInt64 = 0
    var dropNextResponse = false
    var delayNextResponse: Duration?
    var generation: UInt64 = 0
    /// Soft timers (reference Class 7 `set_soft_timer`): at most one repeating, up to 8 one-shot.
    var softTimers: [SoftTimer] = []
    /// While a delayed response is due, everything the dongle sends waits behind it (its output is a FIFO).
    var holdUntil: Duration?
    var held: [DongleOutput] = []
    /// Armed `connectFailure` fault: the next connection (to this peripheral index, or any when nil) fails.
    var connectFailure: Int??
    /// Armed `lateCompletion` fault: the next procedure (on this peripheral, or any) completes this late.
    var lateCompletion: (peripheral: Int?, delay: Duration)?
    /// The CC2540's I/O ports P0–P2 as `hardware_io_port_*` configures them.
    var ioPorts = [IOPort](repeating: IOPort(), count: 3)

    struct SoftTimer {
        var handle: UInt8
        var period: Duration
        var repeating: Bool
        var token: UInt64
    }

    struct IOPort {
        var direction: UInt8 = 0
        var tristate: UInt8 = 0
        var pullUp = true
        var output: UInt8 = 0
    }

    struct ScanState {
        var active = true
        var interval: UInt16 = 0x4B
        var window: UInt16 = 0x32
        var mode: GAPDiscoverMode?
        var duplicateFiltering = false
        var scanPolicy = GAPScanPolicy.all
        var seen: Set<String> = []
    }

    struct Connecting {
        var handle: ConnectionHandle
        var targets: [(BluetoothAddress, AddressType)]  // empty for "any whitelisted"
        var intervalMin: UInt16, intervalMax: UInt16, timeout: UInt16, latency: UInt16
    }

    struct Link {
        var peripheral: Int
        var interval: UInt16, timeout: UInt16, latency: UInt16
        var encrypted = false
        var authenticated = false
        var bond: BondHandle = .none
        var busyUntil: Duration = .zero
        var procedureOpen = false
        var prepared: [(AttributeHandle, UInt16, [UInt8])] = []
        var pendingPasskey: (bonding: Bool, expected: UInt32)?
        var epoch: UInt64
        /// Live notification stream per characteristic: a token that a re-subscription replaces.
        var streams: [Int: UInt64] = [:]
        /// When the first connection event happens; later ones follow every `interval` × 1.25 ms.
        var anchor: Duration = .zero
        /// This link's CCCD values (Core spec Vol 3 Part G §3.3.3.3: they belong to the connection,
        /// and persist across connections only for a bonded client).
        var cccd: [AttributeHandle: [UInt8]] = [:]
        /// A type-5 indication sent and not yet confirmed (manual confirmation), with its timeout token.
        var unconfirmed: (handle: AttributeHandle, token: UInt64)?
    }

    struct Scheduled {
        var time: Duration
        var order: UInt64
        var action: Action
    }

    enum Action {
        case advertise(peripheral: Int, generation: UInt64)
        case emit(BGAPIMessage, link: UInt8?, epoch: UInt64)
        case procedureDone(link: UInt8, epoch: UInt64)
        case notify(link: UInt8, characteristic: Int, epoch: UInt64)
        case presence(peripheral: Int)
        case fault(Int)
        case softTimer(token: UInt64)
        case boot(dfu: Bool)
        case release(until: Duration)
        case indicationTimeout(link: UInt8, token: UInt64)
        case pairingDone(link: UInt8, bonding: Bool, mitm: Bool, epoch: UInt64)
        case attTimeout(link: UInt8, handle: AttributeHandle, epoch: UInt64)
    }

    /// Builds the dongle and its world; throws ``ScenarioError`` naming what is wrong.
    public init(scenario: Scenario, timing: EmulatorTiming = .realistic, persistentState: DonglePersistentState = .init()) throws {
        self.scenario = scenario
        self.timing = timing
        guard let address = BluetoothAddress(scenario.dongle.address) else {
            throw ScenarioError("dongle.address '\(scenario.dongle.address)' is not an address")
        }
        guard (1 ... 8).contains(scenario.dongle.maxConnections) else {
            throw ScenarioError("dongle.maxConnections must be 1...8 (BLED112 firmware supports up to 8)")
        }
        guard (1 ... 8).contains(scenario.dongle.maxBonds) else { throw ScenarioError("dongle.maxBonds must be 1...8") }
        try scenario.validateLimits()
        dongleAddress = address
        peripherals = try scenario.peripherals.map(VirtualPeripheral.init(spec:))
        var seen = Set<BluetoothAddress>()
        for p in peripherals where !seen.insert(p.address).inserted {
            throw ScenarioError("\(p.spec.id): address \(p.address) is used twice")
        }
        try Self.validate(scenario.faults, peripherals: peripherals)
        random = WorldRandom(seed: scenario.seed)
        var state = persistentState
        while state.bonds.count < scenario.dongle.maxBonds { state.bonds.append(nil) }
        self.persistentState = state
        for (i, p) in peripherals.enumerated() {
            if p.spec.appearsAt > 0 { enqueue(at: .seconds(p.spec.appearsAt), .presence(peripheral: i)) }
            if let leave = p.spec.leavesAt { enqueue(at: .seconds(leave), .presence(peripheral: i)) }
        }
        for (i, f) in scenario.faults.enumerated() { enqueue(at: .seconds(f.at), .fault(i)) }
    }

    // MARK: - Time

    /// When the next scheduled thing happens, if anything is scheduled.
    public var nextEventTime: Duration? { schedule.first?.time }

    /// Runs everything scheduled up to `time`, in order.
    public mutating func advance(to time: Duration) -> [DongleOutput] {
        var out: [DongleOutput] = []
        while let first = schedule.first, first.time <= time {
            schedule.removeFirst()
            now = max(now, first.time)
            var produced: [DongleOutput] = []
            perform(first.action, into: &produced)
            out += route(produced)
        }
        now = max(now, time)
        return out
    }

    /// Most output a hold keeps (a real dongle's buffers are far smaller; beyond this, output is lost).
    static let heldLimit = 4096

    /// Wire output waits while a delayed response is due, so nothing overtakes it; the rest passes.
    mutating func route(_ outputs: [DongleOutput]) -> [DongleOutput] {
        guard holdUntil != nil else { return outputs }
        var passing: [DongleOutput] = []
        for output in outputs {
            switch output {
            case .send, .garbage: if held.count < Self.heldLimit { held.append(output) }
            default: passing.append(output)
            }
        }
        return passing
    }

    mutating func enqueue(at time: Duration, _ action: Action) {
        sequence += 1
        let item = Scheduled(time: time, order: sequence, action: action)
        let index = schedule.firstIndex { ($0.time, $0.order) > (time, sequence) } ?? schedule.endIndex
        schedule.insert(item, at: index)
    }

    static func microseconds(_ d: Duration) -> Int64 { d.wholeMicroseconds }

    var seconds: Double { now.inSeconds }

    // MARK: - Commands

    /// Handles one command received at `time`: the response first, then whatever is due.
    public mutating func receive(_ command: BGAPICommand, at time: Duration) -> [DongleOutput] {
        var out = advance(to: time)
        var after: [DongleOutput] = []
        let response = handle(command, then: &after)
        var produced: [DongleOutput] = []
        if let response {
            if dropNextResponse {
                dropNextResponse = false
            } else if let delay = delayNextResponse {
                // The response is late and the events it causes come after it, not before (reference §4.1
                // rule 1: a response precedes its events); so does everything else until it is out.
                delayNextResponse = nil
                let until = max(holdUntil ?? now, now + delay)
                holdUntil = until
                enqueue(at: until, .release(until: until))
                produced.append(.send(.response(response)))
            } else {
                produced.append(.send(.response(response)))
            }
        }
        produced += after
        out += route(produced)
        out += advance(to: time)
        return out
    }

    /// A malformed command (bad length) or bytes the parser dropped: the dongle reports a protocol error.
    public mutating func protocolError(_ reason: BGAPIErrorCode, at time: Duration) -> [DongleOutput] {
        var out = advance(to: time)
        out += route([.send(.event(.systemProtocolError(.init(reason: reason))))])
        return out
    }

    /// Arms a fault from a test (the same kinds a scenario can script). A fault whose `seconds` or `count`
    /// is outside ``ScenarioLimits`` is ignored (a scenario file with it is refused at load).
    public mutating func inject(_ fault: Scenario.Fault, at time: Duration) -> [DongleOutput] {
        var out = advance(to: time)
        guard fault.limitViolation == nil else { return out }
        var produced: [DongleOutput] = []
        apply(fault, into: &produced)
        out += route(produced)
        return out
    }
}
