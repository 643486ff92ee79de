import ArgumentParser
import BGAPI
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import Synchronization
import TUI

/// Options every subcommand shares: which dongle.
struct DongleOptions: ParsableArguments {
    @Option(name: .long, help: "Serial port of a BLED112 or an emulator pty (default: find a BLED112, else the virtual dongle).")
    var port: String?

    @Option(name: .long, help: "World for the virtual dongle: 'demo' or a scenario JSON file (implies the virtual dongle).")
    var scenario: String?

    @Option(name: .long, help: "Record every byte to and from the dongle, from the reset on, into this file (docs/recording.md).")
    var record: String?

    @Option(name: .customLong("record-max-bytes"), help: "Stop recording when the file reaches this many bytes.")
    var recordMaxBytes: Int?

    func start(callbackQueue: DispatchQueue = DispatchQueue(label: "blex.events"),
               prepare: (BGAPIBackend) -> Void = { _ in }) throws -> Dongle {
        let recording = record.map { RecordingRequest(path: $0, maximumBytes: recordMaxBytes) }
        do {
            let dongle = try Dongle.start(port: port, scenario: scenario, callbackQueue: callbackQueue, recording: recording,
                                          prepare: prepare)
            dongle.identifyForRecording()
            return dongle
        } catch {
            throw ValidationFailure(message: "\(error)")
        }
    }
}

/// The user's names for UUIDs (nRF Connect for Desktop's `uuid_definitions.json` format).
struct NamesOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Names for UUIDs, an nRF Connect for Desktop uuid_definitions.json (default: $XDG_CONFIG_HOME/blex/uuid_definitions.json).", valueName: "file"))
    var names: String?

    /// `--names`, else $XDG_CONFIG_HOME (or ~/.config) /blex/uuid_definitions.json.
    var path: String {
        if let names { return names }
        let env = ProcessInfo.processInfo.environment
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (env["HOME"] ?? NSHomeDirectory()) + "/.config"
        return config + "/blex/uuid_definitions.json"
    }

    /// The names in the file (none when it does not exist yet); a file that does not parse stops blex
    /// (exit status 64, the reason on stderr).
    func load() throws -> UserNames {
        guard let data = FileManager.default.contents(atPath: path) else {
            if names != nil, FileManager.default.fileExists(atPath: path) {
                throw ScriptFailure("names file \(path): cannot be read", .usage)
            }
            return UserNames()
        }
        do { return try UserNames(json: String(decoding: data, as: UTF8.self)) } catch {
            throw ScriptFailure("names file \(path): \(error)", .usage)
        }
    }
}

/// What the subcommands call a characteristic: the user's name, the SIG name, or the UUID.
func characteristicLabel(_ uuid: BluetoothUUID?, _ names: UserNames) -> String? {
    uuid.map { names.name($0, as: .characteristic) ?? uuidName($0) ?? $0.description }
}

/// A startup failure printed as one line, with exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@main
struct Blex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blex",
        abstract: "Explore Bluetooth LE devices through a BLED112 dongle (or its built-in virtual twin).",
        discussion: ExitStatus.helpText + " Timestamps are ISO 8601 UTC with milliseconds.",
        subcommands: [Explore.self, Scan.self, Read.self, Write.self, Watch.self, Gatt.self, Info.self, Replay.self, Clone.self],
        defaultSubcommand: Explore.self
    )
}

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The interactive explorer (default).")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var names: NamesOptions
    @Flag(help: "ASCII lines and sparklines instead of Unicode.") var ascii = false
    @Flag(name: .customLong("no-mouse"), help: "Do not capture the mouse.") var noMouse = false
    @Option(name: .customLong("device-capacity"),
            help: "Devices the scan list keeps (16…1000000); beyond it the stalest not connected, selected or bonded is evicted.")
    var deviceCapacity = ExplorerCaps().devices
    @Option(name: .customLong("rssi-history-seconds"), help: "Seconds of RSSI each device keeps for its sparkline (4…3600).")
    var rssiHistorySeconds = ExplorerCaps().rssiHistorySeconds
    @Option(name: .customLong("packet-history-capacity"),
            help: "Gaps between advertising packets each device keeps, for its interval (1…1024).")
    var packetHistoryCapacity = ExplorerCaps().packetHistory
    @Option(name: .customLong("log-capacity"), help: "Entries the notification log keeps (1…1000000; the oldest go first).")
    var logCapacity = ExplorerCaps().log
    @Option(name: .customLong("trace-capacity"),
            help: "BGAPI packets the traffic pane keeps (1…1000000; recorded from start-up; the oldest go first).")
    var traceCapacity = ExplorerCaps().trace

    var caps: ExplorerCaps {
        var caps = ExplorerCaps()
        (caps.devices, caps.rssiHistorySeconds, caps.packetHistory) = (deviceCapacity, rssiHistorySeconds, packetHistoryCapacity)
        (caps.log, caps.trace) = (logCapacity, traceCapacity)
        return caps
    }

    func validate() throws {
        if let problem = caps.problem { throw ValidationError(problem) }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw ValidationFailure(message: "blex needs a terminal; for scripts use `blex scan --json` and friends")
        }
        // A names file that does not parse stops blex before the terminal is taken (exit 64, the reason).
        var userNames = UserNames()
        try reportingFailures { userNames = try names.load() }
        let namesPath = names.path
        // Traffic is recorded from the very first command: the handler is in place before the backend starts,
        // and what it receives waits on the main queue until the explorer runs.
        let clock = TrafficClock()
        let started = try dongle.start(callbackQueue: .main) { backend in
            backend.tracesTraffic = true
            backend.setEventHandler(batchingFor: ExplorerApp.eventBatching) { event, time in
                guard let message = EffectRunner.message(for: event, at: time, clock: clock) else { return }
                MainActor.assumeIsolated { ExplorerApp.current?.dispatch(message) }
            }
        }
        MainActor.assumeIsolated {
            ExplorerApp(dongle: started, ascii: ascii, mouse: !noMouse, caps: caps, clock: clock,
                        names: userNames, namesPath: namesPath).run()
        }
    }
}

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scan and list devices.")
    @OptionGroup var dongle: DongleOptions
    @Option(help: "Seconds to scan.") var timeout: Double = 5
    @Flag(help: "Scan passively (no scan requests).") var passive = false
    @Flag(help: "One JSON object per device per line.") var json = false

    func run() throws {
        try reportingFailures {
            let d = try dongle.start()
            defer { d.backend.stop() }
            // --json streams: a device's object is printed when first heard, and again when a later packet
            // tells more (its name, services, TX power…); take the last object per address.
            let streamed = Mutex<[BluetoothAddress: (result: ScanResult, line: String)]>([:])
            let asJSON = json
            let results = try d.backend.scan(timeout: .milliseconds(Int64(timeout * 1000)), active: !passive) { report in
                guard asJSON else { return false }
                let line: String? = streamed.withLock { seen in
                    var r = seen[report.address]?.result ?? ScanResult(first: report)
                    if seen[report.address] != nil { r.add(report) }
                    let line = scanJSON(r, time: Date().timeIntervalSince1970)
                    // Only what changed besides the RSSI, packet count and time is worth a new line.
                    let key = { (l: String) in l.replacingOccurrences(of: #""(time|rssi|packets)":[^,]*,"#, with: "", options: .regularExpression) }
                    defer { seen[report.address] = (r, line) }
                    return seen[report.address].map { key($0.line) == key(line) } == true ? nil : line
                }
                if let line { print(line); fflush(nil) }
                return false
            }
            guard !json else { return }
            for r in results.sorted(by: { $0.rssi > $1.rssi }) {
                let company = r.latestByPacketType.values.lazy.compactMap { $0.data.manufacturerData.first?.companyID }.first
                let name = Sanitizer.inert(r.name ?? "(no name)")
                print("\(r.address)  \(r.addressType == .random ? "random" : "public")  \(String(r.rssi).leftPad(4)) dBm  \(name)"
                      + (company.flatMap(companyName).map { "  [\($0)]" } ?? ""))
            }
        }
    }
}

/// Connects to `address`, learning its address type from a short scan when not given; a device that only
/// broadcasts is refused at once. With `passkey`, bonds first (for characteristics that need it).
func connect(_ backend: BGAPIBackend, _ address: String, random: Bool?, passkey: UInt32? = nil) throws -> BGAPIDevice {
    guard let target = BluetoothAddress(address) else {
        throw ScriptFailure("'\(address)' is not an address like C4:7C:8D:6A:10:01", .usage)
    }
    var type: AddressType = random == true ? .random : .public
    if random == nil {
        // Stop at its first advertisement: its packet type says whether it accepts connections.
        let heard = try backend.scan(timeout: .seconds(3)) { $0.address == target && $0.packetType != .scanResponse }
        guard let hit = heard.first(where: { $0.address == target }) else {
            throw ScriptFailure("\(target) was not heard in 3 s: is it advertising and in range?", .notFound)
        }
        guard hit.isConnectable else {
            throw ScriptFailure("\(target) does not accept connections (it only broadcasts)", .connectFailed)
        }
        type = hit.addressType
    }
    let device: BGAPIDevice
    do { device = try backend.connect(address: target, timeout: .seconds(10), addressType: type) } catch {
        throw ScriptFailure("cannot connect to \(target): \(error)", error.code == nil && ExitStatus(error) == .dongle ? .dongle : .connectFailed)
    }
    if let passkey {
        try? backend.setSecurityParameters(requireMITM: false, ioCapabilities: .keyboardDisplay)
        do { try device.bond(permanent: true, passkey: passkey) } catch {
            throw ScriptFailure("pairing with \(target) failed: \(error)\(error.code.map { ": " + $0.meaning } ?? "")", .pairingFailed)
        }
    }
    return device
}

/// The passkey option of the commands that connect.
struct PasskeyOption: ParsableArguments {
    @Option(help: "Pair with this passkey (up to 6 digits) before reading or writing.") var passkey: String?

    func validate() throws {
        if let p = passkey, p.count > 6 || UInt32(p) == nil { throw ValidationError("--passkey takes up to six digits") }
    }
    var value: UInt32? { passkey.flatMap { UInt32($0) } }
}

/// A characteristic by UUID (`2A37`, 128-bit), a handle (`0x0012`, `18`) or its name (the user's or the SIG's).
func resolve(_ target: String, on device: BGAPIDevice, names: UserNames = UserNames()) throws -> AttributeHandle {
    let t = target.lowercased()
    if t.hasPrefix("0x"), t.count <= 6, let h = UInt16(t.dropFirst(2), radix: 16) { return AttributeHandle(h) }
    if t.count < 4, let h = UInt16(t) { return AttributeHandle(h) }
    guard let uuid = BluetoothUUID(target) else {
        let all: [GATTCharacteristic]
        do { all = try (device.services ?? device.discoverServices()).flatMap(\.characteristics) } catch {
            throw ScriptFailure("cannot discover \(device.address)'s characteristics: \(error)", (error as? BGAPIError).map(ExitStatus.init) ?? .failure)
        }
        if let c = all.first(where: { characteristicLabel($0.uuid, names)?.lowercased() == t }) { return c.valueHandle }
        throw ScriptFailure("'\(target)' is neither a UUID (2A37, 6E400002-…), a handle (0x0012) nor a characteristic's name on \(device.address)",
                            .notFound)
    }
    do { return try device.handle(for: uuid) } catch { throw ScriptFailure("\(uuid) is not on \(device.address): \(error)", .notFound) }
}

struct AddressArguments: ParsableArguments {
    @Argument(help: "Device address, e.g. C4:7C:8D:6A:10:01.") var address: String
    @Flag(exclusivity: .exclusive, help: "Address type (default: learnt from a short scan).")
    var addressType: AddressKind?

    enum AddressKind: String, EnumerableFlag { case `public`, random }
    var random: Bool? { addressType.map { $0 == .random } }
}

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a characteristic (long values whole).")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @Argument(help: "Characteristic UUID, handle or name (the user's, from --names, or the SIG's).") var characteristic: String
    @OptionGroup var names: NamesOptions
    @OptionGroup var passkey: PasskeyOption
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        try reportingFailures {
            let userNames = try names.load()
            let d = try dongle.start()
            defer { d.backend.stop() }
            let device = try connect(d.backend, target.address, random: target.random, passkey: passkey.value)
            let handle = try resolve(characteristic, on: device, names: userNames)
            let value = try device.readLongHandle(handle)
            let uuid = device.services?.flatMap(\.characteristics).first { $0.valueHandle == handle }?.uuid
            let decoded = uuid.flatMap { decodeValue($0, value) }
            let name = characteristicLabel(uuid, userNames)
            if json {
                print("{\"time\":\(jsonString(LogExport.isoTimestamp(Date().timeIntervalSince1970))),\"handle\":\"\(handle)\",\"name\":\(name.map(jsonString) ?? "null"),\"hex\":\"\(value.map { String(format: "%02X", $0) }.joined())\",\"decoded\":\(decoded.map(jsonString) ?? "null")}")
            } else {
                print(value.map { String(format: "%02X", $0) }.joined(separator: " ") + (decoded.map { "  (\(Sanitizer.inert($0)))" } ?? ""))
            }
        }
    }
}

struct Write: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write hex bytes (or --text) to a characteristic.")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @Argument(help: "Characteristic UUID or handle.") var characteristic: String
    @Argument(help: "Value as hex (01A0FF, '01 A0 FF', 0x01A0FF), or text with --text.") var value: String
    @Flag(help: "The value is UTF-8 text (escapes: \\n, \\t, \\xNN, \\\\).") var text = false
    @Flag(name: .customLong("no-response"), help: "Write without response.") var noResponse = false
    @OptionGroup var passkey: PasskeyOption

    func validate() throws {
        if case let .failure(e) = (text ? ValueFormat.text : .hex).parse(value) {
            throw ValidationError("bad \(text ? "text" : "hex") value: \(e)")
        }
    }

    func run() throws {
        try reportingFailures {
            guard case let .success(bytes) = (text ? ValueFormat.text : .hex).parse(value) else { return }
            if noResponse, bytes.count > BGAPIDevice.maximumWriteLength {
                throw ScriptFailure("\(bytes.count) bytes: a write without response carries at most \(BGAPIDevice.maximumWriteLength)", .usage)
            }
            let d = try dongle.start()
            defer { d.backend.stop() }
            let device = try connect(d.backend, target.address, random: target.random, passkey: passkey.value)
            let handle = try resolve(characteristic, on: device)
            if bytes.count > BGAPIDevice.maximumWriteLength { try device.writeLongHandle(handle, bytes) }
            else { try device.writeHandle(handle, bytes, withResponse: !noResponse) }
            print("wrote \(bytes.count) bytes to \(handle)\(noResponse ? " (without response)" : "")")
        }
    }
}

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Subscribe and print notifications until interrupted.")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @Argument(help: "Characteristic UUID, handle or name (the user's, from --names, or the SIG's).") var characteristic: String
    @OptionGroup var names: NamesOptions
    @Flag(help: "Use indications instead of notifications (the default when the characteristic only indicates).") var indicate = false
    @OptionGroup var passkey: PasskeyOption
    @Option(help: "Stop after this many values.") var count: Int?
    @Option(help: "Stop after this many seconds.") var duration: Double?
    @Flag(help: "One JSON object per value per line.") var json = false

    func run() throws {
        try reportingFailures { try watch() }
    }

    private func watch() throws {
        let userNames = try names.load()
        let d = try dongle.start()
        let device = try connect(d.backend, target.address, random: target.random, passkey: passkey.value)
        let handle = try resolve(characteristic, on: device, names: userNames)
        let found = device.services?.flatMap(\.characteristics).first { $0.valueHandle == handle }
        let uuid = found?.uuid
        let name = characteristicLabel(uuid, userNames)
        // A characteristic that can only indicate is watched with indications.
        let indicate = indicate || found.map { $0.properties.contains(.indicate) && !$0.properties.contains(.notify) } == true
        let done = DispatchSemaphore(value: 0)
        let seen = Counter()
        let limit = count
        let asJSON = json
        try device.subscribeHandle(handle, indication: indicate) { h, value in
            let hex = value.map { String(format: "%02X", $0) }.joined(separator: asJSON ? "" : " ")
            let decoded = uuid.flatMap { decodeValue($0, value) }
            let time = LogExport.isoTimestamp(Date().timeIntervalSince1970)
            if asJSON {
                print("{\"time\":\(jsonString(time)),\"handle\":\"\(h)\",\"name\":\(name.map(jsonString) ?? "null"),\"hex\":\"\(hex)\",\"decoded\":\(decoded.map(jsonString) ?? "null")}")
            } else {
                print("\(time)  \(h)  \(name.map(Sanitizer.inert) ?? "")  \(hex)" + (decoded.map { "  (\(Sanitizer.inert($0)))" } ?? ""))
            }
            fflush(nil)
            if let limit, seen.increment() >= limit { done.signal() }
        }
        let finished = Counter()
        device.onDisconnect { reason in
            // The link we close ourselves at the end is not news.
            guard finished.value == 0 else { return }
            FileHandle.standardError.write(Data("disconnected: \(reason)\n".utf8))
            done.signal()
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { done.signal() }
        interrupt.resume()
        if let duration { _ = done.wait(timeout: .now() + duration) } else { done.wait() }
        _ = finished.increment()
        d.backend.stop()
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the dongle: port, address, firmware, bonds.")
    @OptionGroup var dongle: DongleOptions
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try reportingFailures {
            let d = try dongle.start()
            defer { d.backend.stop() }
            let info = try d.backend.send(SystemGetInfoCommand())
            let connections = try d.backend.send(SystemGetConnectionsCommand())
            let address = try d.backend.macAddress()
            let bonds = try d.backend.bonds()
            let firmware = "\(info.major).\(info.minor).\(info.patch)"
            if json {
                let fields: [(String, String)] = [
                    ("port", jsonString(d.name)), ("simulated", String(d.simulated)), ("address", jsonString(address.description)),
                    ("firmware", jsonString(firmware)), ("build", String(info.build)), ("linkLayer", String(info.llVersion)),
                    ("protocol", String(info.protocolVersion)), ("hardware", String(info.hw)),
                    ("connectionSlots", String(connections.maxConn)),
                    ("bonds", "[" + bonds.map { String($0.rawValue) }.joined(separator: ",") + "]"),
                ]
                print("{" + fields.map { "\"\($0)\":\($1)" }.joined(separator: ",") + "}")
                return
            }
            print("port:        \(d.name)\(d.simulated ? " (SIMULATED)" : "")")
            print("address:     \(address)")
            print("firmware:    \(firmware) build \(info.build), link layer \(info.llVersion), protocol \(info.protocolVersion), hardware \(info.hw)")
            print("connections: \(connections.maxConn) slots")
            print("bonds:       \(bonds.count)")
        }
    }
}

final class Counter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// JSON string literals for `--json` output: the same escaping as the explorer's log export.
func jsonString(_ s: String) -> String { LogExport.jsonString(s) }

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
