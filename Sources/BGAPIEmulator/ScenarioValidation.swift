/// Bounds on every number a scenario file gives, checked before the world is built, so a hostile or
/// mistyped file gets a one-line error naming the key instead of an arithmetic trap later (issue 13).
/// The ranges are documented in docs/scenarios.md ("Limits").
public enum ScenarioLimits {
    /// Seconds on the world clock: `appearsAt`, `leavesAt`, `faults[].at` (about 31 years).
    public static let worldSeconds: ClosedRange<Double> = 0 ... 1e9
    /// `faults[].seconds`: unplug, delay and late-completion durations.
    public static let faultSeconds: ClosedRange<Double> = 0 ... 3600
    /// `faults[].count`: bytes of a `garble`.
    public static let garbleBytes: ClosedRange<Int> = 1 ... 4096
    /// `notifyIntervalMs` (0.1 ms = 10,000/s, up to an hour).
    public static let notifyIntervalMs: ClosedRange<Double> = 0.1 ... 3_600_000
    /// `generator.periodMs` (up to a day).
    public static let generatorPeriodMs: ClosedRange<Double> = 0.1 ... 86_400_000
    /// `generator.step` (counter step, battery drain per period).
    public static let generatorStep: ClosedRange<Double> = -1e9 ... 1e9
    /// `generator.center` and `generator.amplitude`.
    public static let generatorLevel: ClosedRange<Double> = -1e6 ... 1e6
    /// `generator.width` in bytes.
    public static let generatorWidth: ClosedRange<Int> = 1 ... 4
    /// Generator kinds.
    public static let generatorKinds = ["counter", "sine", "battery", "heartRate"]
    /// `rssi.mean` in dBm (the BLED112 reports −103…−38; the mean may sit outside and be clamped).
    public static let rssiMean: ClosedRange<Double> = -127 ... 20
    /// `rssi.walk` in dB per advertisement.
    public static let rssiWalk: ClosedRange<Double> = 0 ... 100
    /// `rssi.driftPerSecond` in dB/s.
    public static let rssiDrift: ClosedRange<Double> = -1000 ... 1000
    /// `maxLength` of a characteristic value (ATT attributes hold at most 512 bytes).
    public static let valueLength: ClosedRange<Int> = 0 ... 512
    /// `passkey` (six decimal digits).
    public static let passkey: ClosedRange<UInt32> = 0 ... 999_999
}

extension Scenario {
    /// Checks every bounded number; throws ``ScenarioError`` `key: value is out of range lo...hi`.
    func validateLimits() throws {
        func check<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ key: String, _ unit: String = "") throws {
            guard range.contains(value) else {
                throw ScenarioError("\(key): \(value) is out of range \(range.lowerBound)...\(range.upperBound)\(unit)")
            }
        }
        for (i, p) in peripherals.enumerated() {
            let at = "peripherals[\(i)] (\(p.id))"
            try check(p.appearsAt, ScenarioLimits.worldSeconds, "\(at).appearsAt", " s")
            if let leave = p.leavesAt { try check(leave, ScenarioLimits.worldSeconds, "\(at).leavesAt", " s") }
            try check(p.rssi.mean, ScenarioLimits.rssiMean, "\(at).rssi.mean", " dBm")
            try check(p.rssi.walk, ScenarioLimits.rssiWalk, "\(at).rssi.walk", " dB")
            try check(p.rssi.driftPerSecond, ScenarioLimits.rssiDrift, "\(at).rssi.driftPerSecond", " dB/s")
            if let passkey = p.passkey { try check(passkey, ScenarioLimits.passkey, "\(at).passkey") }
            for (si, s) in p.services.enumerated() {
                for (ci, c) in s.characteristics.enumerated() {
                    let key = "\(at).services[\(si)].characteristics[\(ci)]"
                    if let ms = c.notifyIntervalMs { try check(ms, ScenarioLimits.notifyIntervalMs, "\(key).notifyIntervalMs", " ms") }
                    try check(c.maxLength, ScenarioLimits.valueLength, "\(key).maxLength", " bytes")
                    if let g = c.generator {
                        guard ScenarioLimits.generatorKinds.contains(g.kind) else {
                            throw ScenarioError("\(key).generator.kind: '\(g.kind)' is not one of \(ScenarioLimits.generatorKinds.joined(separator: ", "))")
                        }
                        try check(g.periodMs, ScenarioLimits.generatorPeriodMs, "\(key).generator.periodMs", " ms")
                        try check(g.step, ScenarioLimits.generatorStep, "\(key).generator.step")
                        try check(g.center, ScenarioLimits.generatorLevel, "\(key).generator.center")
                        try check(g.amplitude, ScenarioLimits.generatorLevel, "\(key).generator.amplitude")
                        try check(g.width, ScenarioLimits.generatorWidth, "\(key).generator.width", " bytes")
                    }
                }
            }
        }
        for (i, f) in faults.enumerated() {
            let key = "faults[\(i)]"
            try check(f.at, ScenarioLimits.worldSeconds, "\(key).at", " s")
            if let s = f.seconds { try check(s, ScenarioLimits.faultSeconds, "\(key).seconds", " s") }
            if let n = f.count { try check(n, ScenarioLimits.garbleBytes, "\(key).count", " bytes") }
        }
    }
}

extension Scenario.Fault {
    /// The same bounds for a fault injected directly (tests, ``EmulatorRunner/inject(_:)``): nil when fine.
    var limitViolation: String? {
        if let s = seconds, !ScenarioLimits.faultSeconds.contains(s) { return "seconds \(s) is out of range 0...3600" }
        if let n = count, !ScenarioLimits.garbleBytes.contains(n) { return "count \(n) is out of range 1...4096" }
        return nil
    }
}
