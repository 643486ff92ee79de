// Notification delivery, side by side: the virtual BLED112 on a real pty streams notifications from one
// characteristic; a client (blex's BGAPI library in this process, or pygatt 5.0.0 in a Python process) counts
// them. The emulator records the CLOCK_MONOTONIC time and value of every notification it writes; each
// client records the time its callback ran. Loss and order compare the two value sequences; latency is
// callback time minus write time (so it includes the pty, the read, framing, decoding and dispatch).
//
// Both clients run in a process of their own on the pty and measure their own CPU (user + system, getrusage)
// from the subscription until they stop, so the figure per delivered notification compares like with like.
//
// Usage: notify-bench swift|pygatt SECONDS INTERVAL_MS [PYTHON SCRIPT]
// Prints one JSON object. (`notify-bench swift-client PTY SECONDS` is the Swift client's own process.)
import BGAPI
import BGAPIEmulator
import Dispatch
import Foundation
import Synchronization

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// User + system CPU of this process so far, in microseconds.
func cpuMicroseconds() -> Int64 {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
}

let args = CommandLine.arguments
// The Swift client in its own process: connect, subscribe, record (time, value) per callback, report as pygatt's does.
if args.count == 4, args[1] == "swift-client", let seconds = Double(args[3]) {
    let got = Mutex<[(UInt64, [UInt8])]>([])
    let backend = BGAPIBackend(serialPort: args[2], callbackQueue: DispatchQueue(label: "bench.callbacks"))
    try backend.start(reset: false)
    let device = try backend.connect(address: BluetoothAddress("AA:00:00:00:00:01")!)
    try device.subscribe(BluetoothUUID(0xFFE1)) { _, value in
        let t = monotonicNanoseconds()
        got.withLock { $0.append((t, value)) }
    }
    let cpu0 = cpuMicroseconds()
    Thread.sleep(forTimeInterval: seconds)
    let stop = monotonicNanoseconds()
    let cpu = cpuMicroseconds() - cpu0
    // Keep listening a moment, so what was in flight at `stop` is delivered before the callback goes.
    Thread.sleep(forTimeInterval: 0.3)
    try device.unsubscribe(BluetoothUUID(0xFFE1))
    let records = got.withLock { $0 }.map { [NSNumber(value: $0.0), $0.1.map { String(format: "%02x", $0) }.joined()] as [Any] }
    backend.stop()
    let json = try JSONSerialization.data(withJSONObject: ["stop": NSNumber(value: stop), "cpu_us": NSNumber(value: cpu), "received": records])
    print(String(decoding: json, as: UTF8.self))
    exit(0)
}
guard args.count >= 4, let seconds = Double(args[2]), let intervalMs = Double(args[3]) else {
    FileHandle.standardError.write(Data("usage: notify-bench swift|pygatt SECONDS INTERVAL_MS [PYTHON SCRIPT]\n".utf8))
    exit(2)
}
let client = args[1]

let scenario = try Scenario.decode(json: Data("""
{ "name": "storm", "seed": 7, "peripherals": [
  { "id": "storm", "address": "AA:00:00:00:00:01", "advertisingIntervalMs": 20,
    "advertising": { "flags": 6, "name": "Storm" },
    "services": [ { "uuid": "FFE0", "characteristics": [
      { "uuid": "FFE1", "properties": ["notify"], "value": "00000000",
        "generator": { "kind": "counter", "periodMs": \(intervalMs), "step": 1, "width": 4 },
        "notifyIntervalMs": \(intervalMs) } ]}]}
]}
""".utf8))

let sent = Mutex<[(UInt64, [UInt8])]>([])
let runner = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: .instant))
runner.trace = { trace in
    if case let .sent(.event(.attClientAttributeValue(e))) = trace, e.type == .notify {
        let t = monotonicNanoseconds()
        sent.withLock { $0.append((t, e.value)) }
    }
}
let pty = try PseudoTerminal()
runner.serve(pty.master)

var received: [(UInt64, [UInt8])] = []
var stopAt: UInt64 = .max
var clientCPU: Int64 = -1

/// Runs a client process and reads its one JSON line: when it stopped, its CPU, and what it received.
@MainActor func runClient(executable: String, arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        if let t = (object["stop"] as? NSNumber)?.uint64Value { stopAt = t }
        if let c = (object["cpu_us"] as? NSNumber)?.int64Value { clientCPU = c }
        if let records = object["received"] as? [[Any]] {
            received = records.compactMap { r in
                guard let t = (r[0] as? NSNumber)?.uint64Value, let hex = r[1] as? String else { return nil }
                var bytes: [UInt8] = []
                var i = hex.startIndex
                while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); bytes.append(UInt8(hex[i ..< j], radix: 16)!); i = j }
                return (t, bytes)
            }
        }
    }
}

switch client {
case "swift":
    try runClient(executable: "/proc/self/exe", arguments: ["swift-client", pty.slavePath, String(seconds)])
case "pygatt":
    guard args.count >= 6 else { exit(2) }
    try runClient(executable: args[4], arguments: [args[5], pty.slavePath, String(seconds)])
default:
    exit(2)
}
runner.stop()

// Compare: every notification written from the first one the client saw until it asked to stop must
// arrive, in order. Matching walks both sequences; a written value the client never saw counts as lost.
let all = sent.withLock { $0 }
let firstSeen = received.first.flatMap { r in all.firstIndex { $0.1 == r.1 } } ?? all.count
let window = all[firstSeen...].filter { $0.0 < stopAt }
var latencies: [Double] = []
var j = 0
var lost = 0
for s in window {
    if j < received.count, received[j].1 == s.1 {
        latencies.append(Double(Int64(received[j].0) - Int64(s.0)) / 1000)
        j += 1
    } else {
        lost += 1
    }
}
latencies.sort()
let sortedLatencies = latencies
func percentile(_ p: Double) -> Double {
    sortedLatencies.isEmpty ? -1 : sortedLatencies[min(sortedLatencies.count - 1, Int(Double(sortedLatencies.count) * p))]
}
let windowSeconds = window.count > 1 ? Double(window.last!.0 - window.first!.0) / 1e9 : 0
let result: [String: Any] = [
    "client": client, "interval_ms": intervalMs, "seconds": seconds,
    "sent": window.count, "delivered": latencies.count, "lost": lost,
    "in_order_no_loss": lost == 0 && !window.isEmpty,
    "per_second": windowSeconds > 0 ? Double(latencies.count) / windowSeconds : 0,
    "latency_p50_us": percentile(0.5), "latency_p99_us": percentile(0.99),
    "cpu_us": clientCPU,
    "cpu_us_per_notification": clientCPU >= 0 && !latencies.isEmpty ? Double(clientCPU) / Double(latencies.count) : -1,
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
