import Foundation
import Testing

/// pygatt 5.0.0 and bgapi 0.7, unmodified, drive the real `bled112-emulator` binary through a pty.
@Suite(.serialized) struct EmulatorInteropTests {
    @Test func pygattBackendDoesEverythingAgainstTheVirtualDongle() throws {
        let summary = try EmulatorSession.run(script: "emulator_pygatt.py", emulatorArguments: ["--fast"])
        #expect(summary["ok"] as? Bool == true)
        #expect((summary["scan_devices"] as? Int ?? 0) >= 9)
        #expect((summary["hrm_notifications"] as? Int ?? 0) >= 2)
        #expect((summary["thermo_indications"] as? Int ?? 0) >= 1)
    }

    @Test func bgapiClientDrivesTheVirtualDongle() throws {
        let summary = try EmulatorSession.run(script: "emulator_bgapi.py", emulatorArguments: ["--fast"])
        #expect(summary["ok"] as? Bool == true)
    }
}

/// Starts `bled112-emulator` with a `--link`, hands the link to a Python client script, and stops it with
/// SIGTERM. The link matters: like a real BLED112 (reference §1.3), the emulator drops off "USB" on the
/// `system_reset` that pygatt's `start()` sends and comes back on a new pty; the link follows it, as
/// `/dev/ttyACM0` or a udev by-id link does for the real dongle.
enum EmulatorSession {
    static var emulatorBinary: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["BLEX_EMULATOR"], !path.isEmpty { return URL(fileURLWithPath: path) }
            // Tests run from the build directory that also holds the package's executables.
            var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0 ..< 4 {
                let candidate = dir.appendingPathComponent("bled112-emulator")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
            throw Oracle.Failure(description: "bled112-emulator not built: run `swift build --build-tests` first (the README's test command does)")
        }
    }

    static func run(script: String, emulatorArguments: [String]) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("blex-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyBLED112").path
        let emulator = Process()
        emulator.executableURL = try emulatorBinary
        emulator.arguments = emulatorArguments + ["--link", link]
        let out = Pipe(), err = Pipe()
        emulator.standardOutput = out
        emulator.standardError = err
        try emulator.run()
        defer {
            if emulator.isRunning { emulator.terminate() }
            emulator.waitUntilExit()
        }
        guard let path = readLine(from: out.fileHandleForReading), path.hasPrefix("/") else {
            throw Oracle.Failure(description: "emulator printed no pty path")
        }
        let client = Process()
        client.executableURL = try Oracle.python
        client.arguments = [Oracle.interopDirectory.appendingPathComponent(script).path, link]
        let clientOut = Pipe()
        client.standardOutput = clientOut
        client.standardError = clientOut
        try client.run()
        let output = String(decoding: clientOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        emulator.terminate()
        emulator.waitUntilExit()
        #expect(emulator.terminationStatus == 0, "emulator did not exit cleanly on SIGTERM")
        guard client.terminationStatus == 0,
              let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw Oracle.Failure(description: "\(script) failed (exit \(client.terminationStatus)):\n\(output)")
        }
        return summary
    }

    /// Reads one line without buffering past it (the emulator keeps writing to the pipe later).
    static func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while bytes.count < 4096 {
            let chunk = handle.readData(ofLength: 1)
            guard let b = chunk.first else { break }
            if b == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(b)
        }
        return nil
    }
}

/// The executable's own contract: first stdout line, `--link`, `--state`, clean exit on signals.
@Suite(.serialized) struct EmulatorExecutableTests {
    @Test func linkPointsAtThePtyAndStateFileIsPrivateAndBothAreTidiedOnExit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blex-emu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("ttyBLED112").path
        let state = dir.appendingPathComponent("flash.json").path
        let emulator = Process()
        emulator.executableURL = try EmulatorSession.emulatorBinary
        emulator.arguments = ["--fast", "--link", link, "--state", state]
        let out = Pipe()
        emulator.standardOutput = out
        emulator.standardError = FileHandle.nullDevice
        try emulator.run()
        let path = try #require(EmulatorSession.readLine(from: out.fileHandleForReading))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
        // Save a PS key through the link, as a host would: the flash file appears, owner-only.
        let fd = open(link, O_RDWR | O_NOCTTY)
        #expect(fd >= 0)
        let save: [UInt8] = [0x00, 0x06, 0x01, 0x03, 0x01, 0x80, 0x03, 0xAA, 0xBB, 0xCC] // flash_ps_save(0x8001, AA BB CC)
        _ = save.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response = [UInt8](repeating: 0, count: 6)
        var got = 0
        while got < 6 {
            let n = response.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, 6 - got) }
            if n <= 0 { break }
            got += n
        }
        close(fd)
        #expect(response == [0x00, 0x02, 0x01, 0x03, 0x00, 0x00])
        let attributes = try FileManager.default.attributesOfItem(atPath: state)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: state, encoding: .utf8).contains("8001"))
        emulator.interrupt() // SIGINT
        emulator.waitUntilExit()
        #expect(emulator.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: link))
    }

    /// Reference §1.3/§4.2 through the real binary: by default `system_reset` drops the pty (the link goes,
    /// a new path is printed and the link comes back); with `--uart` the port stays and `system_boot` arrives.
    @Test(arguments: [false, true])
    func resetReEnumeratesLikeABLED112OrBootsLikeAUARTModule(uart: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blex-emu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("ttyBLED112").path
        let emulator = Process()
        emulator.executableURL = try EmulatorSession.emulatorBinary
        emulator.arguments = ["--fast", "--link", link] + (uart ? ["--uart"] : [])
        let out = Pipe()
        emulator.standardOutput = out
        emulator.standardError = FileHandle.nullDevice
        try emulator.run()
        defer { emulator.interrupt(); emulator.waitUntilExit() }
        _ = try #require(EmulatorSession.readLine(from: out.fileHandleForReading))
        func exchange(_ bytes: [UInt8], expecting count: Int, on fd: Int32) -> [UInt8] {
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            var answer = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = answer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
                if n <= 0 { break }
                got += n
            }
            return Array(answer.prefix(got))
        }
        let fd = open(link, O_RDWR | O_NOCTTY)
        try #require(fd >= 0)
        let reset: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x00], hello: [UInt8] = [0x00, 0x00, 0x00, 0x01]
        if uart {
            let boot = exchange(reset, expecting: 16, on: fd)
            #expect(boot.prefix(4) == [0x80, 0x0C, 0x00, 0x00], "system_boot")
            #expect(exchange(hello, expecting: 4, on: fd) == hello, "same port, still answering")
            close(fd)
        } else {
            #expect(exchange(reset, expecting: 1, on: fd).isEmpty, "the port vanishes: no answer, no boot event")
            close(fd)
            let replugged = try #require(EmulatorSession.readLine(from: out.fileHandleForReading), "a new pty path is printed")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == replugged)
            let again = open(link, O_RDWR | O_NOCTTY)
            try #require(again >= 0)
            #expect(exchange(hello, expecting: 4, on: again) == hello)
            close(again)
        }
    }

    /// Issue 13: a hostile scenario file is refused with the key named, and the process exits (no SIGILL).
    @Test(arguments: [
        (#"{"peripherals": [{"id": "x", "address": "AA:00:00:00:00:01", "services": [{"uuid": "FFE0", "characteristics": [{"uuid": "FFE1", "properties": ["notify"], "notifyIntervalMs": 1e16}]}]}]}"#, "notifyIntervalMs"),
        (#"{"faults": [{"at": 1e21, "kind": "dropResponse"}]}"#, "faults[0].at"),
        (#"{"faults": [{"at": 1, "kind": "garble", "count": 2000000000}]}"#, "faults[0].count"),
        (#"{"faults": [{"at": 1, "kind": "unplugg"}]}"#, "faults[0].kind"),
    ])
    func hostileScenarioFilesAreRefusedNamingTheKey(json: String, key: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blex-hostile-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let emulator = Process()
        emulator.executableURL = try EmulatorSession.emulatorBinary
        emulator.arguments = ["--scenario", file.path]
        let out = Pipe(), err = Pipe()
        emulator.standardOutput = out
        emulator.standardError = err
        try emulator.run()
        emulator.waitUntilExit()
        #expect(emulator.terminationReason == .exit && emulator.terminationStatus != 0)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.split(separator: "\n").first?.contains(key) == true, "\(message)")
    }

    @Test func badScenarioFailsBeforeAnyPtyWithTheReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blex-bad-\(UUID().uuidString).json")
        try Data(#"{"peripherals": [{"id": "x", "address": "zz"}]}"#.utf8).write(to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let emulator = Process()
        emulator.executableURL = try EmulatorSession.emulatorBinary
        emulator.arguments = ["--scenario", dir.path]
        let out = Pipe(), err = Pipe()
        emulator.standardOutput = out
        emulator.standardError = err
        try emulator.run()
        emulator.waitUntilExit()
        #expect(emulator.terminationStatus != 0)
        #expect(out.fileHandleForReading.readDataToEndOfFile().isEmpty)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("'zz' is not an address"))
    }
}
