// Writes the benchmark's mixed device→host stream to a file, so outside parsers (pygatt) can be timed
// on exactly the bytes the Swift benchmark decodes. Usage: write-mixed-stream PATH [PACKETS]
import BGAPITestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    fputs("usage: write-mixed-stream PATH [PACKETS]\n", stderr)
    exit(2)
}
let count = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let bytes = MixedStream.bytes(count: count)
guard let file = fopen(arguments[1], "wb") else {
    fputs("write-mixed-stream: cannot open \(arguments[1])\n", stderr)
    exit(1)
}
let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
fclose(file)
guard written == bytes.count else {
    fputs("write-mixed-stream: short write\n", stderr)
    exit(1)
}
print("\(count) packets, \(bytes.count) bytes")
