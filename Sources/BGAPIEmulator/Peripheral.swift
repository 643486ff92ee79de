import BGAPICore
import Foundation

/// How long simulated procedures take. `realistic` feels like a radio; `instant` takes no
/// simulated time (tests, benchmarks), though advertising still follows each device's interval.
public struct EmulatorTiming: Sendable, Hashable {
    /// One ATT request/response exchange when ``followsConnectionInterval`` is off.
    public var attRoundTrip: Duration
    /// From the target's connectable advertisement to `connection_status`.
    public var connectionSetup: Duration
    /// Pairing, from `sm_encrypt_start` to the outcome.
    public var pairing: Duration
    /// ATT exchanges ride the link's connection events, as on air: a request goes out at the next event and
    /// its response comes one interval later (one to two intervals in all), so a 7.5 ms link discovers
    /// several times faster than a 50 ms one. Each response PDU carries as many entries as ATT_MTU 23 allows.
    public var followsConnectionInterval: Bool
    /// A BLED112 back on USB after a reset (reference §4.8: the port is usable again after about 1 s).
    public var usbReenumeration: Duration
    /// A UART module's boot, from reset to `system_boot` (not documented; assumed).
    public var boot: Duration

    /// Like a BLED112: ATT on connection events, a 1 s re-enumeration after a reset.
    public static let realistic = EmulatorTiming(attRoundTrip: .milliseconds(30), connectionSetup: .milliseconds(40),
                                                 pairing: .milliseconds(150), followsConnectionInterval: true,
                                                 usbReenumeration: .seconds(1), boot: .milliseconds(100))
    /// No simulated latency.
    public static let instant = EmulatorTiming(attRoundTrip: .zero, connectionSetup: .zero, pairing: .zero)

    /// Custom timing.
    public init(attRoundTrip: Duration, connectionSetup: Duration, pairing: Duration, followsConnectionInterval: Bool = false,
                usbReenumeration: Duration = .zero, boot: Duration = .zero) {
        self.attRoundTrip = attRoundTrip
        self.connectionSetup = connectionSetup
        self.pairing = pairing
        self.followsConnectionInterval = followsConnectionInterval
        self.usbReenumeration = usbReenumeration
        self.boot = boot
    }
}

/// The world's deterministic random numbers (SplitMix64) so worlds repeat exactly from a seed.
struct WorldRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Roughly normal, mean 0, standard deviation 1 (sum of uniforms).
    mutating func gaussian() -> Double {
        var sum = 0.0
        for _ in 0 ..< 6 { sum += Double.random(in: 0 ..< 1, using: &self) }
        return (sum - 3) * 1.41
    }
}

/// A peripheral while the world runs: its scenario, GATT server, RSSI walk and per-link state.
struct VirtualPeripheral: Sendable {
    let spec: Scenario.Peripheral
    let address: BluetoothAddress
    let addressType: AddressType
    let advertisingData: [UInt8]
    let scanResponseData: [UInt8]?
    let flags: UInt8
    let advertisingInterval: Duration
    var gatt: GATTServer
    var rssiOffset: Double = 0
    /// Set while a central is connected (a peripheral accepts one master and stops advertising).
    var connection: ConnectionHandle?
    /// Faults armed for this device.
    var pendingATTError: BGAPIErrorCode?
    var silent = false
    /// CCCD values this server keeps for its bonded client (the dongle), restored on the next bonded link.
    var bondedCCCD: [AttributeHandle: [UInt8]] = [:]

    init(spec: Scenario.Peripheral) throws {
        self.spec = spec
        guard let address = BluetoothAddress(spec.address) else {
            throw ScenarioError("\(spec.id): '\(spec.address)' is not an address (AA:BB:CC:DD:EE:FF)")
        }
        self.address = address
        switch spec.addressType {
        case "public": addressType = .public
        case "random": addressType = .random
        default: throw ScenarioError("\(spec.id): addressType must be public or random")
        }
        advertisingData = try spec.advertising.encoded(context: "\(spec.id): advertising")
        scanResponseData = try spec.scanResponse?.encoded(context: "\(spec.id): scanResponse")
        flags = spec.advertising.flags ?? 0
        guard spec.advertisingIntervalMs >= 20, spec.advertisingIntervalMs <= 10_240 else {
            throw ScenarioError("\(spec.id): advertisingIntervalMs must be 20...10240")
        }
        advertisingInterval = .microseconds(Int64(spec.advertisingIntervalMs * 1000))
        let name: [UInt8] = if let n = spec.advertising.name { Array(n.utf8) }
            else if let h = spec.advertising.nameHex, let b = bytes(fromHex: h) { b }
            else if let s = spec.advertising.shortName { Array(s.utf8) }
            else { Array(spec.id.utf8) }
        gatt = try GATTServer(peripheral: spec, deviceName: name)
    }

    /// Whether it is on the air at `seconds` after start.
    func isPresent(at seconds: Double) -> Bool {
        seconds >= spec.appearsAt && (spec.leavesAt.map { seconds < $0 } ?? true)
    }

    /// RSSI for a packet heard now: mean plus drift plus a bounded random walk, clamped to what a BLED112 reports.
    mutating func nextRSSI(at seconds: Double, random: inout WorldRandom) -> Int8 {
        rssiOffset += spec.rssi.walk * random.gaussian() * 0.5
        rssiOffset = max(-12, min(12, rssiOffset)) * 0.95
        let value = spec.rssi.mean + spec.rssi.driftPerSecond * max(0, seconds - spec.appearsAt) + rssiOffset
        return Int8(max(-103, min(-38, value.rounded())))
    }

    /// The current value of a characteristic, applying its generator at `seconds`.
    func currentValue(_ characteristic: Int, stored: [UInt8], at seconds: Double) -> [UInt8] {
        guard let g = gatt.characteristics[characteristic].generator else { return stored }
        let period = max(0.0001, g.periodMs / 1000)
        let tick = (seconds / period).rounded(.down)
        // Every conversion below is clamped or wrapped, so no value of a (validated) generator at any
        // world time can trap: the counter wraps modulo 2^32 before it becomes an integer.
        func clamped(_ d: Double, _ lo: Double, _ hi: Double) -> Double { d.isNaN ? lo : max(lo, min(hi, d)) }
        switch g.kind {
        case "counter":
            let raw = max(0, tick * g.step)
            let wrapped = raw.isFinite ? raw.truncatingRemainder(dividingBy: 4_294_967_296).rounded(.down) : 0
            let width = max(1, min(4, g.width))
            let n = UInt64(wrapped) & (width >= 4 ? 0xFFFF_FFFF : (1 << (8 * UInt64(width))) - 1)
            return (0 ..< width).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
        case "battery":
            let start = Double(stored.first ?? 100)
            return [UInt8(clamped(start - tick * g.step, 0, 100))]
        case "sine":
            let v = Int16(clamped((g.center + g.amplitude * sin(2 * .pi * tick / 30)).rounded(.towardZero), -32768, 32767))
            var out = [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
            if gatt.characteristics[characteristic].uuid == BluetoothUUID(0x2A1C) {
                // Temperature Measurement: flags, then an IEEE-11073 FLOAT (mantissa, exponent -2).
                let m = Int32(v)
                out = [0x00, UInt8(truncatingIfNeeded: m), UInt8(truncatingIfNeeded: m >> 8), UInt8(truncatingIfNeeded: m >> 16), 0xFE]
            }
            return out
        case "heartRate":
            let wobble = sin(tick / 7) * g.amplitude + sin(tick / 2.3) * g.amplitude / 4
            return [0x00, UInt8(clamped(g.center + wobble, 30, 220))]
        default:
            return stored
        }
    }
}
