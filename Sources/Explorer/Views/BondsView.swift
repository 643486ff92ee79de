import BGAPICore
import TUI

extension ExplorerView {
    /// The bond list: each slot with the devices heard advertising with it; `d` deletes, `D D` deletes all.
    static func drawBonds(_ list: BondList, _ state: ExplorerState, _ glyphs: Glyphs, _ screen: inout Screen) {
        let area = screen.bounds.splitBottom(screen.height > 1 ? 1 : 0).rest
        guard !area.isEmpty else { return }
        let frame = area.width >= 30 && area.height >= 8 ? area.centered(width: min(area.width - 2, 72), height: min(area.height, 16)) : area
        screen.fill(frame)
        let inner = Box(title: "Bonds — d delete · D D all · r refresh · Esc", isFocused: true, glyphs: glyphs)
            .render(into: &screen, in: frame)
        guard !inner.isEmpty else { return }
        var lines: [Span] = []
        switch list.bonds {
        case nil: lines.append(Span("asking the dongle…", style: dim))
        case let bonds? where bonds.isEmpty: lines.append(Span("no bonds stored in the dongle", style: dim))
        case let bonds?:
            for (i, bond) in bonds.enumerated() {
                let heard = devices(bondedWith: bond, in: state)
                let who = heard.isEmpty ? "(no device heard with this bond)"
                    : heard.map { "\(displayName($0)) \($0.address)" }.joined(separator: ", ")
                let selected = i == list.selection
                lines.append(Span(TextWidth.fitted("slot \(bond.rawValue)  \(who)", to: inner.width),
                                  style: selected ? Style(reverse: true) : nil))
            }
        }
        if list.confirmingDeleteAll { lines.append(Span("D again deletes every bond; any other key keeps them", style: bad)) }
        for (i, line) in lines.prefix(inner.height).enumerated() {
            screen.put(line.text, x: inner.x, y: inner.y + i, style: line.style ?? .plain, limit: inner.width)
        }
    }
}
