import BGAPICore
import PropertyBased
import Testing

/// Every message type, random field values: decode ∘ encode and encode ∘ decode are identities.
@Suite struct RoundTripPropertyTests {
    static let allTypes = BGAPIMessageCatalog.allPayloadTypes.map(PayloadType.init)

    /// Wraps a payload metatype so it can be a test argument with a readable name.
    struct PayloadType: CustomTestStringConvertible, Sendable {
        let type: any BGAPIPayload.Type
        var testDescription: String { "\(type.descriptor.kind) \(type.descriptor.name)" }
    }

    /// Builds field values from random numbers: flags 0/1, integers over their full range, arrays of any length.
    static func fieldValues(for d: BGAPIMessageDescriptor, numbers: [UInt32], array: [UInt8]) -> [String: BGAPIFieldValue] {
        var values: [String: BGAPIFieldValue] = [:]
        for (i, f) in d.fields.enumerated() {
            let n = numbers[i % numbers.count]
            values[f.name] = switch f.wireType {
            case .uint8: .unsigned(f.isFlag ? n & 1 : n & 0xFF)
            case .int8: .signed(Int32(Int8(truncatingIfNeeded: n)))
            case .uint16: .unsigned(n & 0xFFFF)
            case .int16: .signed(Int32(Int16(truncatingIfNeeded: n)))
            case .uint32: .unsigned(n)
            case .address: .bytes((0 ..< 6).map { UInt8(truncatingIfNeeded: n >> (4 * UInt32($0))) ^ UInt8($0 * 37) })
            case .uint8Array: .bytes(array)
            }
        }
        return values
    }

    @Test(arguments: allTypes)
    func fieldsSurviveEncodeThenDecode(_ t: PayloadType) async {
        await propertyCheck(count: 40, input: Gen.uint32().array(of: 8), Gen.uint8().array(of: 0 ... 255)) { numbers, array in
            let d = t.type.descriptor
            let values = Self.fieldValues(for: d, numbers: numbers, array: array)
            let message = try t.type.init(fields: values)
            // Reflection gives back exactly the values the message was built from.
            #expect(Dictionary(uniqueKeysWithValues: message.fields.map { ($0.name, $0.value) }) == values)
            let packet = try message.packet()
            #expect(packet.header.payloadLength == packet.payload.count)
            #expect(packet.payload.count == d.fixedLength + (d.hasArray ? array.count : 0))
            #expect(d.validates(packet.payload))
            let decoded = try t.type.init(payload: packet.payload)
            #expect(decoded.fields == message.fields)
            #expect(try decoded.encodedPayload() == packet.payload)
            // And through the typed sum of its kind, from the framed bytes.
            let reparsed = try BGAPIMessage(decoding: BGAPIPacket(bytes: packet.bytes),
                                            direction: d.kind == .command ? .hostToDevice : .deviceToHost)
            #expect(try reparsed.packet().bytes == packet.bytes)
            #expect(Self.isTyped(reparsed), "\(d.name) decoded as unknown")
        }
    }

    @Test(arguments: allTypes)
    func randomValidPayloadBytesSurviveDecodeThenEncode(_ t: PayloadType) async {
        await propertyCheck(count: 40, input: Gen.uint8().array(of: 300)) { entropy in
            let d = t.type.descriptor
            var payload: [UInt8] = []
            var e = entropy.makeIterator()
            for f in d.fields {
                switch f.wireType {
                case .uint8Array:
                    let n = Int(e.next()!)
                    payload.append(UInt8(n))
                    payload += entropy.prefix(n)
                default:
                    for _ in 0 ..< f.wireType.fixedSize {
                        let b = e.next()!
                        payload.append(f.isFlag ? b & 1 : b)
                    }
                }
            }
            let decoded = try t.type.init(payload: payload)
            #expect(try decoded.encodedPayload() == payload)
        }
    }

    @Test(arguments: allTypes)
    func truncatedOrOverlongPayloadsAreTypedErrors(_ t: PayloadType) throws {
        let d = t.type.descriptor
        let valid = try t.type.init(fields: Self.fieldValues(for: d, numbers: [0x1234_5678], array: [1, 2, 3])).encodedPayload()
        for cut in 0 ..< valid.count {
            #expect(throws: BGAPIDecodingError.self) { try t.type.init(payload: Array(valid.prefix(cut))) }
        }
        #expect(throws: BGAPIDecodingError.self) { try t.type.init(payload: valid + [0xEE]) }
    }

    static func isTyped(_ m: BGAPIMessage) -> Bool {
        switch m {
        case let .command(c): c.payload != nil
        case let .response(r): r.payload != nil
        case let .event(e): e.payload != nil
        }
    }

    @Test func oversizedArraysAreRefusedOnEncodeNamingTheField() {
        let tooLong = AttClientAttributeWriteCommand(connection: ConnectionHandle(0), attHandle: AttributeHandle(3), data: Array(repeating: 0, count: 256))
        #expect(throws: BGAPIEncodingError.arrayTooLong(field: "data", count: 256)) { try tooLong.encodedBytes() }
    }

    @Test func fieldBuilderReportsMissingAndInvalidFields() {
        #expect(throws: BGAPIFieldError.missing(message: "gap_discover", field: "mode")) { try GAPDiscoverCommand(fields: [:]) }
        #expect(throws: BGAPIFieldError.invalid(message: "gap_discover", field: "mode", value: .unsigned(300))) {
            try GAPDiscoverCommand(fields: ["mode": .unsigned(300)])
        }
    }
}

@Suite struct EncodedBytesTests {
    @Test func encodedBytesEqualsHeaderPlusPayloadForEveryMessageOfTheMixedStream() throws {
        for message in MixedStreamSample.messages {
            #expect(try message.encodedBytes() == message.packet().bytes)
        }
    }
}
