// Notification delivery, side by side: the virtual BLED112 on a real pty streams notifications from one
// characteristic; a client (blex's BGAPI library in this process, or pygatt 5.0.0 in a Python process) counts
// them. The emulator records the CLOCK_MONOTONIC time and value of every notification it writes; each
// client records the time its callback ran. Loss and order compare the two value sequences; latency is
// callback time minus write time (so it includes the pty, the read, framing, decoding and dispatch).
//
// Usage: notify-bench swift|pygatt SECONDS INTERVAL_MS [PYTHON SCRIPT]
// Prints one JSON object.
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

let args = CommandLine.arguments
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

switch client {
case "swift":
    let got = Mutex<[(UInt64, [UInt8])]>([])
    let backend = BGAPIBackend(serialPort: pty.slavePath, callbackQueue: DispatchQueue(label: "bench.callbacks"))
    try backend.start(reset: false)
    let device = try backend.connect(address: BluetoothAddress("AA:00:00:00:00:01")!)
    try device.subscribe(BluetoothUUID(0xFFE1)) { _, value in
        let t = monotonicNanoseconds()
        got.withLock { $0.append((t, value)) }
    }
    Thread.sleep(forTimeInterval: seconds)
    stopAt = monotonicNanoseconds()
    // Keep listening a moment, so what was in flight at `stopAt` is delivered before the callback goes.
    Thread.sleep(forTimeInterval: 0.3)
    try device.unsubscribe(BluetoothUUID(0xFFE1))
    received = got.withLock { $0 }
    backend.stop()
case "pygatt":
    guard args.count >= 6 else { exit(2) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: args[4])
    process.arguments = [args[5], pty.slavePath, String(seconds)]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        if let t = (object["stop"] as? NSNumber)?.uint64Value { stopAt = t }
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
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
