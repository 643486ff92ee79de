// swift-tools-version: 6.1
// Coverage-guided fuzz targets for blex (libFuzzer), kept in their own package so the main build stays lean.
// Build and run: bash scripts/fuzz.sh [seconds-per-target] [target…]   (release, -sanitize=fuzzer,address)
import PackageDescription

let package = Package(
    name: "blex-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "blex", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver, so a Swift `main` can hand it the input callback.
        .target(name: "CFuzzDriver"),
        // One binary, one target per name: `blex-fuzz framer [libFuzzer flags] [corpus dirs]`.
        .executableTarget(
            name: "blex-fuzz",
            dependencies: [
                "CFuzzDriver",
                .product(name: "BGAPICore", package: "blex"),
                .product(name: "BGAPIEmulator", package: "blex"),
                .product(name: "Explorer", package: "blex"),
                .product(name: "TUI", package: "blex"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
