import BGAPICore
import BGAPITestSupport
import Testing

/// Framing: whole packets out in order whatever the chunking; garbage and truncation reported, never fatal.
@Suite struct FrameDecoderTests {
    /// A realistic device→host stream: scan reports, a response, attribute values, a status event.
    static let packets: [[UInt8]] = [
        GoldenVectorTests.tesselScan,
        hex("00 02 06 04 | 81 01"),
        hex("80 10 03 00 | 00 05 01 23 45 67 89 AB 00 14 00 06 00 00 00 FF"),
        try! AttClientAttributeValueEvent(connection: ConnectionHandle(0), attHandle: AttributeHandle(0x2A),
                                          type: .notify, value: Array(0 ..< 20)).encodedBytes(),
        hex("80 05 04 01 | 00 00 00 FF FF"),
        hex("00 00 00 01"),
        try! SystemGetInfoResponse(major: 1, minor: 7, patch: 0, build: 147, llVersion: 6, protocolVersion: 1, hw: 1).encodedBytes(),
    ]
    static let stream = packets.flatMap { $0 }
    let verifier = FrameDecoderVerifier(configuration: .init(direction: .deviceToHost))

    static let chunkings: [FrameDecoderVerifier.Chunking] =
        [.drip, .bulk] + (1 ... 40).map { .random(seed: UInt64($0), maxChunk: $0 % 7 == 0 ? 200 : 9) }

    @Test(arguments: chunkings)
    func splitAnywhereYieldsTheSamePacketsInOrder(chunking: FrameDecoderVerifier.Chunking) {
        let out = verifier.outputs(for: Self.stream + Self.stream, chunking: chunking)
        #expect(out.map { o -> [UInt8] in
            guard case let .packet(p) = o else { return [] }
            return p.bytes
        } == Self.packets + Self.packets)
    }

    @Test func everyPacketSplitAtEveryOffsetReassembles() {
        for packet in Self.packets {
            for cut in 1 ..< packet.count {
                var d = BGAPIFrameDecoder(direction: .deviceToHost)
                let first = d.feed(packet[..<cut], at: .zero)
                #expect(first.isEmpty)
                let second = d.feed(packet[cut...], at: .milliseconds(5))
                #expect(second == [.packet(try! BGAPIPacket(bytes: packet))])
            }
        }
    }

    @Test(arguments: [
        hex("FF"), hex("FF FE 78 79"), hex("41 42 43 0D 0A"), hex("7F 7F 7F 7F 7F 7F"),
        hex("08 00 00 00"), // Wi-Fi technology type: not a BLED112 packet
        hex("00 05 00 01"), // system_hello response claiming 5 bytes: contradicts the layout
    ])
    func garbagePrefixIsReportedAndTheStreamResynchronises(garbage: [UInt8]) {
        var d = BGAPIFrameDecoder(direction: .deviceToHost)
        let out = d.feed(garbage + Self.stream, at: .zero)
        var dropped: [UInt8] = []
        var packets: [[UInt8]] = []
        for o in out {
            switch o {
            case let .discarded(x): dropped += x.bytes; #expect(packets.isEmpty, "garbage reported after packets")
            case let .packet(p): packets.append(p.bytes)
            }
        }
        #expect(dropped == garbage)
        #expect(packets == Self.packets)
    }

    @Test func garbageBetweenPacketsIsDroppedWithoutLosingNeighbours() {
        let garbage = hex("FA CE B0 0C")
        var stream: [UInt8] = []
        for p in Self.packets { stream += p + garbage }
        for chunking in [FrameDecoderVerifier.Chunking.drip, .bulk, .random(seed: 99, maxChunk: 5)] {
            let out = verifier.outputs(for: stream, chunking: chunking)
            let packets = out.compactMap { o -> [UInt8]? in if case let .packet(p) = o { p.bytes } else { nil } }
            let dropped = out.flatMap { o -> [UInt8] in if case let .discarded(d) = o { d.bytes } else { [] } }
            #expect(packets == Self.packets, "\(chunking)")
            #expect(dropped.count == garbage.count * Self.packets.count, "\(chunking)")
        }
    }

    @Test func truncatedPacketFollowedByWholeOnesDoesNotSwallowThem() {
        // A scan report cut before its data-length byte, then the stream: the bogus 42-byte candidate
        // fails its layout check, so the framer backs off byte by byte and finds the next real header.
        let truncated = Array(GoldenVectorTests.tesselScan.prefix(10))
        var d = BGAPIFrameDecoder(direction: .deviceToHost)
        let out = d.feed(truncated + Self.stream, at: .zero)
        let packets = out.compactMap { o -> [UInt8]? in if case let .packet(p) = o { p.bytes } else { nil } }
        let dropped = out.flatMap { o -> [UInt8] in if case let .discarded(d) = o { d.bytes } else { [] } }
        #expect(packets == Self.packets)
        #expect(dropped == truncated)
    }

    @Test func truncationAfterTheLengthPrefixCostsOnlyTheNextPacket() {
        // Cut after the u8[] prefix, a truncated scan report plus the start of the next one is
        // structurally a whole scan report: no layout check can tell (the dongle itself relies on its
        // 1 s parser timeout). The framer loses that one neighbour, reports its tail, and recovers.
        let truncated = Array(GoldenVectorTests.tesselScan.prefix(17))
        var d = BGAPIFrameDecoder(direction: .deviceToHost)
        let out = d.feed(truncated + Self.stream, at: .zero)
        let packets = out.compactMap { o -> [UInt8]? in if case let .packet(p) = o { p.bytes } else { nil } }
        let dropped = out.flatMap { o -> [UInt8] in if case let .discarded(d) = o { d.bytes } else { [] } }
        #expect(packets.count == Self.packets.count)
        #expect(packets.first.map { Array($0.prefix(17)) } == truncated)
        #expect(Array(packets.dropFirst()) == Array(Self.packets.dropFirst()))
        #expect(dropped == Array(GoldenVectorTests.tesselScan.suffix(17)))
    }

    @Test func partialPacketOlderThanTheInterByteTimeoutIsDiscarded() {
        var d = BGAPIFrameDecoder(configuration: .init(direction: .deviceToHost, interByteTimeout: .milliseconds(500)))
        let partial = Array(GoldenVectorTests.tesselScan.prefix(10))
        #expect(d.feed(partial, at: .seconds(10)).isEmpty)
        #expect(d.expiryDeadline == .seconds(10) + .milliseconds(500))
        #expect(d.expire(at: .seconds(10) + .milliseconds(400)).isEmpty) // still within the timeout
        // New bytes arriving late: the stale partial goes first, then the fresh packet frames cleanly.
        let out = d.feed(GoldenVectorTests.tesselScan, at: .seconds(11))
        #expect(out == [
            .discarded(BGAPIDiscardedBytes(bytes: partial, reason: .interByteTimeout)),
            .packet(try! BGAPIPacket(bytes: GoldenVectorTests.tesselScan)),
        ])
        #expect(d.bufferedByteCount == 0 && d.expiryDeadline == nil)
    }

    @Test func slowButSteadyBytesAreNotTimedOut() {
        var d = BGAPIFrameDecoder(configuration: .init(direction: .deviceToHost, interByteTimeout: .milliseconds(100)))
        var out: [BGAPIFrameDecoderOutput] = []
        for (i, b) in GoldenVectorTests.tesselScan.enumerated() {
            out += d.feed([b], at: .milliseconds(90 * i)) // each gap under the timeout, the whole far over it
        }
        #expect(out == [.packet(try! BGAPIPacket(bytes: GoldenVectorTests.tesselScan))])
    }

    @Test func elevenBitLengthsFrameWhenAllowed() throws {
        // An unknown message with a 1,500-byte payload: LH bits carry the high part of the length.
        let payload = (0 ..< 1500).map { UInt8(truncatingIfNeeded: $0) }
        let packet = BGAPIPacket(messageType: .event, messageClass: .system, messageID: 0x7E, payload: payload)
        #expect(packet.bytes[0] == 0x80 | 0x05 && packet.bytes[1] == 0xDC)
        var d = BGAPIFrameDecoder(configuration: .init(direction: .deviceToHost, maximumUnknownPayloadLength: 2047, acceptsUnknownMessages: true))
        #expect(d.feed(packet.bytes, at: .zero) == [.packet(packet)])
        #expect(try BGAPIMessage(decoding: packet, direction: .deviceToHost) == .event(.unknown(packet)))
    }

    @Test func hostDirectionFramesCommands() {
        let commands: [[UInt8]] = [hex("00 01 00 00 | 00"), hex("00 02 06 01 | 00 00"), hex("00 00 06 04"),
                                   hex("00 0F 06 03 | AB 89 67 45 23 01 00 3C 00 4C 00 64 00 00 00")]
        let v = FrameDecoderVerifier(configuration: .init(direction: .hostToDevice))
        for chunking in [FrameDecoderVerifier.Chunking.drip, .bulk, .random(seed: 3, maxChunk: 4)] {
            #expect(v.packets(for: commands.flatMap { $0 }, chunking: chunking).map(\.bytes) == commands)
        }
    }

    @Test func resetReportsWhatWasBuffered() {
        var d = BGAPIFrameDecoder(direction: .deviceToHost)
        _ = d.feed(hex("80 26 06"), at: .zero)
        #expect(d.reset() == BGAPIDiscardedBytes(bytes: hex("80 26 06"), reason: .interByteTimeout))
        #expect(d.reset() == nil)
    }

    @Test func randomNoiseNeverCrashesAndAccountsForEveryByte() {
        var rng = SplitMix64(seed: 2026)
        for _ in 0 ..< 300 {
            let noise = (0 ..< Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var d = BGAPIFrameDecoder(direction: .deviceToHost)
            let out = d.feed(noise, at: .zero) + d.expire(at: .seconds(60))
            let total = out.reduce(0) { sum, o in
                switch o {
                case let .discarded(x): sum + x.bytes.count
                case let .packet(p): sum + p.bytes.count
                }
            }
            #expect(total == noise.count)
            for case let .packet(p) in out {
                _ = try? BGAPIMessage(decoding: p, direction: .deviceToHost) // must not trap
            }
        }
    }
}
