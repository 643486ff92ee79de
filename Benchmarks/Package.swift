// swift-tools-version: 6.1
// Benchmarks for blex, kept in their own package so the main build and `swift test` stay lean.
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import PackageDescription

let package = Package(
    name: "blex-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "blex", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "BGAPICodec",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BGAPICore", package: "blex"),
                .product(name: "BGAPITestSupport", package: "blex"),
            ],
            path: "Benchmarks/BGAPICodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ExplorerRender",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BGAPICore", package: "blex"),
                .product(name: "Explorer", package: "blex"),
                .product(name: "TUI", package: "blex"),
            ],
            path: "Benchmarks/ExplorerRender",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "notify-bench",
            dependencies: [
                .product(name: "BGAPI", package: "blex"),
                .product(name: "BGAPIEmulator", package: "blex"),
            ],
            path: "Tools/NotifyBench"
        ),
        .executableTarget(
            name: "scan-memory",
            dependencies: [
                .product(name: "BGAPI", package: "blex"),
                .product(name: "BGAPIEmulator", package: "blex"),
            ],
            path: "Tools/ScanMemory"
        ),
        .executableTarget(
            name: "write-mixed-stream",
            dependencies: [.product(name: "BGAPITestSupport", package: "blex")],
            path: "Tools/WriteMixedStream"
        ),
    ],
    swiftLanguageModes: [.v6]
)
