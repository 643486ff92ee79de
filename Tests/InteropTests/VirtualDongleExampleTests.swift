import Foundation
import Testing

/// The pytest example of docs/virtual-dongle.md, run as a pygatt user would run it against the built emulator,
/// so the document cannot rot.
struct VirtualDongleExampleTests {
    @Test func thePytestExampleSuitePassesAgainstTheEmulator() throws {
        let pytest = Process()
        pytest.executableURL = try Oracle.python
        let example = Oracle.interopDirectory.appendingPathComponent("example")
        pytest.arguments = ["-m", "pytest", "-q", "-p", "no:cacheprovider", example.path]
        pytest.currentDirectoryURL = example
        var environment = ProcessInfo.processInfo.environment
        environment["BLED112_EMULATOR"] = try EmulatorSession.emulatorBinary.path
        pytest.environment = environment
        let out = Pipe()
        pytest.standardOutput = out
        pytest.standardError = out
        try pytest.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        pytest.waitUntilExit()
        #expect(pytest.terminationStatus == 0, "pytest failed:\n\(output)")
        #expect(output.contains("3 passed"), "\(output)")
    }
}
