/// Makes text from the radio safe to draw: every control character becomes a visible escape, so a device
/// name holding `ESC [31m`, BEL or CR LF shows as `\e[31m\a\r\n` and can neither colour, beep nor move.
public enum Sanitizer {
    /// The text with C0/C1 controls and DEL replaced by visible escapes (`\e`, `\a`, `\x07`-style) and
    /// U+FFFD left as is (invalid UTF-8 was already replaced when the bytes were decoded).
    public static func inert(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1B: out += "\\e"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00 ..< 0x20, 0x7F ... 0x9F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            case 0x202A ... 0x202E, 0x2066 ... 0x2069:
                // Bidirectional overrides could reorder what follows them on screen.
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Decodes bytes from the radio as UTF-8 (bad sequences become U+FFFD) and makes the result inert.
    public static func inert(bytes: some Collection<UInt8>) -> String {
        inert(String(decoding: Array(bytes), as: UTF8.self))
    }
}
