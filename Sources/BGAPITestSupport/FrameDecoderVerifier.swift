import BGAPICore

/// Feeds one byte stream to a fresh ``BGAPIFrameDecoder`` in several chunkings (one byte at a time,
/// all at once, random splits) so tests can check the framing does not depend on how bytes arrive.
public struct FrameDecoderVerifier: Sendable {
    /// How a stream is cut into chunks.
    public enum Chunking: Sendable, Hashable, CustomStringConvertible {
        /// One byte per feed.
        case drip
        /// The whole stream in one feed.
        case bulk
        /// Random chunk sizes (1...maxChunk) from a seeded generator.
        case random(seed: UInt64, maxChunk: Int)

        /// Short name for test output.
        public var description: String {
            switch self {
            case .drip: "drip"
            case .bulk: "bulk"
            case let .random(seed, maxChunk): "random(seed: \(seed), max: \(maxChunk))"
            }
        }
    }

    /// The decoder settings each run starts from.
    public var configuration: BGAPIFrameDecoder.Configuration

    /// Creates a verifier for a stream direction.
    public init(configuration: BGAPIFrameDecoder.Configuration) { self.configuration = configuration }

    /// Runs `stream` through a fresh decoder cut by `chunking`; all chunks arrive at time zero.
    public func outputs(for stream: [UInt8], chunking: Chunking) -> [BGAPIFrameDecoderOutput] {
        var decoder = BGAPIFrameDecoder(configuration: configuration)
        var out: [BGAPIFrameDecoderOutput] = []
        for chunk in Self.chunks(of: stream, chunking) {
            out += decoder.feed(chunk, at: .zero)
        }
        return out
    }

    /// The packets only, from ``outputs(for:chunking:)``.
    public func packets(for stream: [UInt8], chunking: Chunking) -> [BGAPIPacket] {
        outputs(for: stream, chunking: chunking).compactMap {
            if case let .packet(p) = $0 { p } else { nil }
        }
    }

    /// Cuts a stream into chunks.
    public static func chunks(of stream: [UInt8], _ chunking: Chunking) -> [ArraySlice<UInt8>] {
        switch chunking {
        case .drip: return stream.indices.map { stream[$0 ... $0] }
        case .bulk: return [stream[...]]
        case let .random(seed, maxChunk):
            var rng = SplitMix64(seed: seed)
            var result: [ArraySlice<UInt8>] = []
            var i = 0
            while i < stream.count {
                let n = Int(rng.next() % UInt64(max(1, maxChunk))) + 1
                let end = min(stream.count, i + n)
                result.append(stream[i ..< end])
                i = end
            }
            return result
        }
    }
}
