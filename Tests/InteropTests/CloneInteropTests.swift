import BGAPI
import BGAPIEmulator
import Foundation
import Testing

/// `blex clone` judged by clients we did not write: blex's library records a session against the real
/// `bled112-emulator` binary, the recording becomes a scenario, a second emulator binary loads it, and pygatt
/// 5.0.0 and bgapi 0.7 must see the same services, handles, properties, descriptors and values on both.
/// (Part of `EmulatorInteropTests`, so it never runs Python clients beside the other interop tests.)
enum CloneInterop {
    /// A `bled112-emulator` process on a `--link`, stopped when released.
    final class RunningEmulator {
        let process = Process()
        let link: String
        init(_ arguments: [String], in directory: URL, name: String) throws {
            link = directory.appendingPathComponent(name).path
            process.executableURL = try EmulatorSession.emulatorBinary
            process.arguments = arguments + ["--link", link]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            guard EmulatorSession.readLine(from: out.fileHandleForReading)?.hasPrefix("/") == true else {
                throw Oracle.Failure(description: "emulator \(arguments) printed no pty path")
            }
        }
        deinit {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    /// Records blex exploring `target` (scan, connect, discover, read every value and descriptor but CCCDs).
    static func record(_ link: String, _ target: BluetoothAddress, into file: String) throws {
        let recorder = try TrafficRecorder(path: file, port: link)
        defer { recorder.close() }
        let backend = BGAPIBackend(port: .path(link), recorder: recorder)
        try backend.start(reset: true, delayAfterReset: .milliseconds(20))
        defer { backend.stop() }
        _ = try backend.macAddress()
        let heard = try #require(try backend.scan(timeout: .milliseconds(1200)).first { $0.address == target })
        let device = try backend.connect(address: target, addressType: heard.addressType)
        for c in try device.discoverServices().flatMap(\.characteristics) {
            var handles = c.descriptors.filter { $0.uuid != BluetoothUUID(0x2902) }.map(\.handle)
            if c.properties.contains(.read) { handles.insert(c.valueHandle, at: 0) }
            for h in handles { _ = try? device.readLongHandle(h) }
        }
        try device.disconnect()
    }

    static func view(_ link: String, _ address: String, volatile: [String]) throws -> NSDictionary {
        let client = Process()
        client.executableURL = try Oracle.python
        client.arguments = [Oracle.interopDirectory.appendingPathComponent("clone_check.py").path, link, address, "public"] + volatile
        let out = Pipe()
        client.standardOutput = out
        client.standardError = out
        try client.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        guard client.terminationStatus == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary else {
            throw Oracle.Failure(description: "clone_check.py failed (exit \(client.terminationStatus)):\n\(output)")
        }
        return json
    }

}

extension EmulatorInteropTests {
    @Test func pygattAndBgapiSeeTheSameThermometerOnTheOriginalAndItsClone() throws {
        typealias RunningEmulator = CloneInterop.RunningEmulator
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blex-clone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let thermo = BluetoothAddress("D0:5F:B8:22:33:02")!
        let original = try RunningEmulator(["--fast"], in: dir, name: "original")
        let recording = dir.appendingPathComponent("session.blexrec").path
        try CloneInterop.record(original.link, thermo, into: recording)

        var cloner = DeviceCloner(target: thermo)
        cloner.observe(try Recording(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: recording)))))
        let scenarioFile = dir.appendingPathComponent("thermo.json")
        try cloner.scenario().encodedJSON().write(to: scenarioFile)
        let clone = try RunningEmulator(["--fast", "--scenario", scenarioFile.path], in: dir, name: "clone")

        // Temperatures and the battery follow generators on the original; the clone holds what was read.
        let volatile = ["2A6E", "2A19", "2A1C"]
        let seenOnOriginal = try CloneInterop.view(original.link, thermo.description, volatile: volatile)
        let seenOnClone = try CloneInterop.view(clone.link, thermo.description, volatile: volatile)
        #expect(seenOnClone.isEqual(to: seenOnOriginal as! [AnyHashable: Any]), "original \(seenOnOriginal)\nclone \(seenOnClone)")
        let characteristics = (seenOnOriginal["bgapi"] as? NSDictionary)?["characteristics"] as? [Any]
        #expect((characteristics?.count ?? 0) >= 10)
    }
}
