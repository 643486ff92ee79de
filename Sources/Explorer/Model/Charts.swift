import BGAPICore
import BluetoothNumbers
import TUI

/// A characteristic value on one device: what a value series belongs to.
public struct SeriesKey: Hashable, Sendable {
    /// The device.
    public var address: BluetoothAddress
    /// The characteristic's value handle.
    public var handle: AttributeHandle

    /// A key.
    public init(_ address: BluetoothAddress, _ handle: AttributeHandle) {
        self.address = address
        self.handle = handle
    }
}

/// Recent values of one characteristic, bounded by age and by count (whichever bites first), oldest first.
///
/// Caps: `span` seconds (5 minutes) and `capacity` samples (4,096: 5 minutes at 13 notifications a second;
/// faster streams keep the newest 4,096).
public struct ValueSeries: Hashable, Sendable {
    /// Seconds kept.
    public static let span: Double = 300
    /// Samples kept at most.
    public static let capacity = 4096
    /// Bytes kept per sample (enough for every SIG measurement; longer values are cut, their number kept).
    public static let bytesKept = 32

    /// One value as it came.
    public struct Sample: Hashable, Sendable {
        /// When it came.
        public var time: Timestamp
        /// Its number (NaN when it has none: not numeric, malformed, "unknown").
        public var value: Double
        /// Its first `bytesKept` bytes, so a new format can be applied to the history.
        public var bytes: [UInt8]
        /// A notification or indication (false: a read).
        public var notified: Bool

        /// A sample.
        public init(time: Timestamp, value: Double, bytes: [UInt8], notified: Bool) {
            self.time = time
            self.value = value
            self.bytes = bytes
            self.notified = notified
        }
    }

    /// The samples, oldest first.
    public private(set) var samples: [Sample] = []
    /// The unit of the newest number.
    public var unit = ""

    /// An empty series.
    public init() {}

    /// Adds a sample and drops what is older than `span` or beyond `capacity`.
    public mutating func append(_ sample: Sample) {
        samples.append(sample)
        let cutoff = sample.time - Self.span
        var drop = 0
        while drop < samples.count, samples[drop].time < cutoff { drop += 1 }
        drop = max(drop, samples.count - Self.capacity)
        if drop > 0 { samples.removeFirst(drop) }
    }

    /// Recomputes every number with `reading` (after the user picked another format).
    public mutating func revalue(_ reading: ([UInt8]) -> Reading?) {
        for i in samples.indices {
            let r = reading(samples[i].bytes)
            samples[i].value = r?.value ?? .nan
            if let r { unit = r.unit }
        }
    }

    /// The chart's points in `window` (NaN samples are gaps).
    public func points(in window: ClosedRange<Timestamp>) -> [LineChart.Point] {
        samples.lazy.filter { window.contains($0.time) }.map { LineChart.Point(time: $0.time, value: $0.value) }
    }
}

/// RSSI of one device in one-second buckets (the mean of the second), the last 5 minutes: the RSSI chart.
public struct RSSISeries: Hashable, Sendable {
    /// Seconds kept (one bucket each).
    public static let span = 300
    /// (second, sum, count), oldest first.
    public private(set) var buckets: [(second: Int64, sum: Double, count: Int)] = []

    /// An empty series.
    public init() {}

    /// Adds a sample taken at `time`.
    public mutating func add(_ rssi: Int8, at time: Timestamp) {
        let second = Int64(time.rounded(.down))
        if let last = buckets.last, last.second == second {
            buckets[buckets.count - 1].sum += Double(rssi)
            buckets[buckets.count - 1].count += 1
        } else if buckets.last.map({ second > $0.second }) ?? true {
            buckets.append((second, Double(rssi), 1))
        }
        let cutoff = second - Int64(Self.span)
        if let first = buckets.firstIndex(where: { $0.second > cutoff }), first > 0 { buckets.removeFirst(first) }
    }

    /// The chart's points in `window`: one per second heard, at the middle of its second; more than 3 s
    /// without a sample (link RSSI is polled every 2 s) is a gap in the line.
    public func points(in window: ClosedRange<Timestamp>) -> [LineChart.Point] {
        var out: [LineChart.Point] = []
        var previous: Int64?
        for b in buckets where window.contains(Double(b.second) + 0.5) {
            if let p = previous, b.second - p > 3 { out.append(LineChart.Point(time: Double(p) + 1.5, value: .nan)) }
            out.append(LineChart.Point(time: Double(b.second) + 0.5, value: b.sum / Double(b.count)))
            previous = b.second
        }
        return out
    }

    /// The newest second's mean.
    public var last: Double? { buckets.last.map { $0.sum / Double($0.count) } }

    /// Same buckets.
    public static func == (a: RSSISeries, b: RSSISeries) -> Bool {
        a.buckets.count == b.buckets.count && zip(a.buckets, b.buckets).allSatisfy { $0 == $1 }
    }

    /// Hashes the buckets.
    public func hash(into hasher: inout Hasher) {
        for b in buckets { hasher.combine(b.second); hasher.combine(b.sum); hasher.combine(b.count) }
    }
}

/// How regularly notifications arrive: rate, jitter and gaps, over the notifications in a window.
public struct NotificationStats: Hashable, Sendable {
    /// Notifications counted.
    public var count: Int
    /// Notifications per second (intervals over their total time).
    public var rate: Double
    /// The median interval, seconds.
    public var medianInterval: Double
    /// The standard deviation of the intervals, seconds.
    public var jitter: Double
    /// Intervals longer than twice the median (a notification or more missed, or the peer stalled).
    public var gaps: Int
    /// The longest interval, seconds.
    public var longestInterval: Double

    /// Statistics of arrival `times` (ascending); nil with fewer than two.
    public init?(times: [Timestamp]) {
        guard times.count >= 2 else { return nil }
        let intervals = zip(times.dropFirst(), times).map { $0 - $1 }
        let total = times.last! - times.first!
        count = times.count
        rate = total > 0 ? Double(intervals.count) / total : 0
        let sorted = intervals.sorted()
        medianInterval = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let mean = total / Double(intervals.count)
        jitter = (intervals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(intervals.count)).squareRoot()
        let median = medianInterval
        gaps = intervals.filter { $0 > 2 * median && median > 0 }.count
        longestInterval = sorted.last!
    }
}

/// What the chart view shows: the RSSI of a device, and one of its characteristics' values when chosen.
public struct ChartTarget: Hashable, Sendable {
    /// The device.
    public var address: BluetoothAddress
    /// The characteristic's value handle (nil: the RSSI chart alone).
    public var handle: AttributeHandle?

    /// A target.
    public init(address: BluetoothAddress, handle: AttributeHandle?) {
        self.address = address
        self.handle = handle
    }
}

/// The time series behind the charts, and the chart view's window, pause and formats.
///
/// Every series is bounded: a value series by `ValueSeries.span`/`capacity`, at most `maximumValueSeries`
/// of them (the least recently updated goes); an RSSI series by `RSSISeries.span`, for at most
/// `maximumRSSISeries` devices (the least recently heard goes).
public struct ChartsState: Hashable, Sendable {
    /// Value series kept at most.
    public static let maximumValueSeries = 64
    /// RSSI series kept at most.
    public static let maximumRSSISeries = 256
    /// Windows `z` steps through, seconds.
    public static let windows: [Double] = [300, 60, 30]

    /// Values by characteristic.
    public var values: [SeriesKey: ValueSeries] = [:]
    /// RSSI by device.
    public var rssi: [BluetoothAddress: RSSISeries] = [:]
    /// The window's end while the chart view is paused (the series keep filling); the open chart itself is
    /// `ExplorerState.mode` (`.chart`).
    public var pausedAt: Timestamp?
    /// The window shown, seconds.
    public var window: Double = 300
    /// Formats the user picked for a characteristic's number (instead of its SIG or 0x2904 format).
    public var formats: [SeriesKey: ValueFormat] = [:]

    /// No series.
    public init() {}

    /// The time window shown at `now`.
    public func timeWindow(now: Timestamp) -> ClosedRange<Timestamp> {
        let end = pausedAt ?? now
        return (end - window) ... end
    }

    mutating func record(_ sample: ValueSeries.Sample, unit: String?, for key: SeriesKey) {
        if values[key] == nil, values.count >= Self.maximumValueSeries,
           let oldest = values.min(by: { ($0.value.samples.last?.time ?? 0) < ($1.value.samples.last?.time ?? 0) })?.key {
            values[oldest] = nil
        }
        values[key, default: ValueSeries()].append(sample)
        if let unit { values[key]!.unit = unit }
    }

    mutating func record(rssi: Int8, of address: BluetoothAddress, at time: Timestamp) {
        if rssi == 127 { return } // BGAPI's "not available"
        if self.rssi[address] == nil, self.rssi.count >= Self.maximumRSSISeries,
           let oldest = self.rssi.min(by: { ($0.value.buckets.last?.second ?? 0) < ($1.value.buckets.last?.second ?? 0) })?.key {
            self.rssi[oldest] = nil
        }
        self.rssi[address, default: RSSISeries()].add(rssi, at: time)
    }
}

/// The number a chart plots for `bytes` of `characteristic`: the user's format when picked, else the
/// 0x2904 Presentation Format when the device gives one, else the SIG format's reading.
public func chartReading(_ bytes: [UInt8], of characteristic: GATTCharacteristic?, in c: ConnectionEntry?,
                         format: ValueFormat?) -> Reading? {
    if let format {
        guard let text = format.render(bytes), let v = Double(text), v.isFinite else { return nil }
        return Reading(v, "")
    }
    if let ch = characteristic, let c, let p = presentationFormat(of: ch, in: c) { return p.reading(bytes) }
    guard let short = characteristic?.uuid.shortValue else { return nil }
    return CharacteristicFormat.reading(characteristic: short, value: bytes)
}

/// The Presentation Format descriptor (0x2904) of `characteristic`, when it has one and its value was read.
public func presentationFormat(of characteristic: GATTCharacteristic, in c: ConnectionEntry) -> PresentationFormat? {
    characteristic.descriptors.first { $0.uuid.matches(BluetoothUUID(0x2904)) }
        .flatMap { c.values[$0.handle] }.flatMap { PresentationFormat($0) }
}

/// A value in words for the attribute at `handle`: in its Presentation Format (with the unit) when the
/// characteristic has one, else its SIG format; nil when neither applies.
public func describeValue(_ bytes: [UInt8], at handle: AttributeHandle, in c: ConnectionEntry) -> String? {
    if let ch = c.characteristic(at: handle) {
        if let p = presentationFormat(of: ch, in: c), let text = p.text(bytes) { return text }
        return decodeValue(ch.uuid, bytes)
    }
    if let (d, _) = c.descriptor(at: handle) { return decodeValue(d.uuid, bytes) }
    return nil
}
