// Scan memory: what `BGAPIBackend.scan` holds after scanning a crowded room for 10 s and for 20 s.
// 80 virtual devices advertise every 20 ms (≈ 4,000 packets/s, active scanning) on the in-process virtual
// BLED112 with real timing. Memory is the process's resident set after the scan minus before it, with the
// results still alive; "retained" counts the packets the results keep. The bound is per device (latest of each
// packet type + the last 16), so the two scans should hold about the same however long they run.
//
// Usage: scan-memory [SECONDS...]   (default: 10 20). Prints one JSON object per scan.
import BGAPI
import BGAPIEmulator
import Foundation

let durations = CommandLine.arguments.dropFirst().compactMap(Double.init)
let seconds = durations.isEmpty ? [10.0, 20.0] : durations

let peripherals = (0 ..< 80).map { i in
    """
    { "id": "d\(i)", "address": "AA:00:00:00:\(String(format: "%02X", i / 256)):\(String(format: "%02X", i % 256))",
      "advertisingIntervalMs": 20, "advertising": { "flags": 6, "name": "Sensor \(i)", "txPower": 4 },
      "scanResponse": { "manufacturer": { "company": 89, "data": "0102030405060708" } } }
    """
}.joined(separator: ",")
let scenario = try Scenario.decode(json: Data(#"{ "name": "crowd", "seed": 3, "peripherals": [\#(peripherals)] }"#.utf8))
let runner = EmulatorRunner(model: try DongleModel(scenario: scenario, timing: .realistic))
let backend = BGAPIBackend(port: .custom(name: "virtual") { () throws(TransportError) -> any ByteTransport in
    let (host, dongle) = LoopbackTransport.makePair()
    runner.serve(dongle)
    return host
})
try backend.start(reset: false)

/// Resident memory, from /proc/self/status (VmRSS, kB → bytes).
func heapInUse() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kB = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kB * 1024
}

var kept: [[ScanResult]] = []
for s in seconds {
    let before = heapInUse()
    let results = try backend.scan(timeout: .milliseconds(Int64(s * 1000)), interval: .milliseconds(20), window: .milliseconds(20))
    let after = heapInUse()
    kept.append(results)
    let packets = results.map(\.packetCount).reduce(0, +)
    let retained = results.map { $0.recentReports.count + $0.latestByPacketType.count }.reduce(0, +)
    let averageData = results.flatMap(\.recentReports).map { $0.data.encodedBytes.count }.reduce(0, +)
        / max(1, results.flatMap(\.recentReports).count)
    // What keeping every packet (the old `reports` list) would take: one report value + its AD bytes per packet.
    let everyPacket = packets * (MemoryLayout<AdvertisementReport>.stride + averageData + 32)
    print("""
    {"seconds": \(s), "devices": \(results.count), "packets": \(packets), "packetsPerSecond": \(Int(Double(packets) / s)), \
    "retainedReports": \(retained), "rssDeltaBytes": \(after - before), "everyPacketEstimateBytes": \(everyPacket)}
    """)
}
backend.stop()
runner.stop()
