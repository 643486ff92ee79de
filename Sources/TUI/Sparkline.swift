/// A one-row chart of recent samples (an RSSI history): newest at the right edge, missing samples blank.
public struct Sparkline: Hashable, Sendable {
    /// Samples, oldest first; `nil` is a gap (no advertisement heard) and draws as a space.
    public var values: [Double?]
    /// The values drawn as the lowest and highest level (e.g. `-100 ... -30` dBm); others are clamped.
    public var range: ClosedRange<Double>
    /// The look of the bars.
    public var style: Style
    /// Supplies the level ramp (`sparkRamp`).
    public var glyphs: Glyphs

    /// A sparkline.
    public init(values: [Double?], range: ClosedRange<Double>, style: Style = .plain, glyphs: Glyphs = .unicode) {
        self.values = values
        self.range = range
        self.style = style
        self.glyphs = glyphs
    }

    /// Draws the last `rect.width` samples on the rect's top row, right-aligned, blank-padded on the left.
    public func render(into screen: inout Screen, in rect: Rect) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let text = Self.string(values: values, width: area.width, range: range, ramp: glyphs.sparkRamp)
        screen.put(text, x: area.x, y: area.y, style: style, limit: area.width)
    }

    /// The sparkline as text of exactly `width` characters: the last `width` samples, newest last, scaled
    /// so `range.lowerBound` is `▁` and `range.upperBound` is `█` (or the ASCII ramp's ends); `nil` and NaN are spaces.
    public static func string(values: [Double?], width: Int, range: ClosedRange<Double>, ascii: Bool = false) -> String {
        string(values: values, width: width, range: range, ramp: (ascii ? Glyphs.ascii : .unicode).sparkRamp)
    }

    /// `string(values:width:range:ascii:)` with any ramp.
    static func string(values: [Double?], width: Int, range: ClosedRange<Double>, ramp: [Character]) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        var out = String(repeating: " ", count: width - shown.count)
        for value in shown {
            if let value, !value.isNaN, !ramp.isEmpty {
                out.append(ramp[level(of: value, in: range, levels: ramp.count)])
            } else {
                out.append(" ")
            }
        }
        return out
    }

    /// The ramp index (0 ..< `levels`) for `value`: linear in `range`, rounded to the nearest level, clamped.
    static func level(of value: Double, in range: ClosedRange<Double>, levels: Int) -> Int {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return value >= range.upperBound ? levels - 1 : 0 }
        let fraction = min(1, max(0, (value - range.lowerBound) / span))
        return Int((fraction * Double(levels - 1)).rounded())
    }
}
