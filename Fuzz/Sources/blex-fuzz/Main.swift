import CFuzzDriver
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The fuzz targets by name. Each takes one input and returns; a broken invariant or a trap is a crash.
let targets: [String: @Sendable ([UInt8]) -> Void] = [
    "framer": FramerTarget.run,
    "ad": AdvertisingDataTarget.run,
    "dongle": DongleTarget.run,
    "scenario": ScenarioTarget.run,
    "value": ValueFormatTarget.run,
    "host": HostTarget.run,
    "explorer": ExplorerTarget.run,
]

/// The target named by the first argument (CommandLine keeps the arguments as the program got them).
let selected: @Sendable ([UInt8]) -> Void = {
    let args = CommandLine.arguments
    guard args.count > 1, let target = targets[args[1]] else {
        fatalError("usage: blex-fuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer flags] [corpus…]")
    }
    return target
}()

@main
struct BlexFuzz {
    static func main() {
        _ = selected
        // libFuzzer sees the arguments after the target name (argv[0] kept).
        var args = CommandLine.arguments
        args.remove(at: 1)
        var cStrings: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var argc = CInt(args.count)
        cStrings.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            _ = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data!, count: size))
                selected(bytes)
                return 0
            }
        }
    }
}
