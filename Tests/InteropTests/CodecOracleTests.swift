import BGAPICore
import Foundation
import Testing

/// Encoders and decoders written by others (pygatt 5.0.0, bgapi 0.7, from PyPI) must agree with ours
/// byte for byte. Tests/Interop/setup.sh makes the venv; Tests/Interop/oracle.py drives the libraries.
@Suite(.serialized) struct CodecOracleTests {
    /// Known, documented disagreements where the outside library is wrong and we follow the reference.
    static let knownOutsideBugs: [String: String] = OracleKnownBugs.all

    @Test func outsideEncodersProduceOurBytesAndWeReadTheirFields() throws {
        let vectors = try Oracle.run(["commands"])
        guard let list = vectors as? [[String: Any]] else { Issue.record("oracle output is not a list"); return }
        #expect(list.count >= 150, "expected a broad set of vectors from both libraries")
        var checked: [String: Int] = [:]
        for vector in list {
            let client = vector["client"] as? String ?? "?"
            let name = vector["name"] as? String ?? "?"
            let bytes = Oracle.bytes(vector["bytes"])
            let fields = Oracle.fieldValues(vector["fields"] as? [String: Any] ?? [:])
            if Self.knownOutsideBugs["\(client):cmd \(name):*"] != nil {
                // v1.1 layouts at IDs that v1.3+ redefined: still framed and decoded without error, as our layout.
                #expect(throws: Never.self) { _ = try BGAPIPacket(bytes: bytes) }
                continue
            }
            guard let descriptor = BGAPIMessageCatalog.all.first(where: { $0.name == name && $0.kind == .command }) else {
                Issue.record("\(client): \(name) is not a v1 command in our catalog"); continue
            }
            let packet = try BGAPIPacket(bytes: bytes)
            let decoded = try BGAPIMessage(decoding: packet, direction: .hostToDevice)
            guard case let .command(command) = decoded, let payload = command.payload else {
                Issue.record("\(client) \(name): decoded as \(decoded)"); continue
            }
            #expect(type(of: payload).descriptor == descriptor, "\(client) \(name)")
            let ours = Oracle.normalized(payload.fields)
            #expect(ours == fields, "\(client) \(name): our decode of their bytes differs from the values they encoded")
            // Our encoder, given their field values, produces their bytes.
            let type = BGAPIMessageCatalog.allPayloadTypes.first { $0.descriptor == descriptor }!
            #expect(try type.init(fields: fields).encodedBytes() == bytes, "\(client) \(name): encodings differ")
            checked[client, default: 0] += 1
        }
        // pygatt builds 87 commands (85 with v1.3+ layouts), bgapi 0.7 builds 88 (86).
        #expect(checked["pygatt", default: 0] == 85)
        #expect(checked["bgapi", default: 0] == 86)
    }

    @Test func outsideDecodersReadOurEncodingsToTheSameFields() throws {
        // Every response and event with non-trivial values, encoded by us, decoded by both libraries.
        var messages: [(Int, any BGAPIPayload)] = []
        for (i, type) in BGAPIMessageCatalog.allPayloadTypes.enumerated() where type.descriptor.kind != .command {
            messages.append((i, try type.init(fields: Oracle.sampleValues(for: type.descriptor, seed: UInt32(i)))))
        }
        let request = try messages.map { id, m in ["id": id, "bytes": try m.encodedBytes().map { String(format: "%02x", $0) }.joined()] as [String: Any] }
        let answers = try Oracle.run(["decode"], input: JSONSerialization.data(withJSONObject: request))
        guard let list = answers as? [[String: Any]] else { Issue.record("oracle output is not a list"); return }
        #expect(list.count == messages.count)
        var agreed: [String: Int] = [:]
        for answer in list {
            guard let id = answer["id"] as? Int, let message = messages.first(where: { $0.0 == id })?.1 else { continue }
            let d = type(of: message).descriptor
            let ours = Oracle.normalized(message.fields)
            for client in ["pygatt", "bgapi"] {
                guard let result = answer[client] as? [String: Any] else { continue }
                if result["error"] != nil {
                    // The library does not know this message (newer than its API table): fine, recorded.
                    continue
                }
                let kind = d.kind == .event ? "evt" : "rsp"
                if Self.knownOutsideBugs["\(client):\(kind) \(d.name):*"] != nil { continue }
                #expect(result["name"] as? String == d.name, "\(client) \(kind) \(d.name): named \(result["name"] ?? "nil")")
                let theirs = Oracle.fieldValues(result["fields"] as? [String: Any] ?? [:])
                for (field, value) in ours {
                    if Self.knownOutsideBugs["\(client):\(kind) \(d.name):\(field)"] != nil { continue }
                    #expect(theirs[field] == value, "\(client) \(kind) \(d.name).\(field): theirs \(String(describing: theirs[field])), ours \(value)")
                }
                agreed[client, default: 0] += 1
            }
        }
        #expect(agreed["pygatt", default: 0] >= 100)
        #expect(agreed["bgapi", default: 0] >= 100)
    }
}

/// Runs Tests/Interop/oracle.py in the venv Tests/Interop/setup.sh creates.
enum Oracle {
    static let interopDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Interop")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var python: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["BLEX_INTEROP_PYTHON"], !path.isEmpty {
                return URL(fileURLWithPath: path)
            }
            let venv = interopDirectory.appendingPathComponent(".venv/bin/python")
            guard FileManager.default.isExecutableFile(atPath: venv.path) else {
                throw Failure(description: "no interop venv: run `bash Tests/Interop/setup.sh` (the README's test command does)")
            }
            return venv
        }
    }

    static func run(_ arguments: [String], input: Data = Data()) throws -> Any {
        let process = Process()
        process.executableURL = try python
        process.arguments = [interopDirectory.appendingPathComponent("oracle.py").path] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "oracle.py \(arguments) exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: output)
    }

    static func bytes(_ value: Any?) -> [UInt8] {
        guard let text = value as? String else { return [] }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex, let j = text.index(i, offsetBy: 2, limitedBy: text.endIndex) {
            out.append(UInt8(text[i ..< j], radix: 16) ?? 0)
            i = j
        }
        return out
    }

    /// JSON field values → ours: ints keep their sign, hex strings are bytes.
    static func fieldValues(_ json: [String: Any]) -> [String: BGAPIFieldValue] {
        var out: [String: BGAPIFieldValue] = [:]
        for (name, value) in json {
            if let text = value as? String {
                out[name] = .bytes(bytes(text))
            } else if let number = value as? NSNumber {
                let v = number.int64Value
                out[name] = v < 0 ? .signed(Int32(v)) : .unsigned(UInt32(truncatingIfNeeded: v))
            }
        }
        return out
    }

    static func sampleArray(_ n: UInt32) -> [UInt8] {
        (0 ..< Int(n % 12) + 2).map { (i: Int) -> UInt8 in
            let shift = UInt32(i % 4) * 8
            return UInt8(truncatingIfNeeded: n >> shift) ^ UInt8(i)
        }
    }

    /// Our fields keyed by name, with non-negative signed values as unsigned (JSON has one integer type).
    static func normalized(_ fields: [BGAPIField]) -> [String: BGAPIFieldValue] {
        Dictionary(uniqueKeysWithValues: fields.map { field in
            if case let .signed(v) = field.value, v >= 0 { return (field.name, BGAPIFieldValue.unsigned(UInt32(v))) }
            return (field.name, field.value)
        })
    }

    /// Non-trivial values for every field of a layout (no zeros, edge values mixed in).
    static func sampleValues(for d: BGAPIMessageDescriptor, seed: UInt32) -> [String: BGAPIFieldValue] {
        var values: [String: BGAPIFieldValue] = [:]
        for (i, f) in d.fields.enumerated() {
            let mixed: UInt32 = seed &* 2_654_435_761
            let n: UInt32 = (mixed &+ UInt32(i) &* 40503) | 1
            values[f.name] = switch f.wireType {
            case .uint8: .unsigned(f.isFlag ? 1 : (n % 250) + 2)
            case .int8: .signed(-Int32(n % 100) - 1)
            case .uint16: .unsigned((n % 0xFFF0) + 3)
            case .int16: .signed(-Int32(n % 30000) - 1)
            case .uint32: .unsigned(n | 0x8000_0000)
            case .address: .bytes([0x11, 0x22, 0x33, 0x44, 0x55, UInt8(truncatingIfNeeded: n) | 1])
            case .uint8Array: .bytes(sampleArray(n))
            }
        }
        return values
    }
}
