import BGAPICore
@testable import Explorer
import Foundation
import Testing

/// The log as files: JSON Lines that any JSON parser takes, and CSV that spreadsheets open safely.
@Suite struct LogExportTests {
    static let entries: [LogEntry] = [
        LogEntry(time: 0, address: hrmAddress, handle: H.measurement, uuid: BluetoothUUID(0x2A37), kind: .notification,
                 value: [0x00, 0x48]),
        LogEntry(time: 1_764_062_000.5, address: thermoAddress, handle: AttributeHandle(0x0030), uuid: nil, kind: .write,
                 value: [0x01, 0xA0]),
        // A name from a hostile device: quotes, a comma, a backslash, an escape sequence and a newline.
        LogEntry(time: 12.345, address: hrmAddress, handle: H.deviceName, uuid: BluetoothUUID(0x2A00), kind: .read,
                 value: Array("Evil, \"Inc\" \\ \u{1B}[2J\nnext".utf8)),
        LogEntry(time: 99, address: hrmAddress, handle: AttributeHandle(0x0040), uuid: BluetoothUUID(0x2A07), kind: .indication,
                 value: [0xFC]),
    ]

    /// `1970-01-01T00:00:00.000Z` computed with Foundation's calendar, for a time in whole milliseconds.
    static func expectedISO(milliseconds ms: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let seconds = ms / 1000
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld.%03ldZ", c.year!, c.month!, c.day!, c.hour!, c.minute!,
                      c.second!, Int(ms % 1000))
    }

    func jsonObjects(_ text: String) throws -> [[String: Any]] {
        #expect(text.hasSuffix("\n"), "every line ends with a newline")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "\(line) is a JSON object")
        }
    }

    @Test func jsonlLinesParseWithTheExpectedFields() throws {
        let objects = try jsonObjects(LogExport.jsonl(Self.entries))
        try #require(objects.count == 4)
        let keys: Set = ["time", "address", "handle", "uuid", "name", "kind", "hex", "decoded"]
        for o in objects { #expect(Set(o.keys) == keys) }

        let hr = objects[0]
        #expect(hr["time"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(hr["address"] as? String == "C4:7C:8D:6A:10:01")
        #expect(hr["handle"] as? String == "0x000C")
        #expect(hr["uuid"] as? String == "2A37")
        #expect(hr["name"] as? String == "Heart Rate Measurement")
        #expect(hr["kind"] as? String == "notification")
        #expect(hr["hex"] as? String == "0048")
        #expect(hr["decoded"] as? String == "72 bpm")

        let unknown = objects[1]
        #expect(unknown["time"] as? String == Self.expectedISO(milliseconds: 1_764_062_000_500))
        #expect(unknown["kind"] as? String == "write")
        #expect(unknown["uuid"] is NSNull && unknown["name"] is NSNull && unknown["decoded"] is NSNull,
                "unknown fields are null, not missing or empty")
        #expect(unknown["hex"] as? String == "01A0")

        let hostile = objects[2]
        #expect(hostile["name"] as? String == "Device Name")
        let decoded = try #require(hostile["decoded"] as? String)
        #expect(decoded == decodeValue(BluetoothUUID(0x2A00), Self.entries[2].value), "JSON escaping is undone exactly")
        #expect(decoded.contains("Evil, \\\"Inc\\\""))
        #expect(objects[3]["decoded"] as? String == "-4 dBm")
    }

    @Test func jsonStringsEscapeEveryControlCharacter() throws {
        let raw = "q\"b\\s\n\r\t\u{0}\u{1B}\u{7F}\u{85}é"
        let encoded = LogExport.jsonString(raw)
        #expect(!encoded.unicodeScalars.contains(where: isControl), "no raw control character in the file")
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(encoded)]".utf8)) as? [String]
        #expect(decoded == [raw])
    }

    @Test func emptyLogExportsNothingButTheCSVHeader() {
        #expect(LogExport.jsonl([]) == "")
        #expect(LogExport.csv([]) == "time,address,handle,uuid,name,kind,hex,decoded\r\n")
    }

    @Test(arguments: [Int64(0), 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999,
                      1_764_062_000_500, 1_735_689_599_123, 4_102_444_800_000])
    func isoTimestampsMatchFoundation(milliseconds ms: Int64) throws {
        let entry = LogEntry(time: Double(ms) / 1000, address: hrmAddress, handle: H.battery, uuid: nil, kind: .read, value: [])
        let o = try #require(try jsonObjects(LogExport.jsonl([entry])).first)
        #expect(o["time"] as? String == Self.expectedISO(milliseconds: ms))
    }

    @Test func isoTimestampLiterals() {
        #expect(isoTime(0) == "1970-01-01T00:00:00.000Z")
        #expect(isoTime(951_782_400) == "2000-02-29T00:00:00.000Z", "leap day")
        #expect(isoTime(1_764_062_000.5) == "2025-11-25T09:13:20.500Z")
    }

    /// RFC 4180 fields of a CSV text, rows split on CRLF outside quotes.
    func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" {
                row.append(field); field = ""; rows.append(row); row = []
            } else {
                field.append(c)
            }
        }
        return rows
    }

    @Test func csvRowsParseBackToTheFields() throws {
        let text = LogExport.csv(Self.entries)
        #expect(text.hasSuffix("\r\n"))
        let rows = parseCSV(text)
        try #require(rows.count == 5)
        #expect(rows[0] == ["time", "address", "handle", "uuid", "name", "kind", "hex", "decoded"])
        #expect(rows[1] == ["1970-01-01T00:00:00.000Z", "C4:7C:8D:6A:10:01", "0x000C", "2A37", "Heart Rate Measurement",
                            "notification", "0048", "72 bpm"])
        #expect(rows[2] == [Self.expectedISO(milliseconds: 1_764_062_000_500), "D0:5F:B8:22:33:02", "0x0030", "", "",
                            "write", "01A0", ""])
        let hostileDecoded = try #require(decodeValue(BluetoothUUID(0x2A00), Self.entries[2].value))
        #expect(rows[3][7] == hostileDecoded, "commas and quotes survive quoting")
        #expect(rows[4][7] == "'-4 dBm", "a leading minus is kept as text, not run as a formula")
        for row in rows { #expect(row.count == 8) }
        #expect(!text.unicodeScalars.contains { isControl($0) && $0 != "\r" && $0 != "\n" })
    }

    @Test func csvFieldQuotingAndFormulaGuard() {
        #expect(LogExport.csvField("plain") == "plain")
        #expect(LogExport.csvField("") == "")
        #expect(LogExport.csvField("a,b") == "\"a,b\"")
        #expect(LogExport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(LogExport.csvField("two\nlines") == "\"two\nlines\"")
        #expect(LogExport.csvField("cr\rhere") == "\"cr\rhere\"")
        #expect(LogExport.csvField("=SUM(A1:A9)") == "'=SUM(A1:A9)")
        #expect(LogExport.csvField("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(LogExport.csvField("+1") == "'+1")
        #expect(LogExport.csvField("-1") == "'-1")
        #expect(LogExport.csvField("@cmd") == "'@cmd")
        #expect(LogExport.csvField("a=b") == "a=b", "only a leading sign is dangerous")
    }
}
