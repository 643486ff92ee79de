/// Whole-unit views of a `Duration`, saturating instead of trapping: the one place the project turns
/// durations into the integers that timers, wire fields and logs need.
extension Duration {
    /// Whole nanoseconds, saturating at the bounds of `Int64`.
    public var wholeNanoseconds: Int64 { whole(1_000_000_000) }
    /// Whole microseconds, saturating at the bounds of `Int64`.
    public var wholeMicroseconds: Int64 { whole(1_000_000) }
    /// Whole milliseconds, saturating at the bounds of `Int64`.
    public var wholeMilliseconds: Int64 { whole(1_000) }
    /// Seconds as a `Double` (for display and rates).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    private func whole(_ perSecond: Int64) -> Int64 {
        let (s, a) = components
        let (product, overflow) = s.multipliedReportingOverflow(by: perSecond)
        guard !overflow else { return s < 0 ? .min : .max }
        let (sum, overflow2) = product.addingReportingOverflow(a / (1_000_000_000_000_000_000 / perSecond))
        return overflow2 ? (s < 0 ? .min : .max) : sum
    }

    /// A duration from seconds given as a `Double`, or `nil` when it is not finite or does not fit (over ~292 years).
    public init?(exactlySeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) < 9.2e9 else { return nil }
        self = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
