import ArgumentParser
import BGAPI
import Explorer
import Foundation
import TUI

/// How a subcommand ended, as its exit status: one code per kind of failure, so a script can tell a device
/// that was not there from one that refused a read. Listed in `blex --help`.
enum ExitStatus: Int32, CaseIterable {
    /// Anything else that went wrong.
    case failure = 1
    /// No dongle, or it would not start, or it went away.
    case dongle = 2
    /// The device was not heard (or the characteristic is not on it).
    case notFound = 3
    /// The connection could not be made or was lost (refused, timed out, not connectable).
    case connectFailed = 4
    /// The device answered with an ATT error (read or write not permitted, insufficient authentication, …).
    case attError = 5
    /// The dongle or the device did not answer in time.
    case timeout = 6
    /// Pairing failed (wrong passkey, pairing refused).
    case pairingFailed = 7
    /// Bad arguments (ArgumentParser's own validation uses the same code).
    case usage = 64

    /// One line for `--help`.
    var meaning: String {
        switch self {
        case .failure: "other failure"
        case .dongle: "no dongle, or it failed"
        case .notFound: "device not heard, or characteristic not on it"
        case .connectFailed: "connect failed or the link dropped"
        case .attError: "the device refused (ATT error)"
        case .timeout: "no answer in time"
        case .pairingFailed: "pairing failed"
        case .usage: "bad arguments"
        }
    }

    /// The table for `blex --help`.
    static var helpText: String {
        "Exit status: 0 success; " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; ") + "."
    }

    /// The code for a library error.
    init(_ error: BGAPIError) {
        switch error {
        case .att: self = .attError
        case .timeout: self = .timeout
        case .bluetooth, .disconnected, .notConnected: self = .connectFailed
        case .securityManager: self = .pairingFailed
        case .portClosed, .noDongle, .notRunning: self = .dongle
        case .invalidArgument: self = .usage
        case .notFound: self = .notFound
        default: self = .failure
        }
    }
}

/// A subcommand's failure: one line on stderr, and its exit status.
struct ScriptFailure: Error, CustomStringConvertible {
    let message: String
    let status: ExitStatus
    init(_ message: String, _ status: ExitStatus) {
        self.message = message
        self.status = status
    }
    var description: String { message }
}

/// Runs a subcommand's body, turning every failure into one line on stderr and its `ExitStatus`.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let f as ScriptFailure {
        FileHandle.standardError.write(Data("blex: \(f.message)\n".utf8))
        throw ExitCode(f.status.rawValue)
    } catch let f as ValidationFailure {
        FileHandle.standardError.write(Data("blex: \(f.message)\n".utf8))
        throw ExitCode(ExitStatus.dongle.rawValue)
    } catch let e as BGAPIError {
        FileHandle.standardError.write(Data("blex: \(e)\(e.code.map { ": " + $0.meaning } ?? "")\n".utf8))
        throw ExitCode(ExitStatus(e).rawValue)
    }
}

/// Everything a scan heard about one device, as one JSON object (`scan --json`).
func scanJSON(_ r: ScanResult, time: Double) -> String {
    let data = r.latestByPacketType.values.map(\.data)
    let company = data.lazy.compactMap { $0.manufacturerData.first?.companyID }.first
    let services = Array(Set(data.flatMap { $0.serviceUUIDs.map(\.description) })).sorted()
    let tx = data.lazy.compactMap(\.txPowerLevel).first
    let appearance = data.lazy.compactMap(\.appearance).first
    var serviceData: [String: String] = [:]
    for d in data { for sd in d.serviceData { serviceData[sd.uuid.description] = sd.data.map { String(format: "%02X", $0) }.joined() } }
    var beacon = "null"
    for d in data {
        if let b = d.manufacturerData.lazy.compactMap(\.iBeacon).first {
            beacon = "{\"type\":\"iBeacon\",\"uuid\":\(jsonString(b.proximityUUID.description)),\"major\":\(b.major),\"minor\":\(b.minor),\"measuredPower\":\(b.measuredPower)}"
        }
        for sd in d.serviceData {
            switch sd.eddystone {
            case let .url(txPower, url)?: beacon = "{\"type\":\"Eddystone-URL\",\"url\":\(jsonString(url)),\"txPower\":\(txPower)}"
            case let .uid(txPower, ns, inst)?:
                beacon = "{\"type\":\"Eddystone-UID\",\"namespace\":\"\(ns.map { String(format: "%02X", $0) }.joined())\",\"instance\":\"\(inst.map { String(format: "%02X", $0) }.joined())\",\"txPower\":\(txPower)}"
            case let .tlm(t)?:
                beacon = "{\"type\":\"Eddystone-TLM\",\"batteryMillivolts\":\(t.batteryMillivolts),\"temperatureCelsius\":\(t.temperatureCelsius.map { String($0) } ?? "null")}"
            default: break
            }
        }
    }
    let fields: [(String, String)] = [
        ("time", jsonString(LogExport.isoTimestamp(time))),
        ("address", jsonString(r.address.description)),
        ("addressType", jsonString(r.addressType == .random ? "random" : "public")),
        ("name", r.name.map(jsonString) ?? "null"), ("rssi", String(r.rssi)),
        ("connectable", String(r.isConnectable)), ("packets", String(r.packetCount)),
        ("txPower", tx.map { String($0) } ?? "null"),
        ("appearance", appearance.map { String($0) } ?? "null"),
        ("company", company.map { String($0) } ?? "null"),
        ("manufacturer", company.flatMap(companyName).map(jsonString) ?? "null"),
        ("services", "[" + services.map(jsonString).joined(separator: ",") + "]"),
        ("serviceData", "{" + serviceData.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",") + "}"),
        ("beacon", beacon),
    ]
    return "{" + fields.map { "\"\($0)\":\($1)" }.joined(separator: ",") + "}"
}
