import Benchmark
import BGAPICore
import Explorer
import TUI

/// A state with `count` devices heard for a minute (full sparklines), as the scan pane would hold them.
func crowdedState(_ count: Int, width: Int, height: Int) -> ExplorerState {
    var state = ExplorerState()
    state.width = width
    state.height = height
    for second in 0 ..< 60 {
        for i in 0 ..< count {
            let address = BluetoothAddress(rawValue: 0xC000_0000_0000 + UInt64(i))
            let name = Array("Device \(i)".utf8)
            let data: [UInt8] = [0x02, 0x01, 0x06, UInt8(name.count + 1), 0x09] + name + [0x05, 0xFF, 0x4C, 0x00, 0x01, 0x02]
            let report = AdvertisementReport(address: address, addressType: .public, packetType: .connectableAdvertisement,
                                             rssi: Int8(-40 - (i + second) % 60), bond: .none,
                                             data: AdvertisingData(bytes: data))
            _ = update(&state, .advertisement(report, 1_764_000_000 + Double(second) + Double(i) / Double(count)))
        }
    }
    _ = update(&state, .tick(1_764_000_060))
    return state
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal],
                                                warmupIterations: 3, maxDuration: .seconds(5), maxIterations: 500)
    let crowded = crowdedState(1000, width: 120, height: 40)
    let small = crowdedState(10, width: 120, height: 40)

    // One whole frame (layout, table rows on screen, sparklines, status) with 1,000 devices known.
    Benchmark("render frame, 1000 devices, 120x40", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ExplorerView.render(crowded)) }
    }

    Benchmark("render frame, 10 devices, 120x40", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ExplorerView.render(small)) }
    }

    // What one advertisement costs the UI thread: parse its AD data and fold it into the state.
    Benchmark("update: 2000 advertisements into 1000 devices", configuration: configuration) { benchmark in
        var state = crowded
        let reports = (0 ..< 2000).map { i in
            AdvertisementReport(address: BluetoothAddress(rawValue: 0xC000_0000_0000 + UInt64(i % 1000)), addressType: .public,
                                packetType: .connectableAdvertisement, rssi: -60, bond: .none,
                                data: AdvertisingData(bytes: [0x02, 0x01, 0x06, 0x05, 0x09, 0x41, 0x42, 0x43, 0x44]))
        }
        for _ in benchmark.scaledIterations {
            for (i, r) in reports.enumerated() { _ = update(&state, .advertisement(r, 1_764_000_061 + Double(i) / 2000)) }
        }
        blackHole(state)
    }
}
