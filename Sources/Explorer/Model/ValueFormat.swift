/// The ways the value editor shows and parses one characteristic value.
public enum ValueFormat: String, CaseIterable, Hashable, Sendable {
    /// Hex bytes, `01 A0 FF` (spaces optional).
    case hex
    /// UTF-8 text (control characters shown as escapes, entered as `\n`, `\x1B`).
    case text
    /// Unsigned integers, little-endian.
    case u8, u16le, u32le
    /// Unsigned integers, big-endian.
    case u16be, u32be
    /// Signed integers, little-endian.
    case s8, s16le, s32le
    /// Signed integers, big-endian.
    case s16be, s32be
    /// IEEE-754 single precision, little- and big-endian.
    case float32le, float32be

    /// Bytes the format needs, or nil for any length.
    public var byteCount: Int? {
        switch self {
        case .hex, .text: nil
        case .u8, .s8: 1
        case .u16le, .u16be, .s16le, .s16be: 2
        case .u32le, .u32be, .s32le, .s32be, .float32le, .float32be: 4
        }
    }

    /// `u16 LE`-style label for the editor's tabs.
    public var label: String {
        switch self {
        case .hex: "hex"
        case .text: "UTF-8"
        case .u8: "u8"
        case .s8: "s8"
        case .u16le: "u16 LE"
        case .u16be: "u16 BE"
        case .u32le: "u32 LE"
        case .u32be: "u32 BE"
        case .s16le: "s16 LE"
        case .s16be: "s16 BE"
        case .s32le: "s32 LE"
        case .s32be: "s32 BE"
        case .float32le: "f32 LE"
        case .float32be: "f32 BE"
        }
    }

    private var isBigEndian: Bool { [.u16be, .u32be, .s16be, .s32be, .float32be].contains(self) }

    /// The value in this format, or nil when the byte count does not fit it.
    public func render(_ bytes: [UInt8]) -> String? {
        switch self {
        case .hex: return bytes.map { hexDigits($0) }.joined(separator: " ")
        case .text: return escapeText(bytes)
        default:
            guard let n = byteCount, bytes.count == n else { return nil }
            var raw: UInt32 = 0
            for (i, b) in (isBigEndian ? bytes.reversed() : bytes).enumerated() { raw |= UInt32(b) << (8 * UInt32(i)) }
            switch self {
            case .u8, .u16le, .u16be, .u32le, .u32be: return String(raw)
            case .s8: return String(Int8(truncatingIfNeeded: raw))
            case .s16le, .s16be: return String(Int16(truncatingIfNeeded: raw))
            case .s32le, .s32be: return String(Int32(bitPattern: raw))
            default: return String(Float(bitPattern: raw))
            }
        }
    }

    /// Parses what the user typed; the error says why in words the editor shows in place.
    public func parse(_ text: String) -> Result<[UInt8], ValueFormatError> {
        let trimmed = text.trimmingWhitespace
        switch self {
        case .hex:
            // `0x` may lead the whole value or each byte (`0x01 0x02`, `0x0102`); commas separate too.
            let separators: Set<Character> = [":", "-", ","]
            let chars = Array(trimmed)
            var kept = ""
            var at = 0
            while at < chars.count {
                let atTokenStart = at == 0 || chars[at - 1].isWhitespace || separators.contains(chars[at - 1])
                if atTokenStart, chars[at] == "0", at + 1 < chars.count, chars[at + 1] == "x" || chars[at + 1] == "X" {
                    at += 2
                    continue
                }
                kept.append(chars[at])
                at += 1
            }
            do { return .success(try [UInt8](hexString: kept)) } catch { return .failure(.init(error.description)) }
        case .text:
            return unescapeText(text)
        case .float32le, .float32be:
            guard let f = Float(trimmed), !trimmed.isEmpty else { return .failure(.init("not a number")) }
            return .success(bytes(of: f.bitPattern, count: 4))
        default:
            let n = byteCount!
            let signed = [.s8, .s16le, .s16be, .s32le, .s32be].contains(self)
            let bits = n * 8
            if signed {
                guard let v = wholeNumber(trimmed) else { return .failure(.init("not a whole number")) }
                let limit = Int64(1) << (bits - 1)
                guard v >= -limit, v < limit else { return .failure(.init("out of range \(-limit)…\(limit - 1)")) }
                return .success(bytes(of: UInt32(truncatingIfNeeded: v), count: n))
            } else {
                guard let w = wholeNumber(trimmed), w >= 0 else {
                    return .failure(.init(trimmed.hasPrefix("-") ? "must not be negative" : "not a whole number"))
                }
                let v = UInt64(w)
                guard v < UInt64(1) << bits else { return .failure(.init("out of range 0…\((UInt64(1) << bits) - 1)")) }
                return .success(bytes(of: UInt32(truncatingIfNeeded: v), count: n))
            }
        }
    }

    /// `42`, `-7`, `0x2A`, `-0x07` (ASCII digits only), as long as it fits 33 bits with its sign.
    private func wholeNumber(_ text: String) -> Int64? {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative || body.hasPrefix("+") { body = body.dropFirst() }
        var radix = 10
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2); radix = 16 }
        guard !body.isEmpty, body.count <= 16, body.allSatisfy({ $0.isASCII && $0.isHexDigit }),
              let magnitude = Int64(body, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private func bytes(of raw: UInt32, count: Int) -> [UInt8] {
        let le = (0 ..< count).map { UInt8(truncatingIfNeeded: raw >> (8 * UInt32($0))) }
        return isBigEndian ? le.reversed() : le
    }
}

/// Why typed input is not a value; shown in the editor, nothing is sent.
public struct ValueFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason, in words.
    public var reason: String
    init(_ reason: String) { self.reason = reason }
    /// The reason.
    public var description: String { reason }
}

func hexDigits(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}

/// Bytes as the editor's text view shows them: valid UTF-8 as text, with control characters (C0 and C1),
/// backslashes and every byte that is not valid UTF-8 escaped, so the text parses back to the same bytes.
func escapeText(_ bytes: [UInt8]) -> String {
    var out = ""
    var i = 0
    while i < bytes.count {
        let lead = bytes[i]
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
        if length > 0, i + length <= bytes.count,
           let text = String(validating: bytes[i ..< i + length], as: UTF8.self), let scalar = text.unicodeScalars.first {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00 ..< 0x20, 0x7F: out += "\\x" + hexDigits(UInt8(scalar.value))
            case 0x80 ... 0x9F: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
            i += length
        } else {
            out += "\\x" + hexDigits(lead)
            i += 1
        }
    }
    return out
}

func unescapeText(_ s: String) -> Result<[UInt8], ValueFormatError> {
    var out: [UInt8] = []
    var chars = Array(s.unicodeScalars)[...]
    while let c = chars.popFirst() {
        guard c == "\\" else { out += Array(String(c).utf8); continue }
        guard let e = chars.popFirst() else { return .failure(.init("a lone \\ at the end: write \\\\")) }
        switch e {
        case "n": out.append(0x0A)
        case "r": out.append(0x0D)
        case "t": out.append(0x09)
        case "\\": out.append(0x5C)
        case "x":
            let digits = String(String.UnicodeScalarView(chars.prefix(2)))
            guard digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isHexDigit }), let b = UInt8(digits, radix: 16) else {
                return .failure(.init("\\x needs two hex digits"))
            }
            chars = chars.dropFirst(2)
            out.append(b)
        case "u":
            guard chars.first == "{", let close = chars.firstIndex(of: "}"),
                  let v = UInt32(String(String.UnicodeScalarView(chars[chars.index(after: chars.startIndex) ..< close])), radix: 16),
                  let scalar = Unicode.Scalar(v) else {
                return .failure(.init("\\u needs {hex}, e.g. \\u{85}"))
            }
            chars = chars[chars.index(after: close)...]
            out += Array(String(scalar).utf8)
        default: return .failure(.init("unknown escape \\\(e)"))
        }
    }
    return .success(out)
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
