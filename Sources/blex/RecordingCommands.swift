import ArgumentParser
import BGAPI
import BGAPIEmulator
import Foundation
import Explorer
import TUI

/// Reads a recording file, with a one-line error that says what to do.
func loadRecording(_ path: String) throws -> Recording {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ScriptFailure("cannot read \(path): \(error.localizedDescription)", .failure)
    }
    do { return try Recording(bytes: Array(data)) } catch {
        throw ScriptFailure("\(path): \(error)", .failure)
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a recording made with --record (docs/recording.md).",
        discussion: """
        On a terminal: the explorer, read-only, fed by the recording. Space pause/play, . one event, + - speed \
        (x0.1 to x100), : jump to a time (seconds, Enter), n next error or lost link, q quit. With --json, one JSON \
        object per record (time in seconds, direction, decoded message, raw hex); with --list, a readable listing.
        """)
    @Argument(help: "The recording file.") var file: String
    @Flag(help: "Decoded packets as JSON Lines.") var json = false
    @Flag(help: "A readable listing instead of the explorer.") var list = false
    @Flag(help: "ASCII lines and sparklines instead of Unicode.") var ascii = false
    @Flag(name: .customLong("no-mouse"), help: "Do not capture the mouse.") var noMouse = false

    func run() throws { try reportingFailures(body) }

    private func body() throws {
        let recording = try loadRecording(file)
        if !json, !list, isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 {
            let start = recording.header.startedAt.map { Double($0) / 1000 } ?? Date().timeIntervalSince1970
            var initial = ExplorerState()
            initial.portName = recording.header.port
            initial.utcOffset = TimeZone.current.secondsFromGMT()
            initial.scanning = false
            let events = ReplayTimeline.events(from: recording, start: start)
            let (ascii, mouse) = (ascii, !noMouse)
            MainActor.assumeIsolated {
                initial.ascii = ascii || !ExplorerApp.localeIsUTF8
                ReplayApp(session: ReplaySession(events: events, initial: initial, start: start), mouse: mouse).run()
            }
        }
        if json {
            print(RecordingJSON.line(for: recording.header))
            for entry in recording.entries { print(RecordingJSON.line(for: entry)) }
            if let damage = recording.damage { print(RecordingJSON.line(for: damage)) }
            return
        }
        let h = recording.header
        print("recording of \(Sanitizer.inert(h.port)) by blex \(Sanitizer.inert(h.blexVersion)) (\(h.side.rawValue) side)"
              + (h.dongleAddress.map { ", dongle \($0)" } ?? ""))
        for entry in recording.entries { print(describe(entry)) }
        if let damage = recording.damage { print("!! \(damage)") }
    }

    func describe(_ entry: RecordingEntry) -> String {
        let t = RecordingJSON.seconds(entry.time)
        switch entry.content {
        case let .packet(direction, packet):
            let arrow = direction == .hostToDevice ? "→" : "←"
            let text = (try? BGAPIMessage(decoding: packet, direction: direction)).map { "\($0)" } ?? "malformed \(packet)"
            return "\(t)  \(arrow) \(Sanitizer.inert(text))"
        case let .discarded(direction, dropped):
            return "\(t)  \(direction == .hostToDevice ? "→" : "←") \(dropped)"
        case let .dongleInfo(address, firmware):
            return "\(t)  dongle" + (address.map { " \($0)" } ?? "") + (firmware.map { " firmware \($0.major).\($0.minor).\($0.patch) build \($0.build)" } ?? "")
        case let .port(.opened(name)): return "\(t)  port opened: \(Sanitizer.inert(name))"
        case let .port(.closed(why)): return "\(t)  port closed\(why.isEmpty ? "" : ": \(Sanitizer.inert(why))")"
        case .capReached: return "\(t)  size cap reached: nothing more was recorded"
        case let .unknown(kind, body): return "\(t)  unknown record 0x\(String(kind, radix: 16)) (\(body.count) bytes)"
        }
    }
}

struct Clone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an emulator scenario of one device from a recording (docs/recording.md).",
        discussion: "Load the result with `bled112-emulator --scenario FILE` or `blex --scenario FILE`.")
    @Argument(help: "The recording file.") var file: String
    @Option(help: "The device's address, e.g. C4:7C:8D:6A:10:01.") var device: String
    @Option(name: .shortAndLong, help: "Where to write the scenario (default: stdout).") var output: String?

    func run() throws { try reportingFailures(body) }

    private func body() throws {
        guard let target = BluetoothAddress(device) else {
            throw ScriptFailure("'\(device)' is not an address like C4:7C:8D:6A:10:01", .usage)
        }
        let recording = try loadRecording(file)
        var cloner = DeviceCloner(target: target)
        cloner.observe(recording)
        let world: Scenario
        do { world = try cloner.scenario() } catch { throw ScriptFailure("\(file): \(error)", .notFound) }
        // The scenario must load as it will be loaded.
        do { _ = try DongleModel(scenario: world, timing: .instant) } catch {
            throw ScriptFailure("the clone is not a valid scenario (\(error)); please report this with the recording", .failure)
        }
        let json = try world.encodedJSON()
        if let output {
            do { try json.write(to: URL(fileURLWithPath: output)) } catch {
                throw ScriptFailure("cannot write \(output): \(error.localizedDescription)", .failure)
            }
            FileHandle.standardError.write(Data("wrote \(output): \(world.peripherals.first?.services.count ?? 0) services; \(world.notes?.dropFirst().joined(separator: "; ") ?? "")\n".utf8))
        } else {
            FileHandle.standardOutput.write(json)
        }
    }
}
