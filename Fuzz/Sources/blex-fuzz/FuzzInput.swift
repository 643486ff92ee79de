/// The fuzzer's bytes read as a stream of choices; once they run out every read answers zero, so any input
/// is a valid program for a target.
struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been consumed.
    var isEmpty: Bool { index >= bytes.count }

    /// The bytes not yet consumed.
    var remaining: ArraySlice<UInt8> { bytes[min(index, bytes.count)...] }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    mutating func u16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }

    mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }

    /// A value in `0 ..< count` (0 when `count` is 0).
    mutating func below(_ count: Int) -> Int { count <= 1 ? 0 : Int(u16()) % count }

    /// Up to `maximum` bytes, the length chosen by the input.
    mutating func bytes(upTo maximum: Int) -> [UInt8] {
        let n = min(Int(byte()) % (maximum + 1), bytes.count - min(index, bytes.count))
        defer { index += n }
        return Array(bytes[index ..< index + n])
    }

    /// One element of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}

/// Stops the run with a message libFuzzer records as a crash (a trap with its reason on stderr).
func violated(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError("invariant violated: \(message())", file: file, line: line)
}
