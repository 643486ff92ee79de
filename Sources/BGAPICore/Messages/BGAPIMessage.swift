/// Any decoded BGAPI packet: a command, a response or an event.
public enum BGAPIMessage: Hashable, Sendable, CustomStringConvertible {
    /// Host→device.
    case command(BGAPICommand)
    /// Device→host answer to a command.
    case response(BGAPIResponse)
    /// Device→host event.
    case event(BGAPIEvent)

    /// Decodes a packet; `direction` tells commands from responses, which share their header.
    ///
    /// Unknown class/ID pairs decode to `.unknown`; only payloads that contradict a known layout throw.
    public init(decoding packet: BGAPIPacket, direction: BGAPIDirection) throws(BGAPIDecodingError) {
        try self.init(decoding: packet.header, payload: packet.payload[...], direction: direction)
    }

    /// Decodes a header and a payload read in place (a frame lent by ``BGAPIFrameDecoder/feedFrames(_:at:_:)``).
    public init(decoding header: BGAPIHeader, payload: ArraySlice<UInt8>, direction: BGAPIDirection) throws(BGAPIDecodingError) {
        if header.messageType == .event {
            self = .event(try BGAPIEvent(decoding: header, payload: payload))
        } else if direction == .hostToDevice {
            self = .command(try BGAPICommand(decoding: header, payload: payload))
        } else {
            self = .response(try BGAPIResponse(decoding: header, payload: payload))
        }
    }

    /// The message as a framed packet.
    public func packet() throws(BGAPIEncodingError) -> BGAPIPacket {
        switch self {
        case let .command(m): try m.packet()
        case let .response(m): try m.packet()
        case let .event(m): try m.packet()
        }
    }

    /// The message as wire bytes, header included.
    public func encodedBytes() throws(BGAPIEncodingError) -> [UInt8] {
        switch self {
        case let .command(m): try m.encodedBytes()
        case let .response(m): try m.encodedBytes()
        case let .event(m): try m.encodedBytes()
        }
    }

    /// `rsp gap_discover(result: success)`-style one-liner.
    public var description: String {
        switch self {
        case let .command(m): "cmd \(m)"
        case let .response(m): "rsp \(m)"
        case let .event(m): "evt \(m)"
        }
    }
}
