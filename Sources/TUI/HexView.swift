/// A hex dump of a value (`0000  48 65 6C 6C  |Hell|`) whose row length adapts to the width, with an optional
/// highlighted byte: the value editor's grid.
public struct HexView: Hashable, Sendable {
    /// The bytes shown.
    public var bytes: [UInt8]
    /// The highlighted byte; `bytes.count` highlights an empty slot after the last byte (where typing appends).
    public var cursor: Int?
    /// The first row shown last time; `render` moves it as little as it can to keep the cursor in view.
    public var offset: Int
    /// Bytes per row, or `nil` to pick 16, 8, 4, 2 or 1 from the width (`bytesPerRow(forWidth:count:)`).
    public var bytesPerRow: Int?
    /// The look of the bytes.
    public var style: Style
    /// The look of the offset column.
    public var offsetStyle: Style
    /// Laid over the highlighted byte in both columns.
    public var cursorStyle: Style

    /// A hex view.
    public init(bytes: [UInt8], cursor: Int? = nil, offset: Int = 0, bytesPerRow: Int? = nil, style: Style = .plain,
                offsetStyle: Style = Style(dim: true), cursorStyle: Style = Style(reverse: true)) {
        self.bytes = bytes
        self.cursor = cursor
        self.offset = offset
        self.bytesPerRow = bytesPerRow
        self.style = style
        self.offsetStyle = offsetStyle
        self.cursorStyle = cursorStyle
    }

    /// Draws the rows that fit, clipped to `rect`, and returns the row offset used.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Int {
        let area = rect.intersection(screen.bounds)
        screen.fill(area, style: style)
        let count = bytes.count + (cursor == bytes.count ? 1 : 0)
        let perRow = max(1, bytesPerRow ?? Self.bytesPerRow(forWidth: area.width, count: count))
        let rowCount = (count + perRow - 1) / perRow
        let cursorRow = cursor.flatMap { (0 ..< count).contains($0) ? $0 / perRow : nil }
        let top = Table.scrollOffset(selected: cursorRow, current: offset, visibleRows: area.height, count: rowCount)
        guard !area.isEmpty else { return top }
        let digits = Self.offsetDigits(count: count)
        let hexStart = digits + 2
        let asciiStart = hexStart + 3 * perRow + 1
        for i in 0 ..< max(0, min(area.height, rowCount - top)) {
            let row = top + i
            let y = area.y + i
            let first = row * perRow
            let end = min(bytes.count, first + perRow)
            func put(_ text: String, _ column: Int, _ look: Style) {
                guard column < area.width else { return }
                screen.put(text, x: area.x + column, y: y, style: look, limit: area.width - column)
            }
            put(Self.hex(first, digits: digits), 0, style.overlaid(with: offsetStyle))
            if end > first { put("|", asciiStart, style) }
            for index in first ..< end {
                let look = index == cursor ? style.overlaid(with: cursorStyle) : style
                put(Self.hex(Int(bytes[index]), digits: 2), hexStart + 3 * (index - first), look)
                put(Self.printable(bytes[index]), asciiStart + 1 + index - first, look)
            }
            if end > first { put("|", asciiStart + 1 + end - first, style) }
            if cursor == bytes.count, bytes.count >= first, bytes.count < first + perRow {
                put("  ", hexStart + 3 * (bytes.count - first), style.overlaid(with: cursorStyle))
            }
        }
        return top
    }

    /// The most bytes per row (16, 8, 4, 2, else 1) whose full line fits in `width` columns for a value of
    /// `count` bytes: a line is `offset digits + 5 + 4 × bytes` wide.
    public static func bytesPerRow(forWidth width: Int, count: Int) -> Int {
        let digits = offsetDigits(count: count)
        return [16, 8, 4, 2].first { digits + 5 + 4 * $0 <= width } ?? 1
    }

    /// The dump as text lines, `OFFSET  XX XX … |ascii|` (the `hexdump -C` layout), for logs and tests.
    public static func lines(for bytes: [UInt8], bytesPerRow: Int) -> [String] {
        let perRow = max(1, bytesPerRow)
        let digits = offsetDigits(count: bytes.count)
        return stride(from: 0, to: bytes.count, by: perRow).map { first in
            let chunk = bytes[first ..< min(bytes.count, first + perRow)]
            let hexes = chunk.map { hex(Int($0), digits: 2) }.joined(separator: " ")
            let pad = String(repeating: " ", count: 3 * (perRow - chunk.count))
            return hex(first, digits: digits) + "  " + hexes + pad + "  |" + chunk.map(printable).joined() + "|"
        }
    }

    /// Hex digits in the offset column: 4, or more for values past 64 KiB.
    static func offsetDigits(count: Int) -> Int {
        var digits = 4
        while digits < 16, count - 1 >= 1 << (4 * digits) { digits += 1 }
        return digits
    }

    /// `value` as upper-case hex, zero-padded to `digits`.
    static func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The byte as its ASCII character when printable, else `.`.
    static func printable(_ byte: UInt8) -> String {
        (0x20 ... 0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "."
    }
}
