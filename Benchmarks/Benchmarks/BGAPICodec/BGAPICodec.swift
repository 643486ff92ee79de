import Benchmark
import BGAPICore
import BGAPITestSupport

/// Packets per benchmark iteration; the stream is the same one `Benchmarks/Data/mixed-stream.bin` holds.
let packetCount = 10_000

/// Frames and fully decodes (typed messages) a device stream fed in 64-byte reads (one USB CDC packet, the
/// worst case); each message goes to an opaque sink, so none of its decoding can be optimised away.
func decodeStream(_ stream: [UInt8]) -> Int {
    var decoder = BGAPIFrameDecoder(direction: .deviceToHost)
    var decoded = 0
    var index = 0
    while index < stream.count {
        let end = min(stream.count, index + 64)
        decoder.feed(stream[index ..< end], at: .zero, frame: { header, payload in
            do {
                blackHole(try BGAPIMessage(decoding: header, payload: payload, direction: .deviceToHost))
                decoded += 1
            } catch {}
        }, discarded: { _ in })
        index = end
    }
    return decoded
}

/// Encodes typed messages to wire bytes; returns the byte count.
func encodeMessages(_ messages: [BGAPIMessage]) -> Int {
    var total = 0
    for message in messages { total += (try? message.encodedBytes().count) ?? 0 }
    return total
}

let benchmarks: @Sendable () -> Void = {
    let stream = MixedStream.bytes(count: packetCount)
    let messages = MixedStream.messages(count: packetCount)
    // Time is measured without malloc counting; allocations are counted in separate runs of the same work.
    let timing = Benchmark.Configuration(metrics: [.wallClock, .throughput],
                                         warmupIterations: 3, maxDuration: .seconds(5), maxIterations: 200)
    let allocations = Benchmark.Configuration(metrics: [.mallocCountTotal, .peakMemoryResident],
                                              warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 20)

    for (name, configuration) in [("decode mixed stream (10k packets)", timing), ("malloc count: decoding 10k packets", allocations)] {
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                let decoded = decodeStream(stream)
                precondition(decoded == packetCount)
                blackHole(decoded)
            }
        }
    }
    for (name, configuration) in [("encode mixed stream (10k packets)", timing), ("malloc count: encoding 10k packets", allocations)] {
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                let total = encodeMessages(messages)
                precondition(total == stream.count)
                blackHole(total)
            }
        }
    }
}
