// Writes the benchmark's mixed device→host stream to a file, so outside parsers (pygatt) can be timed
// on exactly the bytes the Swift benchmark decodes. Usage: write-mixed-stream PATH [PACKETS]
import BGAPITestSupport
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: write-mixed-stream PATH [PACKETS]\n".utf8))
    exit(2)
}
let count = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let bytes = MixedStream.bytes(count: count)
do {
    try Data(bytes).write(to: URL(fileURLWithPath: arguments[1]))
} catch {
    FileHandle.standardError.write(Data("write-mixed-stream: \(error)\n".utf8))
    exit(1)
}
print("\(count) packets, \(bytes.count) bytes")
