import BGAPICore
import BGAPITestSupport
import Testing

/// The allocation-free framing path must see exactly what the plain one sees, garbage included.
struct FastFeedTests {
    @Test(arguments: [1, 7, 64, 4096])
    func lentFramesMatchOwnedPackets(chunk: Int) throws {
        var stream = MixedStream.bytes(count: 500)
        stream.insert(contentsOf: [0xFF, 0x12, 0x80, 0x01], at: 100) // noise mid-stream
        var plain = BGAPIFrameDecoder(direction: .deviceToHost)
        var fast = BGAPIFrameDecoder(direction: .deviceToHost)
        var expected: [BGAPIFrameDecoderOutput] = []
        var got: [BGAPIFrameDecoderOutput] = []
        var i = 0
        while i < stream.count {
            let slice = stream[i ..< min(stream.count, i + chunk)]
            expected += plain.feed(slice, at: .zero)
            fast.feed(slice, at: .zero, frame: { header, payload in
                got.append(.packet(try! BGAPIPacket(bytes: header.bytes + payload)))
            }, discarded: { got.append(.discarded($0)) })
            i += chunk
        }
        #expect(got == expected)
        #expect(got.filter { if case .packet = $0 { true } else { false } }.count == 500)
        #expect(got.contains { if case .discarded = $0 { true } else { false } })
    }
}
