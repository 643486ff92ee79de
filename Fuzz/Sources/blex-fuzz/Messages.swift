import BGAPICore

/// Well-framed messages built from fuzz input: a message of the catalog with a payload of the right shape,
/// so the fuzzer spends its time past the framer, in the code that acts on messages.
enum FuzzMessages {
    static let commands = BGAPIMessageCatalog.all.filter { $0.kind == .command }
    static let responses = BGAPIMessageCatalog.all.filter { $0.kind == .response }
    static let events = BGAPIMessageCatalog.all.filter { $0.kind == .event }

    /// The descriptors a central meets most (connections, ATT client, GAP, security, system).
    static let hostEvents = events.filter { [3, 4, 5, 6, 0].contains($0.messageClass.rawValue) }

    /// A payload laid out for `descriptor`: its fixed fields from the input, then a `u8[]` of up to 32 bytes.
    /// `prefix` replaces the first bytes (an address, a small connection handle).
    static func payload(for descriptor: BGAPIMessageDescriptor, _ input: inout FuzzInput, prefix: [UInt8] = []) -> [UInt8] {
        var payload = (0 ..< max(0, descriptor.fixedLength - (descriptor.hasArray ? 1 : 0))).map { _ in input.byte() }
        for (i, b) in prefix.prefix(payload.count).enumerated() { payload[i] = b }
        if descriptor.hasArray {
            let array = input.bytes(upTo: 32)
            payload.append(UInt8(array.count))
            payload += array
        }
        return payload
    }

    /// The message `descriptor` names with `payload`, decoded as the dongle's parser would.
    static func message(_ descriptor: BGAPIMessageDescriptor, _ payload: [UInt8]) -> BGAPIMessage? {
        let type: BGAPIMessageType = descriptor.kind == .event ? .event : .commandOrResponse
        let packet = BGAPIPacket(messageType: type, messageClass: descriptor.messageClass,
                                 messageID: descriptor.messageID, payload: payload)
        return try? BGAPIMessage(decoding: packet, direction: descriptor.kind == .command ? .hostToDevice : .deviceToHost)
    }

    /// The little-endian wire bytes of an address.
    static func wire(_ address: BluetoothAddress) -> [UInt8] {
        (0 ..< 6).map { UInt8(truncatingIfNeeded: address.rawValue >> (8 * $0)) }
    }
}

/// Checks that a message the emulator or the host produced can be put on the wire and read back unchanged.
func expectWireRoundTrip(_ message: BGAPIMessage, direction: BGAPIDirection) {
    guard let bytes = try? message.encodedBytes() else { violated("cannot encode \(message)") }
    guard let packet = try? BGAPIPacket(bytes: bytes),
          let again = try? BGAPIMessage(decoding: packet, direction: direction) else {
        violated("\(message) does not decode from its own bytes")
    }
    if again != message { violated("\(message) came back as \(again)") }
}
