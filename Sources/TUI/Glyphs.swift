/// The characters widgets draw with: Unicode box drawing by default, plain ASCII for terminals (or fonts, or
/// `LANG=C`) that cannot show it. Pass one set to every widget so a screen never mixes the two.
public struct Glyphs: Hashable, Sendable {
    /// The border's horizontal line.
    public var horizontal: Character
    /// The border's vertical line.
    public var vertical: Character
    /// The border's top left corner.
    public var topLeft: Character
    /// The border's top right corner.
    public var topRight: Character
    /// The border's bottom left corner.
    public var bottomLeft: Character
    /// The border's bottom right corner.
    public var bottomRight: Character
    /// Ends text cut short to fit.
    public var ellipsis: Character
    /// Marks an open tree node.
    public var expanded: Character
    /// Marks a closed tree node.
    public var collapsed: Character
    /// Sparkline levels, lowest first; each one column wide.
    public var sparkRamp: [Character]

    /// A glyph set; start from `.unicode` or `.ascii` and change what you need.
    public init(horizontal: Character, vertical: Character, topLeft: Character, topRight: Character,
                bottomLeft: Character, bottomRight: Character, ellipsis: Character, expanded: Character,
                collapsed: Character, sparkRamp: [Character]) {
        self.horizontal = horizontal
        self.vertical = vertical
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.ellipsis = ellipsis
        self.expanded = expanded
        self.collapsed = collapsed
        self.sparkRamp = sparkRamp
    }

    /// Box drawing `─│┌┐└┘`, `…`, `▾▸` and the block ramp `▁▂▃▄▅▆▇█`.
    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        ellipsis: "…", expanded: "▾", collapsed: "▸", sparkRamp: Array("▁▂▃▄▅▆▇█"))

    /// ASCII only: `-|+`, `~` for the ellipsis, `v`/`>` markers and the ramp `" .:-=+*#"`.
    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        ellipsis: "~", expanded: "v", collapsed: ">", sparkRamp: Array(" .:-=+*#"))
}
