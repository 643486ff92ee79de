import ArgumentParser
import BGAPI
import Explorer
import Foundation
import TUI

/// `blex gatt ADDR`: the whole GATT table of a device — services, characteristics with properties, and
/// descriptors, each readable value read (long values whole) and decoded where the SIG format is known;
/// names from `--names` come before the SIG's.
struct Gatt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Dump a device's GATT table with its values.")
    @OptionGroup var dongle: DongleOptions
    @OptionGroup var target: AddressArguments
    @OptionGroup var passkey: PasskeyOption
    @OptionGroup var names: NamesOptions
    @Flag(help: "One JSON object: services, characteristics, descriptors, values.") var json = false

    func run() throws {
        try reportingFailures {
            let names = try names.load()
            let d = try dongle.start()
            defer { d.backend.stop() }
            let device = try connect(d.backend, target.address, random: target.random, passkey: passkey.value)
            let services = try device.discoverServices()
            // A value that cannot be read (not permitted, needs a bond) is reported as that error, not fatal.
            func read(_ handle: AttributeHandle) -> (value: [UInt8]?, error: String?) {
                do { return (try device.readLongHandle(handle), nil) } catch { return (nil, "\(error)") }
            }
            if json {
                print(gattJSON(device.address, services, names: names, read: read))
                return
            }
            print("\(device.address)")
            for s in services {
                print("\(s.uuid)  \(Sanitizer.inert(names.name(s.uuid, as: .service) ?? serviceName(s.uuid) ?? "service"))  \(s.startHandle)–\(s.endHandle)")
                for c in s.characteristics {
                    var line = "  \(c.valueHandle)  \(c.uuid)  \(Sanitizer.inert(names.name(c.uuid, as: .characteristic) ?? uuidName(c.uuid) ?? "characteristic"))  [\(c.properties)]"
                    if c.properties.contains(.read) { line += "  " + describe(c.uuid, read(c.valueHandle)) }
                    print(line)
                    for desc in c.descriptors {
                        print("    \(desc.handle)  \(desc.uuid)  \(Sanitizer.inert(names.name(desc.uuid, as: .descriptor) ?? uuidName(desc.uuid) ?? "descriptor"))  "
                              + describe(desc.uuid, read(desc.handle)))
                    }
                }
            }
        }
    }

    private func describe(_ uuid: BluetoothUUID, _ r: (value: [UInt8]?, error: String?)) -> String {
        guard let v = r.value else { return "(\(r.error ?? "unreadable"))" }
        let hex = v.map { String(format: "%02X", $0) }.joined(separator: " ")
        return hex + (decodeValue(uuid, v).map { "  (\(Sanitizer.inert($0)))" } ?? "")
    }
}

/// The GATT table as one JSON object (`name`: the user's, else the SIG's).
func gattJSON(_ address: BluetoothAddress, _ services: [GATTService], names: UserNames = UserNames(),
              read: (AttributeHandle) -> (value: [UInt8]?, error: String?)) -> String {
    func hex(_ v: [UInt8]) -> String { v.map { String(format: "%02X", $0) }.joined() }
    func value(_ uuid: BluetoothUUID, _ r: (value: [UInt8]?, error: String?)) -> String {
        guard let v = r.value else { return "\"error\":\(r.error.map(jsonString) ?? "null")" }
        return "\"hex\":\(jsonString(hex(v))),\"decoded\":\(decodeValue(uuid, v).map(jsonString) ?? "null")"
    }
    let s = services.map { s in
        let chars = s.characteristics.map { c in
            let descs = c.descriptors.map { d in
                "{\"handle\":\"\(d.handle)\",\"uuid\":\(jsonString(d.uuid.description)),\"name\":\((names.name(d.uuid, as: .descriptor) ?? uuidName(d.uuid)).map(jsonString) ?? "null")," + value(d.uuid, read(d.handle)) + "}"
            }
            var fields = "{\"handle\":\"\(c.valueHandle)\",\"uuid\":\(jsonString(c.uuid.description)),\"name\":\((names.name(c.uuid, as: .characteristic) ?? uuidName(c.uuid)).map(jsonString) ?? "null"),\"properties\":\(jsonString("\(c.properties)"))"
            if c.properties.contains(.read) { fields += "," + value(c.uuid, read(c.valueHandle)) }
            return fields + ",\"descriptors\":[" + descs.joined(separator: ",") + "]}"
        }
        return "{\"uuid\":\(jsonString(s.uuid.description)),\"name\":\((names.name(s.uuid, as: .service) ?? serviceName(s.uuid)).map(jsonString) ?? "null"),\"start\":\"\(s.startHandle)\",\"end\":\"\(s.endHandle)\",\"characteristics\":[" + chars.joined(separator: ",") + "]}"
    }
    return "{\"address\":\(jsonString(address.description)),\"services\":[" + s.joined(separator: ",") + "]}"
}
