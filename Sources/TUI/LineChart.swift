/// A line chart of a time series into a rectangle: a value axis on the left, a time axis along the bottom
/// (seconds before the end of the window: `-5m … now`), and the line drawn in braille dots (2×4 per cell),
/// half blocks (1×2) or ASCII `*` (1×1). Pure: the same chart always draws the same cells.
public struct LineChart: Hashable, Sendable {
    /// One sample: when (seconds, any epoch) and its value; a NaN or infinite value is a gap in the line.
    public struct Point: Hashable, Sendable {
        /// When.
        public var time: Double
        /// The value; NaN breaks the line.
        public var value: Double
        /// A point.
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// How the line is drawn.
    public enum Marker: Hashable, Sendable {
        /// Braille patterns: 2 dots across and 4 down per cell (the finest; needs a Unicode font).
        case braille
        /// Upper and lower half blocks: 1 across, 2 down per cell.
        case halfBlock
        /// `*`, one per cell (any terminal).
        case ascii
    }

    /// Samples, oldest first (out-of-order ones are drawn where their time puts them).
    public var points: [Point]
    /// The time window shown: its upper bound is the right edge ("now").
    public var window: ClosedRange<Double>
    /// The values at the bottom and top edge; nil scales to the samples in the window.
    public var valueRange: ClosedRange<Double>?
    /// Digits after the point on the value axis; nil picks enough to tell the labels apart.
    public var decimals: Int?
    /// The marker.
    public var marker: Marker
    /// The line's look.
    public var style: Style
    /// The axes' and labels' look.
    public var axisStyle: Style
    /// Draw the axes and labels (off: the line fills the whole rect).
    public var showsAxes: Bool

    /// A chart of `points` over `window`; autoscaled unless `valueRange` is given.
    public init(points: [Point], window: ClosedRange<Double>, valueRange: ClosedRange<Double>? = nil,
                decimals: Int? = nil, marker: Marker = .braille, style: Style = .plain,
                axisStyle: Style = Style(dim: true), showsAxes: Bool = true) {
        self.points = points
        self.window = window
        self.valueRange = valueRange
        self.decimals = decimals
        self.marker = marker
        self.style = style
        self.axisStyle = axisStyle
        self.showsAxes = showsAxes
    }

    /// The marker that suits a glyph set: braille with Unicode, `*` with ASCII.
    public static func marker(for glyphs: Glyphs) -> Marker { glyphs == .ascii ? .ascii : .braille }

    /// The value range drawn: `valueRange`, or the finite samples' minimum and maximum inside the window
    /// (widened when they are equal, so a flat line sits in the middle); `0...1` with no finite sample.
    public var scale: ClosedRange<Double> {
        if let r = valueRange, r.lowerBound.isFinite, r.upperBound.isFinite { return r }
        var low = Double.infinity, high = -Double.infinity
        for p in points where p.value.isFinite && window.contains(p.time) {
            low = min(low, p.value)
            high = max(high, p.value)
        }
        guard low.isFinite else { return 0 ... 1 }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            return (low - pad) ... (high + pad)
        }
        return low ... high
    }

    /// Draws into `rect` (clipped to the screen); nothing outside it changes.
    public func render(into screen: inout Screen, in rect: Rect) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        screen.fill(area)
        let range = scale
        let places = decimals ?? Self.decimals(for: range)
        let top = Self.format(range.upperBound, places), bottom = Self.format(range.lowerBound, places)
        let labelWidth = max(TextWidth.of(top), TextWidth.of(bottom))
        // Axes need a label column, the axis line, a plot at least 4 wide, and two rows below the plot.
        let axes = showsAxes && area.width >= labelWidth + 5 && area.height >= 4
        var plot = area
        if axes {
            plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: area.height - 2)
            drawAxes(&screen, area: area, plot: plot, labelWidth: labelWidth, top: top, bottom: bottom, range: range, places: places)
        }
        drawLine(&screen, in: plot, range: range)
    }

    // MARK: - Axes

    private func drawAxes(_ screen: inout Screen, area: Rect, plot: Rect, labelWidth: Int, top: String, bottom: String,
                          range: ClosedRange<Double>, places: Int) {
        let ascii = marker == .ascii
        let axisX = plot.x - 1
        for y in plot.y ..< plot.maxY { screen[axisX, y] = Cell(ascii ? "|" : "│", style: axisStyle) }
        screen.put(pad(top, labelWidth), x: area.x, y: plot.y, style: axisStyle)
        screen.put(pad(bottom, labelWidth), x: area.x, y: plot.maxY - 1, style: axisStyle)
        if plot.height >= 5 {
            let middle = Self.format((range.lowerBound + range.upperBound) / 2, places)
            if TextWidth.of(middle) <= labelWidth {
                screen.put(pad(middle, labelWidth), x: area.x, y: plot.y + (plot.height - 1) / 2, style: axisStyle)
            }
        }
        // The time axis: a line with ticks, the labels under it.
        let lineY = plot.maxY, labelY = plot.maxY + 1
        screen[axisX, lineY] = Cell(ascii ? "+" : "└", style: axisStyle)
        for x in plot.x ..< plot.maxX { screen[x, lineY] = Cell(ascii ? "-" : "─", style: axisStyle) }
        let span = window.upperBound - window.lowerBound
        guard span > 0, span.isFinite else { return }
        // Ticks at whole steps before the end, at least ~10 columns apart; "now" at the right edge.
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400]
        let columnsPerSecond = Double(plot.width) / span
        let step = steps.first { $0 * columnsPerSecond >= 10 } ?? span
        var labelled: [(x: Int, text: String)] = []
        var ago = 0.0
        while ago <= span + 1e-9 {
            let x = plot.x + min(plot.width - 1, Int(((span - ago) * columnsPerSecond).rounded(.down)))
            screen[x, lineY] = Cell(ascii ? "+" : "┴", style: axisStyle)
            labelled.append((x, Self.relativeTime(ago)))
            ago += step
        }
        // Labels end at their tick (the rightmost one ends at the edge); any that would overlap is left out.
        var leftmost = area.maxX
        for (x, text) in labelled {
            let w = TextWidth.of(text)
            let start = min(x - w / 2, plot.maxX - w)
            guard start >= area.x, start + w <= leftmost else { continue }
            screen.put(text, x: start, y: labelY, style: axisStyle, limit: area.maxX - start)
            leftmost = start - 1
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - TextWidth.of(text))) + text
    }

    /// `now`, `-30s`, `-5m`, `-1h30m`: seconds before the window's end, for the time axis.
    public static func relativeTime(_ secondsAgo: Double) -> String {
        let s = Int(secondsAgo.rounded())
        if s <= 0 { return "now" }
        if s < 60 { return "-\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "-\(s / 60)m" : "-\(s / 60)m\(s % 60)s" }
        return s % 3600 == 0 ? "-\(s / 3600)h" : "-\(s / 3600)h\(s % 3600 / 60)m"
    }

    /// Digits after the point that tell the range's ends apart: 0 for a span of 10 or more, 1 from 1, 2 below.
    public static func decimals(for range: ClosedRange<Double>) -> Int {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return 0 }
        var places = 0
        var unit = 10.0
        while span < unit, places < 6 {
            places += 1
            unit /= 10
        }
        return places
    }

    /// `value` with `places` digits after the point, rounded half away from zero; never `-0`.
    public static func format(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value > 0 ? "inf" : "-inf" }
        var scale = 1.0
        for _ in 0 ..< max(0, places) { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled.magnitude < 1e15 else { return String(value) }
        let whole = Int64(scaled)
        let negative = whole < 0
        var digits = String(whole.magnitude)
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return negative ? "-" + digits : digits
    }

    // MARK: - The line

    private var resolution: (x: Int, y: Int) {
        switch marker {
        case .braille: (2, 4)
        case .halfBlock: (1, 2)
        case .ascii: (1, 1)
        }
    }

    /// The line's dots in a `width`×`height` cell plot, as one bit mask per cell (row by row): braille
    /// dot bits, or bit 0/1 for the upper/lower half block, or bit 0 for `*`.
    func cellMasks(width: Int, height: Int, range: ClosedRange<Double>) -> [UInt8] {
        let (rx, ry) = resolution
        let w = width * rx, h = height * ry
        guard w > 0, h > 0 else { return [] }
        var masks = [UInt8](repeating: 0, count: width * height)
        let span = window.upperBound - window.lowerBound
        let vspan = range.upperBound - range.lowerBound
        let marker = self.marker
        func light(_ x: Int, _ y: Int) {
            guard x >= 0, x < w, y >= 0, y < h else { return }
            masks[(y / ry) * width + x / rx] |= Self.bit(x % rx, y % ry, marker)
        }
        var previous: (Int, Int)?
        for p in points {
            guard p.value.isFinite, p.time.isFinite, window.contains(p.time) else { previous = nil; continue }
            let fx = span > 0 ? (p.time - window.lowerBound) / span : 1
            let x = min(w - 1, max(0, Int((fx * Double(w - 1)).rounded())))
            let fy = vspan > 0 ? (p.value - range.lowerBound) / vspan : 0.5
            let y = (h - 1) - min(h - 1, max(0, Int((min(1, max(0, fy)) * Double(h - 1)).rounded())))
            if let (px, py) = previous {
                if (px, py) != (x, y) { line(px, py, x, y, light) }
            } else {
                light(x, y)
            }
            previous = (x, y)
        }
        return masks
    }

    /// Bresenham's line between two dots, both ends included.
    private func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ light: (Int, Int) -> Void) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            light(x, y)
            if x == x1 && y == y1 { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    private func drawLine(_ screen: inout Screen, in plot: Rect, range: ClosedRange<Double>) {
        guard !plot.isEmpty else { return }
        let masks = cellMasks(width: plot.width, height: plot.height, range: range)
        for (i, bits) in masks.enumerated() where bits != 0 {
            screen[plot.x + i % plot.width, plot.y + i / plot.width] = Cell(Self.glyph(bits, marker), style: style)
        }
    }

    private static func bit(_ dx: Int, _ dy: Int, _ marker: Marker) -> UInt8 {
        switch marker {
        case .braille: // dots 1-2-3-7 down the left column, 4-5-6-8 down the right (Unicode braille order)
            [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]][dx][dy]
        case .halfBlock: dy == 0 ? 1 : 2
        case .ascii: 1
        }
    }

    private static func glyph(_ bits: UInt8, _ marker: Marker) -> String {
        switch marker {
        case .braille: String(Character(Unicode.Scalar(0x2800 + UInt32(bits))!))
        case .halfBlock: bits == 1 ? "▀" : bits == 2 ? "▄" : "█"
        case .ascii: "*"
        }
    }
}
