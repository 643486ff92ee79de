/// Why a hex string is not bytes.
public enum HexParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A character that is not an ASCII hex digit (nor a separator).
    case notAHexDigit(Character)
    /// An odd number of digits.
    case oddDigitCount

    /// One line for a user.
    public var description: String {
        switch self {
        case let .notAHexDigit(c): "'\(c)' is not a hex digit"
        case .oddDigitCount: "odd number of hex digits: add a leading 0"
        }
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hex text such as `0A 1b:FF-00,01`; spaces, colons, dashes and commas separate, only ASCII digits count
    /// (the one hex parser of the project: scenarios, the editor, the CLI).
    public init(hexString text: String) throws(HexParseError) {
        let digits = text.filter { !$0.isWhitespace && $0 != ":" && $0 != "-" && $0 != "," }
        if let bad = digits.first(where: { !($0.isASCII && $0.isHexDigit) }) { throw .notAHexDigit(bad) }
        guard digits.count % 2 == 0 else { throw .oddDigitCount }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for c in digits {
            let v = c.hexDigitValue.map(UInt8.init)!
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        self = out
    }
}
