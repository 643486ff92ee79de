import BGAPICore

/// The frame decoder and the typed decode of every message: arbitrary bytes in arbitrary chunks, both
/// directions. Checks that no byte vanishes (packets + discarded + buffered = fed), that chunking does not
/// change the packets, and that every decoded message survives encode → decode unchanged.
enum FramerTarget {
    /// Decoders for the eight configurations, built once (a decoder's layout table is costly to build; a copy is not).
    static let prototypes: [BGAPIFrameDecoder] = (0 ..< 8).map { bits in
        BGAPIFrameDecoder(configuration: .init(direction: bits & 1 == 0 ? .deviceToHost : .hostToDevice,
                                               acceptsUnknownMessages: bits & 2 != 0, validatesKnownLayouts: bits & 4 == 0))
    }

    static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let direction: BGAPIDirection = first & 1 == 0 ? .deviceToHost : .hostToDevice
        let prototype = prototypes[Int(first & 7)]
        let stream = Array(data.dropFirst())

        // Chunked: chunk sizes come from the stream itself; a gap past the inter-byte timeout now and then.
        var decoder = prototype
        var chunked: [BGAPIFrameDecoderOutput] = []
        var now = Duration.zero
        var i = 0
        var timedOut = false
        while i < stream.count {
            let size = 1 + Int(stream[i] % 17)
            let end = min(stream.count, i + size)
            chunked += decoder.feed(stream[i ..< end], at: now)
            i = end
            if stream[end - 1] == 0xA5 {
                now += .seconds(2)
                chunked += decoder.expire(at: now)
                timedOut = true
            } else {
                now += .milliseconds(1)
            }
        }
        let buffered = decoder.bufferedByteCount
        var accounted = buffered
        for output in chunked {
            switch output {
            case let .packet(p): accounted += BGAPIHeader.size + p.payload.count
            case let .discarded(d): accounted += d.bytes.count
            }
        }
        if accounted != stream.count { violated("fed \(stream.count) bytes, accounted for \(accounted)") }
        now += .seconds(2)
        let tail = decoder.expire(at: now)
        if decoder.bufferedByteCount != 0 { violated("bytes left after the inter-byte timeout") }
        if let leftover = decoder.reset() { violated("reset after expiry still had \(leftover)") }
        _ = tail

        // In one piece: the same packets when no timeout split the stream.
        if !timedOut {
            var whole = prototype
            let bulk = whole.feed(stream, at: .zero) + whole.expire(at: .seconds(5))
            let a = (chunked + tail).compactMap(\.packet)
            let b = bulk.compactMap(\.packet)
            if a != b { violated("chunking changed the packets: \(a.count) vs \(b.count)") }
        }

        for case let .packet(packet) in chunked {
            guard let message = try? BGAPIMessage(decoding: packet, direction: direction) else { continue }
            _ = message.description
            guard let bytes = try? message.encodedBytes() else {
                if case .command(.unknown) = message { continue }
                if case .response(.unknown) = message { continue }
                if case .event(.unknown) = message { continue }
                violated("decoded \(message) but cannot encode it")
            }
            guard let again = try? BGAPIMessage(decoding: BGAPIPacket(bytes: bytes), direction: direction) else {
                violated("\(message) re-encoded to bytes that do not decode")
            }
            if again != message { violated("round trip changed \(message) into \(again)") }
        }
    }
}

extension BGAPIFrameDecoderOutput {
    var packet: BGAPIPacket? { if case let .packet(p) = self { p } else { nil } }
}
