import Explorer

/// The editor's value parsers (hex, UTF-8, numbers) on arbitrary text: a clear error or bytes, and bytes
/// that render back to text which parses to the same bytes.
enum ValueFormatTarget {
    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        for format in ValueFormat.allCases {
            switch format.parse(text) {
            case let .failure(error):
                if error.reason.isEmpty { violated("\(format): an empty error for \(text.debugDescription)") }
            case let .success(bytes):
                if let n = format.byteCount, bytes.count != n { violated("\(format) parsed \(bytes.count) bytes") }
                guard let shown = format.render(bytes) else { continue }
                guard case let .success(again) = format.parse(shown) else {
                    violated("\(format): \(bytes) renders as \(shown.debugDescription), which does not parse")
                }
                // A NaN's payload bits are not text: "nan" parses to the canonical NaN.
                if again != bytes, shown.lowercased() != "nan" { violated("\(format): \(text.debugDescription) → \(bytes) → \(shown.debugDescription) → \(again)") }
            }
            _ = format.render(data)
        }
    }
}
