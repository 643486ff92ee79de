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

/// Connected to the demo-like heart-rate monitor with 5 minutes of history at 10 notifications a second
/// (3,000 values) and 5 minutes of RSSI, the chart view open on it: the biggest chart a frame draws.
func chartState(width: Int, height: Int) -> ExplorerState {
    var state = ExplorerState()
    state.width = width
    state.height = height
    let address = BluetoothAddress(rawValue: 0xC47C_8D6A_1001)
    let start = 1_764_000_000.0
    let report = AdvertisementReport(address: address, addressType: .public, packetType: .connectableAdvertisement,
                                     rssi: -52, bond: .none, data: AdvertisingData(bytes: [0x02, 0x01, 0x06, 0x04, 0x09, 0x48, 0x52, 0x4D]))
    _ = update(&state, .advertisement(report, start))
    _ = update(&state, .key(.enter))
    let hr = BluetoothUUID(0x180D)
    let measurement = GATTCharacteristic(uuid: BluetoothUUID(0x2A37), declarationHandle: AttributeHandle(0x000B),
                                         valueHandle: AttributeHandle(0x000C), properties: .notify,
                                         descriptors: [GATTDescriptor(uuid: BluetoothUUID(0x2902), handle: AttributeHandle(0x000D))],
                                         serviceUUID: hr)
    _ = update(&state, .connected(address, parameters: "", encrypted: false))
    _ = update(&state, .discovered(address, [GATTService(uuid: hr, startHandle: AttributeHandle(0x000A),
                                                         endHandle: AttributeHandle(0x000D), characteristics: [measurement])]))
    for i in 0 ..< 3000 {
        let t = start + Double(i) / 10
        _ = update(&state, .notified(address, AttributeHandle(0x000C), [0x00, UInt8(60 + (i / 7) % 30)], indication: false, t))
        if i % 10 == 0 { _ = update(&state, .rssi(address, Int8(-50 - (i / 10) % 20))) }
        state.now = t
    }
    state.focus = .details
    state.connections[address]!.selection = .characteristic(AttributeHandle(0x000C))
    _ = update(&state, .key(.character("v")))
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

    // The chart view over 5 minutes of a 10 Hz characteristic (3,000 values, braille) and its RSSI, 120×40.
    let chart = chartState(width: 120, height: 40)
    Benchmark("render chart frame, 5 min at 10 Hz, 120x40", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ExplorerView.render(chart)) }
    }

    // What a notification costs the UI thread with its series full (decode, record, log).
    Benchmark("update: 1000 notifications into a full series", configuration: configuration) { benchmark in
        var state = chart
        let address = BluetoothAddress(rawValue: 0xC47C_8D6A_1001)
        for _ in benchmark.scaledIterations {
            for i in 0 ..< 1000 {
                _ = update(&state, .notified(address, AttributeHandle(0x000C), [0x00, 72], indication: false, state.now + Double(i) / 1000))
            }
        }
        blackHole(state)
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
