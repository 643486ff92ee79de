import BGAPICore

/// The notification log as files: JSON Lines (one object per entry) or CSV, both with raw hex and the
/// decoded form, so a spreadsheet or `jq` can take them.
public enum LogExport {
    /// One JSON object per line: time (ISO 8601 UTC), address, handle, uuid, name, kind, hex, decoded.
    public static func jsonl(_ entries: some Collection<LogEntry>) -> String {
        entries.map { e in
            let fields: [(String, String?)] = [
                ("time", isoTime(e.time)), ("address", e.address.description), ("handle", e.handle.description),
                ("uuid", e.uuid?.description), ("name", e.name ?? e.uuid.flatMap(uuidName)), ("kind", e.kind.rawValue),
                ("hex", e.value.map(hexDigits).joined()), ("decoded", e.decoded ?? e.uuid.flatMap { decodeValue($0, e.value) }),
            ]
            return "{" + fields.map { k, v in "\"\(k)\":" + (v.map(jsonString) ?? "null") }.joined(separator: ",") + "}"
        }.map { $0 + "\n" }.joined()
    }

    /// A header row, then one row per entry; fields quoted where needed (RFC 4180).
    public static func csv(_ entries: some Collection<LogEntry>) -> String {
        var out = "time,address,handle,uuid,name,kind,hex,decoded\r\n"
        for e in entries {
            let row = [isoTime(e.time), e.address.description, e.handle.description, e.uuid?.description ?? "",
                       e.name ?? e.uuid.flatMap(uuidName) ?? "", e.kind.rawValue, e.value.map(hexDigits).joined(),
                       e.decoded ?? e.uuid.flatMap { decodeValue($0, e.value) } ?? ""]
            out += row.map(csvField).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `2026-11-25T09:10:29.123Z`: the one timestamp format of exports, `watch` and `--json` output.
    public static func isoTimestamp(_ t: Timestamp) -> String { isoTime(t) }

    /// `s` as a JSON string literal, control characters escaped (shared with blex's `--json` output and the
    /// recordings' JSON: one escaper, `RecordingJSON.quote`).
    public static func jsonString(_ s: String) -> String { RecordingJSON.quote(s) }

    static func csvField(_ s: String) -> String {
        // A leading = + - @ would be run as a formula by spreadsheets; a quote prefix keeps it text.
        let guarded = s.first.map { "=+-@".contains($0) } == true ? "'" + s : s
        guard guarded.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return guarded }
        return "\"" + guarded.replacingAll("\"", with: "\"\"") + "\""
    }
}

/// `2026-11-25T09:10:29.123Z`.
func isoTime(_ t: Timestamp) -> String {
    let ms = Int64((t * 1000).rounded())
    let days = Int(ms / 86_400_000), msOfDay = Int(ms % 86_400_000)
    let (y, m, d) = civilDate(daysSinceEpoch: days)
    let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, milli = msOfDay % 1000
    func p(_ v: Int, _ w: Int) -> String { String(v).leftPadded(to: w, with: "0") }
    return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(h, 2)):\(p(mi, 2)):\(p(s, 2)).\(p(milli, 3))Z"
}

/// `09:10:29.123` in local time (`utcOffset` seconds east of UTC).
func clockTime(_ t: Timestamp, utcOffset: Int) -> String {
    let ms = Int64(((t + Double(utcOffset)) * 1000).rounded())
    let msOfDay = Int(((ms % 86_400_000) + 86_400_000) % 86_400_000)
    func p(_ v: Int, _ w: Int) -> String { String(v).leftPadded(to: w, with: "0") }
    return "\(p(msOfDay / 3_600_000, 2)):\(p(msOfDay / 60_000 % 60, 2)):\(p(msOfDay / 1000 % 60, 2)).\(p(msOfDay % 1000, 3))"
}

/// Howard Hinnant's days-from-civil inverse: proleptic Gregorian date of a day count since 1970-01-01.
func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
