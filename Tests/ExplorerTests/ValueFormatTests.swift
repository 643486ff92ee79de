import Explorer
import Testing

/// The value editor's views: each renders bytes and parses what the user typed back to the same bytes.
@Suite struct ValueFormatTests {
    /// Byte patterns that exercise sign bits, byte order and the extremes.
    static func samples(_ n: Int) -> [[UInt8]] {
        var out: [[UInt8]] = [Array(repeating: 0x00, count: n), Array(repeating: 0xFF, count: n),
                              [0x80] + Array(repeating: 0x00, count: n - 1), Array(repeating: 0x00, count: n - 1) + [0x80],
                              Array(repeating: 0x7F, count: n), (0 ..< n).map { UInt8(0x12 + 0x22 * $0) }]
        var x: UInt32 = 0x9E37_79B9
        for _ in 0 ..< 64 {
            x = x &* 1_664_525 &+ 1_013_904_223
            out.append((0 ..< n).map { UInt8(truncatingIfNeeded: x >> (8 * UInt32($0))) })
        }
        return out
    }

    static let integerFormats: [ValueFormat] = [.u8, .s8, .u16le, .u16be, .s16le, .s16be, .u32le, .u32be, .s32le, .s32be]

    @Test(arguments: integerFormats)
    func integerRoundTrip(format: ValueFormat) throws {
        let n = try #require(format.byteCount)
        for bytes in Self.samples(n) {
            let text = try #require(format.render(bytes), "\(format) renders \(bytes)")
            #expect(try format.parse(text).get() == bytes, "\(format): \(bytes) → \(text)")
        }
        #expect(format.render(Array(repeating: 0, count: n + 1)) == nil, "a wrong length does not render")
        #expect(format.render([]) == nil)
    }

    @Test(arguments: [ValueFormat.float32le, .float32be])
    func floatRoundTripForEveryNonNaN(format: ValueFormat) throws {
        for bytes in Self.samples(4) {
            let le = format == .float32le ? bytes : bytes.reversed()
            let bits = le.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            guard !Float(bitPattern: bits).isNaN else { continue }
            let text = try #require(format.render(bytes))
            #expect(try format.parse(text).get() == bytes, "\(format): \(bytes) → \(text)")
        }
    }

    @Test func renderedNumbers() {
        #expect(ValueFormat.u16le.render([0x34, 0x12]) == "4660")
        #expect(ValueFormat.u16be.render([0x34, 0x12]) == "13330")
        #expect(ValueFormat.u32le.render([0x01, 0x00, 0x00, 0x00]) == "1")
        #expect(ValueFormat.u32be.render([0x00, 0x00, 0x00, 0x01]) == "1")
        #expect(ValueFormat.u32le.render([0xFF, 0xFF, 0xFF, 0xFF]) == "4294967295")
        #expect(ValueFormat.u8.render([0xFF]) == "255")
        #expect(ValueFormat.s8.render([0xFF]) == "-1")
        #expect(ValueFormat.s8.render([0x80]) == "-128")
        #expect(ValueFormat.s16le.render([0x00, 0x80]) == "-32768")
        #expect(ValueFormat.s16be.render([0x80, 0x00]) == "-32768")
        #expect(ValueFormat.s16le.render([0xFE, 0xFF]) == "-2")
        #expect(ValueFormat.s32le.render([0xFF, 0xFF, 0xFF, 0x7F]) == "2147483647")
        #expect(ValueFormat.s32be.render([0x80, 0x00, 0x00, 0x00]) == "-2147483648")
        #expect(ValueFormat.float32le.render([0x00, 0x00, 0xC0, 0x3F]) == "1.5")
        #expect(ValueFormat.float32be.render([0x3F, 0xC0, 0x00, 0x00]) == "1.5")
        #expect(ValueFormat.float32le.render([0x00, 0x00, 0x20, 0xC1]) == "-10.0")
    }

    @Test func parsedNumbers() throws {
        #expect(try ValueFormat.u8.parse("255").get() == [0xFF])
        #expect(try ValueFormat.u8.parse(" 7 ").get() == [0x07], "surrounding spaces are fine")
        #expect(try ValueFormat.s8.parse("-128").get() == [0x80])
        #expect(try ValueFormat.s8.parse("127").get() == [0x7F])
        #expect(try ValueFormat.u16le.parse("4660").get() == [0x34, 0x12])
        #expect(try ValueFormat.u16be.parse("4660").get() == [0x12, 0x34])
        #expect(try ValueFormat.s16le.parse("-2").get() == [0xFE, 0xFF])
        #expect(try ValueFormat.u32be.parse("4294967295").get() == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try ValueFormat.s32le.parse("-2147483648").get() == [0x00, 0x00, 0x00, 0x80])
        #expect(try ValueFormat.float32le.parse("1.5").get() == [0x00, 0x00, 0xC0, 0x3F])
        #expect(try ValueFormat.float32be.parse("1.5").get() == [0x3F, 0xC0, 0x00, 0x00])
        #expect(try ValueFormat.float32le.parse("-10").get() == [0x00, 0x00, 0x20, 0xC1])
        #expect(try ValueFormat.float32le.parse("0.1").get() == [0xCD, 0xCC, 0xCC, 0x3D])
    }

    /// The reason a parse fails, or nil when it succeeds.
    func reason(_ format: ValueFormat, _ text: String) -> String? {
        if case let .failure(e) = format.parse(text) { return e.reason }
        return nil
    }

    @Test func rangesAreEnforcedWithAReason() {
        #expect(reason(.u8, "256") == "out of range 0…255")
        #expect(reason(.u16le, "65536") == "out of range 0…65535")
        #expect(reason(.u32le, "4294967296") == "out of range 0…4294967295")
        #expect(reason(.s8, "-129") == "out of range -128…127")
        #expect(reason(.s8, "128") == "out of range -128…127")
        #expect(reason(.s16be, "32768") == "out of range -32768…32767")
        #expect(reason(.s32le, "-2147483649") == "out of range -2147483648…2147483647")
        #expect(reason(.u8, "-1") == "must not be negative")
        #expect(reason(.u32be, "-70000") == "must not be negative")
        #expect(reason(.u8, "") == "not a whole number")
        #expect(reason(.u8, "1.5") == "not a whole number")
        #expect(reason(.s16le, "0x") == "not a whole number")
        #expect(reason(.u8, "0x1G") == "not a whole number")
        #expect(reason(.u8, "0x100") == "out of range 0…255", "a hex integer is range-checked like a decimal one")
        #expect(reason(.float32le, "") == "not a number")
        #expect(reason(.float32le, "abc") == "not a number")
        #expect(reason(.u8, "255") == nil && reason(.s8, "-128") == nil)
    }

    @Test func hexAcceptsSpacesColonsDashesAndEitherCase() throws {
        #expect(try ValueFormat.hex.parse("01 A0 ff").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.hex.parse("01:a0:FF").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.hex.parse("01-a0-ff").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.hex.parse("01a0ff").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.hex.parse("  0 1a0 f f ").get() == [0x01, 0xA0, 0xFF], "spaces anywhere")
        #expect(try ValueFormat.hex.parse("").get() == [], "an empty value is a value")
        // Issue 9: 0x prefixes, on the whole value or on each byte, and commas.
        #expect(try ValueFormat.hex.parse("0x01A0FF").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.hex.parse("0x01, 0xa0, 0XFF").get() == [0x01, 0xA0, 0xFF])
        #expect(try ValueFormat.u16le.parse("0x1234").get() == [0x34, 0x12])
        #expect(try ValueFormat.s8.parse("-0x80").get() == [0x80])
        #expect(ValueFormat.hex.render([0x01, 0xA0, 0xFF]) == "01 A0 FF")
        #expect(ValueFormat.hex.render([]) == "")
        let all = (0 ... 255).map(UInt8.init)
        #expect(try ValueFormat.hex.parse(try #require(ValueFormat.hex.render(all))).get() == all)
    }

    @Test func hexErrorsSayWhy() {
        #expect(reason(.hex, "0") == "odd number of hex digits: add a leading 0")
        #expect(reason(.hex, "01 2") == "odd number of hex digits: add a leading 0")
        #expect(reason(.hex, "01z") == "'z' is not a hex digit")
        #expect(reason(.hex, "1x01") == "'x' is not a hex digit", "0x only leads a value or a byte")
        #expect(reason(.hex, "0x0g") == "'g' is not a hex digit")
    }

    @Test func textEscapesRoundTrip() throws {
        #expect(ValueFormat.text.render(Array("hi\n".utf8)) == "hi\\n")
        #expect(ValueFormat.text.render([0x1B, 0x5B, 0x32, 0x4A]) == "\\x1B[2J")
        #expect(ValueFormat.text.render(Array("a\\b".utf8)) == "a\\\\b")
        #expect(ValueFormat.text.render([0x0D, 0x09, 0x00, 0x7F]) == "\\r\\t\\x00\\x7F")
        #expect(try ValueFormat.text.parse("a\\nb").get() == [0x61, 0x0A, 0x62])
        #expect(try ValueFormat.text.parse("\\x1B[31m").get() == [0x1B, 0x5B, 0x33, 0x31, 0x6D])
        #expect(try ValueFormat.text.parse("\\x1b").get() == [0x1B], "lower-case hex in \\x")
        #expect(try ValueFormat.text.parse("C:\\\\dir").get() == Array("C:\\dir".utf8))
        #expect(try ValueFormat.text.parse("héllo ✓").get() == Array("héllo ✓".utf8))
        #expect(try ValueFormat.text.parse(" pad ").get() == Array(" pad ".utf8), "text keeps its spaces")
        for value in ["plain", "line\nbreak\r\n", "tab\there", "esc\u{1B}[0m", "back\\slash\\", "nul\u{0}", "del\u{7F}",
                      "naïve ☃ 日本", ""] {
            let bytes = Array(value.utf8)
            let text = try #require(ValueFormat.text.render(bytes))
            #expect(!text.unicodeScalars.contains(where: isControl), "the text view shows no control character: \(text)")
            #expect(try ValueFormat.text.parse(text).get() == bytes, "\(value.debugDescription) → \(text)")
        }
    }

    @Test func textEscapeErrors() {
        #expect(reason(.text, "abc\\") == "a lone \\ at the end: write \\\\")
        #expect(reason(.text, "\\q") == "unknown escape \\q")
        #expect(reason(.text, "\\x4") == "\\x needs two hex digits")
        #expect(reason(.text, "\\xZZ") == "\\x needs two hex digits")
    }

    @Test func byteCountsAndLabels() {
        #expect(ValueFormat.hex.byteCount == nil && ValueFormat.text.byteCount == nil)
        #expect(ValueFormat.u8.byteCount == 1 && ValueFormat.s16be.byteCount == 2 && ValueFormat.float32be.byteCount == 4)
        #expect(ValueFormat.allCases.map(\.label) == ["hex", "UTF-8", "u8", "u16 LE", "u32 LE", "u16 BE", "u32 BE", "s8",
                                                     "s16 LE", "s32 LE", "s16 BE", "s32 BE", "f32 LE", "f32 BE"])
    }
}
