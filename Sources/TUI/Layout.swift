/// How big one part of a row or column split is; see `Rect.rows(_:)` and `Rect.columns(_:)`.
public enum LayoutSize: Hashable, Sendable {
    /// Exactly this many cells (fewer when the whole is too small).
    case fixed(Int)
    /// This percentage of the whole, rounded down.
    case percent(Int)
    /// A share of what the fixed and percent parts leave, in proportion to this weight.
    case fill(Int)

    /// Splits `total` cells among `sizes`. Fixed and percent parts are served first, in order, each
    /// clamped to what is left; fill parts share the rest by weight (largest remainder, so nothing is
    /// lost to rounding). The parts always sum to `total`: with no weighted fill, the last part takes the slack.
    public static func distribute(_ total: Int, among sizes: [LayoutSize]) -> [Int] {
        distribute(total, among: sizes, absorbingSlack: true)
    }

    /// `distribute`, optionally leaving unclaimed cells unassigned (table columns do not stretch).
    static func distribute(_ total: Int, among sizes: [LayoutSize], absorbingSlack: Bool) -> [Int] {
        guard !sizes.isEmpty else { return [] }
        let total = max(0, total)
        var result = Array(repeating: 0, count: sizes.count)
        var left = total
        for (i, size) in sizes.enumerated() {
            let want: Int
            switch size {
            case let .fixed(n): want = max(0, n)
            case let .percent(p):
                let p = min(100, max(0, p))
                want = total / 100 * p + total % 100 * p / 100
            case .fill: continue
            }
            result[i] = min(want, left)
            left -= result[i]
        }
        let weights = sizes.map { size -> Int in
            if case let .fill(w) = size { return min(max(0, w), 1 << 20) }
            return 0
        }
        let weightSum = weights.reduce(0, +)
        if weightSum > 0 {
            var remainders: [(index: Int, remainder: Int)] = []
            var given = 0
            for (i, w) in weights.enumerated() where w > 0 {
                let (q, r) = weightSum.dividingFullWidth(left.multipliedFullWidth(by: w))
                result[i] = q
                given += q
                remainders.append((i, r))
            }
            // Largest remainders first; ties go to the earlier part.
            remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
            for k in 0 ..< (left - given) { result[remainders[k % remainders.count].index] += 1 }
        } else if absorbingSlack {
            result[result.count - 1] += left
        }
        return result
    }
}

extension Rect {
    /// Side-by-side parts whose widths follow `weights` (like `.fill(weight)`); they tile the rect exactly.
    public func columns(_ weights: [Int]) -> [Rect] {
        columns(weights.map { .fill($0) })
    }

    /// Side-by-side parts sized by `sizes` (see `LayoutSize.distribute`); they tile the rect exactly.
    public func columns(_ sizes: [LayoutSize]) -> [Rect] {
        var left = x
        return LayoutSize.distribute(width, among: sizes).map { w in
            defer { left += w }
            return Rect(x: left, y: y, width: w, height: height)
        }
    }

    /// Stacked parts whose heights follow `weights` (like `.fill(weight)`); they tile the rect exactly.
    public func rows(_ weights: [Int]) -> [Rect] {
        rows(weights.map { .fill($0) })
    }

    /// Stacked parts sized by `sizes` (see `LayoutSize.distribute`); they tile the rect exactly.
    public func rows(_ sizes: [LayoutSize]) -> [Rect] {
        var top = y
        return LayoutSize.distribute(height, among: sizes).map { h in
            defer { top += h }
            return Rect(x: x, y: top, width: width, height: h)
        }
    }

    /// A `width`×`height` rect centred in this one (odd spare cells go right and down), shrunk to fit.
    public func centered(width w: Int, height h: Int) -> Rect {
        let w = min(max(0, w), width)
        let h = min(max(0, h), height)
        return Rect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
    }

    /// The cells both rects share (an empty rect if none); never overflows, whatever the coordinates.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(safeMaxX, other.safeMaxX)
        let bottom = min(safeMaxY, other.safeMaxY)
        guard right > left, bottom > top else { return Rect(x: left, y: top, width: 0, height: 0) }
        let w = right.subtractingReportingOverflow(left)
        let h = bottom.subtractingReportingOverflow(top)
        return Rect(x: left, y: top, width: w.overflow ? .max : w.partialValue,
                    height: h.overflow ? .max : h.partialValue)
    }
}
