import ArgumentParser
import BGAPI
import Dispatch
import Explorer
import ExplorerRuntime
import Foundation
import TUI

/// Options every subcommand shares: which dongle.
struct DongleOptions: ParsableArguments {
    @Option(name: .long, help: "Serial port of a BLED112 or an emulator pty (default: find a BLED112, else the virtual dongle).")
    var port: String?

    @Option(name: .long, help: "World for the virtual dongle: 'demo' or a scenario JSON file (implies the virtual dongle).")
    var scenario: String?

    func start(callbackQueue: DispatchQueue = DispatchQueue(label: "blex.events")) throws -> Dongle {
        do { return try Dongle.start(port: port, scenario: scenario, callbackQueue: callbackQueue) } catch {
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

    /// The names in the file (none when it does not exist yet); a file that does not parse stops blex.
    func load() throws -> UserNames {
        guard let data = FileManager.default.contents(atPath: path) else {
            if names != nil, FileManager.default.fileExists(atPath: path) {
                throw ValidationFailure(message: "names file \(path): cannot be read")
            }
            return UserNames()
        }
        do { return try UserNames(json: String(decoding: data, as: UTF8.self)) } catch {
            throw ValidationFailure(message: "names file \(path): \(error)")
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
        subcommands: [Explore.self, Scan.self, Read.self, Write.self, Watch.self, Info.self],
        defaultSubcommand: Explore.self
    )
}

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The interactive explorer (default).")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var names: NamesOptions
    @Flag(help: "ASCII lines and sparklines instead of Unicode.") var ascii = false
    @Flag(name: .customLong("no-mouse"), help: "Do not capture the mouse.") var noMouse = false

    func run() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw ValidationFailure(message: "blex needs a terminal; for scripts use `blex scan --json` and friends")
        }
        let userNames = try names.load()
        let started = try dongle.start(callbackQueue: .main)
        let namesPath = names.path
        MainActor.assumeIsolated {
            ExplorerApp(dongle: started, ascii: ascii, mouse: !noMouse, names: userNames, namesPath: namesPath).run()
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
        let d = try dongle.start()
        defer { d.backend.stop() }
        let results = try d.backend.scan(timeout: .milliseconds(Int64(timeout * 1000)), active: !passive)
        for r in results.sorted(by: { $0.rssi > $1.rssi }) {
            let company = r.reports.lazy.compactMap { $0.data.manufacturerData.first?.companyID }.first
            let services = Array(Set(r.reports.flatMap { $0.data.serviceUUIDs.map(\.description) })).sorted()
            if json {
                let fields: [(String, String)] = [
                    ("address", jsonString(r.address.description)),
                    ("addressType", jsonString(r.addressType == .random ? "random" : "public")),
                    ("name", r.name.map(jsonString) ?? "null"), ("rssi", String(r.rssi)),
                    ("connectable", String(r.isConnectable)), ("packets", String(r.reports.count)),
                    ("company", company.map { String($0) } ?? "null"),
                    ("manufacturer", company.flatMap(companyName).map(jsonString) ?? "null"),
                    ("services", "[" + services.map(jsonString).joined(separator: ",") + "]"),
                ]
                print("{" + fields.map { "\"\($0)\":\($1)" }.joined(separator: ",") + "}")
            } else {
                let name = Sanitizer.inert(r.name ?? "(no name)")
                print("\(r.address)  \(r.addressType == .random ? "random" : "public")  \(String(r.rssi).leftPad(4)) dBm  \(name)"
                      + (company.flatMap(companyName).map { "  [\($0)]" } ?? ""))
            }
        }
    }
}

/// Connects to `address`, learning its address type from a short scan when not given.
func connect(_ backend: BGAPIBackend, _ address: String, random: Bool?) throws -> BGAPIDevice {
    guard let target = BluetoothAddress(address) else {
        throw ValidationFailure(message: "'\(address)' is not an address like C4:7C:8D:6A:10:01")
    }
    var type: AddressType = random == true ? .random : .public
    if random == nil {
        let heard = try backend.scan(timeout: .seconds(3)) { $0.address == target }
        guard let hit = heard.first(where: { $0.address == target }) else {
            throw ValidationFailure(message: "\(target) was not heard in 3 s: is it advertising and in range?")
        }
        type = hit.addressType
    }
    return try backend.connect(address: target, timeout: .seconds(10), addressType: type)
}

/// A characteristic by UUID (`2A37`, 128-bit), a handle (`0x0012`, `18`) or its name (the user's or the SIG's).
func resolve(_ target: String, on device: BGAPIDevice, names: UserNames = UserNames()) throws -> AttributeHandle {
    let t = target.lowercased()
    if t.hasPrefix("0x"), t.count <= 6, let h = UInt16(t.dropFirst(2), radix: 16) { return AttributeHandle(h) }
    if t.count < 4, let h = UInt16(t) { return AttributeHandle(h) }
    guard let uuid = BluetoothUUID(target) else {
        let all = try (device.services ?? device.discoverServices()).flatMap(\.characteristics)
        if let c = all.first(where: { characteristicLabel($0.uuid, names)?.lowercased() == t }) { return c.valueHandle }
        throw ValidationFailure(message: "'\(target)' is neither a UUID (2A37, 6E400002-…), a handle (0x0012) nor a characteristic's name")
    }
    return try device.handle(for: uuid)
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
    @Argument(help: "Characteristic UUID, handle or name.") var characteristic: String
    @OptionGroup var names: NamesOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let userNames = try names.load()
        let d = try dongle.start()
        defer { d.backend.stop() }
        let device = try connect(d.backend, target.address, random: target.random)
        let handle = try resolve(characteristic, on: device, names: userNames)
        let value = try device.readLongHandle(handle)
        let uuid = device.services?.flatMap(\.characteristics).first { $0.valueHandle == handle }?.uuid
        let decoded = uuid.flatMap { decodeValue($0, value) }
        let name = characteristicLabel(uuid, userNames)
        if json {
            print("{\"handle\":\"\(handle)\",\"name\":\(name.map(jsonString) ?? "null"),\"hex\":\"\(value.map { String(format: "%02X", $0) }.joined())\",\"decoded\":\(decoded.map(jsonString) ?? "null")}")
        } else {
            print(value.map { String(format: "%02X", $0) }.joined(separator: " ") + (decoded.map { "  (\(Sanitizer.inert($0)))" } ?? ""))
        }
    }
}

struct Write: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write hex bytes to a characteristic.")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @Argument(help: "Characteristic UUID or handle.") var characteristic: String
    @Argument(help: "Value as hex, e.g. 01A0FF or '01 A0 FF'.") var hex: String
    @Flag(name: .customLong("no-response"), help: "Write without response.") var noResponse = false

    func run() throws {
        let bytes: [UInt8]
        switch ValueFormat.hex.parse(hex) {
        case let .success(b): bytes = b
        case let .failure(e): throw ValidationFailure(message: "bad hex value: \(e)")
        }
        let d = try dongle.start()
        defer { d.backend.stop() }
        let device = try connect(d.backend, target.address, random: target.random)
        let handle = try resolve(characteristic, on: device)
        if bytes.count > BGAPIDevice.maximumWriteLength && !noResponse { try device.writeLongHandle(handle, bytes) }
        else { try device.writeHandle(handle, bytes, withResponse: !noResponse) }
        print("wrote \(bytes.count) bytes to \(handle)")
    }
}

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Subscribe and print notifications until interrupted.")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @Argument(help: "Characteristic UUID, handle or name.") var characteristic: String
    @OptionGroup var names: NamesOptions
    @Flag(help: "Use indications instead of notifications.") var indicate = false
    @Option(help: "Stop after this many values.") var count: Int?
    @Option(help: "Stop after this many seconds.") var duration: Double?
    @Flag(help: "One JSON object per value per line.") var json = false

    func run() throws {
        let userNames = try names.load()
        let d = try dongle.start()
        let device = try connect(d.backend, target.address, random: target.random)
        let handle = try resolve(characteristic, on: device, names: userNames)
        let uuid = device.services?.flatMap(\.characteristics).first { $0.valueHandle == handle }?.uuid
        let name = characteristicLabel(uuid, userNames)
        let done = DispatchSemaphore(value: 0)
        let seen = Counter()
        let limit = count
        let asJSON = json
        try device.subscribeHandle(handle, indication: indicate) { h, value in
            let hex = value.map { String(format: "%02X", $0) }.joined(separator: asJSON ? "" : " ")
            let decoded = uuid.flatMap { decodeValue($0, value) }
            let time = Date().timeIntervalSince1970
            if asJSON {
                print("{\"time\":\(String(format: "%.3f", time)),\"handle\":\"\(h)\",\"name\":\(name.map(jsonString) ?? "null"),\"hex\":\"\(hex)\",\"decoded\":\(decoded.map(jsonString) ?? "null")}")
            } else {
                print("\(String(format: "%.3f", time))  \(h)  \(name.map(Sanitizer.inert) ?? "")  \(hex)" + (decoded.map { "  (\(Sanitizer.inert($0)))" } ?? ""))
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

    func run() throws {
        let d = try dongle.start()
        defer { d.backend.stop() }
        let info = try d.backend.send(SystemGetInfoCommand())
        let connections = try d.backend.send(SystemGetConnectionsCommand())
        print("port:        \(d.name)\(d.simulated ? " (SIMULATED)" : "")")
        print("address:     \(try d.backend.macAddress())")
        print("firmware:    \(info.major).\(info.minor).\(info.patch) build \(info.build), link layer \(info.llVersion), protocol \(info.protocolVersion), hardware \(info.hw)")
        print("connections: \(connections.maxConn) slots")
        print("bonds:       \(try d.backend.bonds().count)")
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
