/// The key reference: sections of `keys  description` entries flowed into as many columns as fit, paged when
/// they do not all fit. It draws content only; frame it with a `Box` for an overlay.
public struct HelpOverlay: Hashable, Sendable {
    /// One key binding's line.
    public struct Entry: Hashable, Sendable {
        /// The keys, as shown (`"↑/k"`, `"ctrl-c"`).
        public var keys: String
        /// What they do.
        public var description: String

        /// An entry.
        public init(keys: String, description: String) {
            self.keys = keys
            self.description = description
        }
    }

    /// A titled group of entries (one per pane, plus a global one).
    public struct Section: Hashable, Sendable {
        /// The heading.
        public var title: String
        /// Its bindings, in order.
        public var entries: [Entry]

        /// A section.
        public init(title: String, entries: [Entry]) {
            self.title = title
            self.entries = entries
        }
    }

    /// The sections, in order.
    public var sections: [Section]
    /// The page shown (clamped to the pages there are).
    public var page: Int
    /// The look of headings.
    public var titleStyle: Style
    /// The look of the keys column.
    public var keyStyle: Style
    /// The look of descriptions.
    public var style: Style
    /// The look of the `page 1/2` line.
    public var pageStyle: Style
    /// Supplies the ellipsis.
    public var glyphs: Glyphs

    /// A help overlay from sections.
    public init(sections: [Section], page: Int = 0, titleStyle: Style = Style(bold: true, underline: true),
                keyStyle: Style = Style(bold: true), style: Style = .plain, pageStyle: Style = Style(dim: true),
                glyphs: Glyphs = .unicode) {
        self.sections = sections
        self.page = page
        self.titleStyle = titleStyle
        self.keyStyle = keyStyle
        self.style = style
        self.pageStyle = pageStyle
        self.glyphs = glyphs
    }

    /// A help overlay from plain tuples, as a keymap lists them.
    public init(_ sections: [(section: String, entries: [(keys: String, description: String)])], page: Int = 0) {
        self.init(sections: sections.map { section in
            Section(title: section.section, entries: section.entries.map { Entry(keys: $0.keys, description: $0.description) })
        }, page: page)
    }

    /// Columns between two columns of help.
    private static let gap = 3

    private enum Line: Hashable { case title(String), entry(Entry), blank }

    /// How the content falls into columns for a `width`×`height` area.
    private struct Flow {
        var columns: [[Line]]
        var columnWidth: Int
        var keysWidth: Int
        var perPage: Int
        var height: Int
        var pageCount: Int { max(1, (columns.count + perPage - 1) / perPage) }
    }

    private func flow(width: Int, height: Int) -> Flow {
        let entries = sections.flatMap(\.entries)
        let longestKeys = entries.map { TextWidth.of($0.keys) }.max() ?? 0
        let longestDescription = entries.map { TextWidth.of($0.description) }.max() ?? 0
        let longestEntry = entries.isEmpty ? 0 : longestKeys + 2 + longestDescription
        let longestTitle = sections.map { TextWidth.of($0.title) }.max() ?? 0
        let columnWidth = max(1, min(width, max(longestEntry, longestTitle)))
        let keysWidth = min(longestKeys, max(1, columnWidth / 2))
        let perPage = max(1, (width + Self.gap) / (columnWidth + Self.gap))
        var flow = Flow(columns: Self.columns(sections, height: height), columnWidth: columnWidth, keysWidth: keysWidth,
                        perPage: perPage, height: height)
        if flow.pageCount > 1, height > 1 {
            flow.height = height - 1 // the page line
            flow.columns = Self.columns(sections, height: flow.height)
        }
        return flow
    }

    /// Flows the sections into columns `height` rows tall: a blank line between sections, and a heading
    /// never left alone at the foot of a column.
    private static func columns(_ sections: [Section], height: Int) -> [[Line]] {
        guard height > 0 else { return [] }
        var columns: [[Line]] = [[]]
        func place(_ line: Line) {
            if columns[columns.count - 1].count >= height { columns.append([]) }
            columns[columns.count - 1].append(line)
        }
        for section in sections {
            let used = columns[columns.count - 1].count
            if used > 0 {
                let needed = 1 + min(1, section.entries.count)
                if used + 1 + needed > height { columns.append([]) } else { place(.blank) }
            }
            place(.title(section.title))
            for entry in section.entries { place(.entry(entry)) }
        }
        return columns
    }

    /// How many pages the help takes in `rect`.
    public func pageCount(in rect: Rect) -> Int {
        flow(width: rect.width, height: rect.height).pageCount
    }

    /// Clears `rect` and draws the current page; when there are several, `page 1/3` sits at the bottom right.
    /// Returns the page count.
    @discardableResult
    public func render(into screen: inout Screen, in rect: Rect) -> Int {
        let area = rect.intersection(screen.bounds)
        screen.fill(area, style: style)
        guard !area.isEmpty else { return 1 }
        let flow = flow(width: area.width, height: area.height)
        let page = min(max(0, self.page), flow.pageCount - 1)
        let first = page * flow.perPage
        for (c, column) in flow.columns.dropFirst(first).prefix(flow.perPage).enumerated() {
            let x = area.x + c * (flow.columnWidth + Self.gap)
            for (r, line) in column.enumerated() {
                let y = area.y + r
                switch line {
                case .blank: break
                case let .title(title):
                    screen.draw(title, x: x, y: y, width: flow.columnWidth, clip: area, style: style.overlaid(with: titleStyle),
                                ellipsis: glyphs.ellipsis)
                case let .entry(entry):
                    screen.draw(entry.keys, x: x, y: y, width: flow.keysWidth, clip: area,
                                style: style.overlaid(with: keyStyle), ellipsis: glyphs.ellipsis)
                    let descriptionX = x + flow.keysWidth + 2
                    screen.draw(entry.description, x: descriptionX, y: y, width: x + flow.columnWidth - descriptionX,
                                clip: area, style: style, ellipsis: glyphs.ellipsis)
                }
            }
        }
        if flow.pageCount > 1 {
            let label = "page \(page + 1)/\(flow.pageCount)"
            screen.draw(label, x: area.x, y: area.maxY - 1, width: area.width, clip: area, style: style.overlaid(with: pageStyle),
                        alignment: .right, ellipsis: glyphs.ellipsis)
        }
        return flow.pageCount
    }
}
