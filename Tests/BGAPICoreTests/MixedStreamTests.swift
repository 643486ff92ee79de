import BGAPICore
import BGAPITestSupport
import Testing

enum MixedStreamSample {
    static let messages = MixedStream.messages(count: 2_000, seed: 7)
}

/// The benchmark stream is well-formed: it frames and decodes back to the messages it was built from.
@Suite struct MixedStreamTests {
    @Test func benchmarkStreamFramesAndDecodesLosslessly() throws {
        let bytes = MixedStream.bytes(count: 2_000, seed: 7)
        let verifier = FrameDecoderVerifier(configuration: .init(direction: .deviceToHost))
        for chunking in [FrameDecoderVerifier.Chunking.bulk, .random(seed: 5, maxChunk: 64)] {
            let decoded = try verifier.packets(for: bytes, chunking: chunking).map {
                try BGAPIMessage(decoding: $0, direction: .deviceToHost)
            }
            #expect(decoded == MixedStreamSample.messages)
        }
    }
}
