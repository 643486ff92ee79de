import BGAPICore

/// A deterministic, realistic device→host byte stream for benchmarks and framing tests: mostly scan
/// reports and notifications, with connection status, procedure completions, discovery results and
/// responses mixed in, as a BLED112 produces while a host scans and talks to a few devices.
public enum MixedStream {
    /// The messages of the stream, in order.
    public static func messages(count: Int, seed: UInt64 = 1) -> [BGAPIMessage] {
        var rng = SplitMix64(seed: seed)
        func byte() -> UInt8 { UInt8(truncatingIfNeeded: rng.next()) }
        func bytes(_ n: Int) -> [UInt8] { (0 ..< n).map { _ in byte() } }
        var out: [BGAPIMessage] = []
        out.reserveCapacity(count)
        for _ in 0 ..< count {
            let roll = rng.next() % 100
            let connection = ConnectionHandle(byte() % 3)
            switch roll {
            case 0 ..< 50:
                // Advertising report: flags + name + service list + manufacturer data, 3...31 bytes.
                let adLength = Int(3 + rng.next() % 29)
                var data: [UInt8] = [0x02, 0x01, 0x06]
                if adLength > 3 { data += [UInt8(adLength - 4), 0xFF] + bytes(max(0, adLength - 5)) }
                out.append(.event(.gapScanResponse(.init(
                    rssi: Int8(-30 - Int(rng.next() % 70)), packetType: roll % 5 == 0 ? .scanResponse : .connectableAdvertisement,
                    sender: BluetoothAddress(rawValue: rng.next()), addressType: roll % 2 == 0 ? .public : .random,
                    bond: .none, data: Array(data.prefix(adLength))))))
            case 50 ..< 80:
                out.append(.event(.attClientAttributeValue(.init(
                    connection: connection, attHandle: AttributeHandle(UInt16(0x10 + rng.next() % 32)),
                    type: .notify, value: bytes(Int(1 + rng.next() % 20))))))
            case 80 ..< 85:
                out.append(.event(.connectionStatus(.init(
                    connection: connection, flags: [.connected, .completed], address: BluetoothAddress(rawValue: rng.next()),
                    addressType: .public, connInterval: 60, timeout: 100, latency: 0, bonding: .none))))
            case 85 ..< 90:
                out.append(.event(.attClientProcedureCompleted(.init(
                    connection: connection, result: .success, chrHandle: AttributeHandle(UInt16(rng.next() % 0x100))))))
            case 90 ..< 95:
                out.append(.event(.attClientFindInformationFound(.init(
                    connection: connection, chrHandle: AttributeHandle(UInt16(rng.next() % 0x100)),
                    uuid: roll % 2 == 0 ? BluetoothUUID(0x2902) : BluetoothUUID(littleEndianBytes: bytes(16))))))
            default:
                out.append(roll % 2 == 0
                    ? .response(.attClientAttributeWrite(.init(connection: connection, result: .success)))
                    : .response(.attClientReadByHandle(.init(connection: connection, result: .success))))
            }
        }
        return out
    }

    /// The stream's bytes: every message framed and concatenated.
    public static func bytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
        messages(count: count, seed: seed).flatMap { (try? $0.encodedBytes()) ?? [] }
    }
}
