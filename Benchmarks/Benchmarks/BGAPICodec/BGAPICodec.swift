import Benchmark
import BGAPICore
import BGAPITestSupport

/// Packets per benchmark iteration; the stream is the same one `Benchmarks/Data/mixed-stream.bin` holds.
let packetCount = 10_000

let benchmarks: @Sendable () -> Void = {
    let stream = MixedStream.bytes(count: packetCount)
    let messages = MixedStream.messages(count: packetCount)
    // Time is measured without malloc counting (its interposer would tax every allocation); allocations are
    // counted in separate runs of the same work.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput],
        warmupIterations: 3, maxDuration: .seconds(5), maxIterations: 200)
    let allocations = Benchmark.Configuration(
        metrics: [.mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 20)

    // Frame and fully decode (typed messages) a 10,000-packet device stream fed in 64-byte reads (a USB CDC read size).
    Benchmark("decode mixed stream (10k packets)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = BGAPIFrameDecoder(direction: .deviceToHost)
            var decoded = 0
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + 64)
                decoder.feed(stream[index ..< end], at: .zero, frame: { header, payload in
                    // Each message is handed to an opaque sink, so none of its decoding can be optimised away.
                    do {
                        blackHole(try BGAPIMessage(decoding: header, payload: payload, direction: .deviceToHost))
                        decoded += 1
                    } catch {}
                }, discarded: { _ in })
                index = end
            }
            precondition(decoded == packetCount)
            blackHole(decoded)
        }
    }

    // The same decoding, counting allocations.
    Benchmark("malloc count: decoding 10k packets", configuration: allocations) { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = BGAPIFrameDecoder(direction: .deviceToHost)
            var decoded = 0
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + 64)
                decoder.feed(stream[index ..< end], at: .zero, frame: { header, payload in
                    // Each message is handed to an opaque sink, so none of its decoding can be optimised away.
                    do {
                        blackHole(try BGAPIMessage(decoding: header, payload: payload, direction: .deviceToHost))
                        decoded += 1
                    } catch {}
                }, discarded: { _ in })
                index = end
            }
            precondition(decoded == packetCount)
            blackHole(decoded)
        }
    }

    // Encode the same 10,000 typed messages to wire bytes.
    Benchmark("encode mixed stream (10k packets)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var total = 0
            for message in messages {
                total += (try? message.encodedBytes().count) ?? 0
            }
            precondition(total == stream.count)
            blackHole(total)
        }
    }

    // The same encoding, counting allocations.
    Benchmark("malloc count: encoding 10k packets", configuration: allocations) { benchmark in
        for _ in benchmark.scaledIterations {
            var total = 0
            for message in messages {
                total += (try? message.encodedBytes().count) ?? 0
            }
            precondition(total == stream.count)
            blackHole(total)
        }
    }
}
