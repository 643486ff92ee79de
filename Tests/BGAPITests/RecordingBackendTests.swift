import BGAPI
import BGAPICore
import BGAPIEmulator
import BGAPITransport
import Foundation
import Synchronization
import Testing

/// Recording a live session through a real pty (docs/recording.md).
@Suite(.serialized) struct RecordingBackendTests {
    @Test func aRecordingHoldsTheWholeSessionFromTheResetOn() throws {
        let dongle = try VirtualDongle()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-rec-\(UUID().uuidString).blexrec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let recorder = try TrafficRecorder(path: file, port: dongle.link)
        let backend = BGAPIBackend(port: .path(dongle.link), recorder: recorder)
        try backend.start(reset: true, delayAfterReset: .milliseconds(20))
        _ = try backend.macAddress()
        _ = try backend.send(SystemGetInfoCommand())
        _ = try backend.scan(timeout: .milliseconds(300))
        let hrm = try backend.connect(address: Demo.hrm)
        _ = try hrm.discoverServices()
        let battery = try hrm.read(BluetoothUUID(0x2A19))
        try hrm.disconnect()
        backend.stop()
        recorder.close()

        let recording = try Recording(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(recording.damage == nil)
        #expect(recording.header.port == dongle.link)
        #expect(recording.header.dongleAddress == BluetoothAddress("00:07:80:B1:E0:01"))
        #expect(recording.header.dongleFirmware?.major == 1 && recording.header.dongleFirmware?.minor == 7)
        #expect(recording.entries.first?.content == .port(.opened(dongle.link)))
        let messages = recording.entries.compactMap { entry -> BGAPIMessage? in
            guard case let .packet(direction, packet) = entry.content else { return nil }
            return try? BGAPIMessage(decoding: packet, direction: direction)
        }
        // The very first packet is the reset, then the port closes and opens again (the BLED112 re-enumerates).
        guard case .command(.systemReset) = messages.first else { Issue.record("first packet: \(String(describing: messages.first))"); return }
        let ports = recording.entries.compactMap { e -> RecordingPortEvent? in if case let .port(p) = e.content { p } else { nil } }
        #expect(ports.count >= 4)
        #expect(messages.contains { if case .event(.gapScanResponse) = $0 { true } else { false } })
        #expect(messages.contains { if case .event(.connectionStatus) = $0 { true } else { false } })
        #expect(messages.contains { if case .event(.attClientGroupFound) = $0 { true } else { false } })
        #expect(messages.contains { if case let .event(.attClientAttributeValue(v)) = $0 { v.value == battery } else { false } })
        // Times only move forward.
        #expect(zip(recording.entries, recording.entries.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test func aFailingSinkStopsTheRecordingButNotTheTraffic() throws {
        let dongle = try VirtualDongle()
        let calls = Mutex(0)
        let recorder = try TrafficRecorder(header: RecordingHeader(port: "test"), sink: { (_: [UInt8]) throws(TransportError) in
            let n = calls.withLock { c -> Int in c += 1; return c }
            if n > 3 { throw TransportError(operation: .write, path: "disk", code: 28, message: "No space left on device") }
        })
        let backend = BGAPIBackend(port: .path(dongle.link), recorder: recorder)
        try backend.start(reset: false)
        defer { backend.stop() }
        #expect(try backend.macAddress() == BluetoothAddress("00:07:80:B1:E0:01"))
        #expect(recorder.failure?.code == 28)
        #expect(calls.withLock { $0 } == 4)
    }

    @Test func aCappedRecordingStaysUnderItsCap() throws {
        let dongle = try VirtualDongle()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-cap-\(UUID().uuidString).blexrec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let recorder = try TrafficRecorder(path: file, port: dongle.link, maximumBytes: 1024)
        let backend = BGAPIBackend(port: .path(dongle.link), recorder: recorder)
        try backend.start(reset: false)
        _ = try backend.scan(timeout: .milliseconds(500))
        backend.stop()
        recorder.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(bytes.count <= 1024)
        #expect(recorder.isFull)
        #expect(try Recording(bytes: bytes).entries.last?.content == .capReached)
    }
}
