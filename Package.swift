// swift-tools-version: 6.1
// blex: a BLED112 (BGAPI v1) library, a virtual dongle, and a terminal explorer.
// Module layout follows docs/architecture.md; modules join this manifest as their issues land.
import PackageDescription

let package = Package(
    name: "blex",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BGAPICore", targets: ["BGAPICore"]),
        .library(name: "BGAPITestSupport", targets: ["BGAPITestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Pure, stdlib only: wire format, every v1 message, framing, error codes.
        .target(
            name: "BGAPICore",
            exclude: ["Messages/codegen"]
        ),
        // Test doubles shipped as a product: frame-decoder verifier, captured vectors.
        .target(
            name: "BGAPITestSupport",
            dependencies: ["BGAPICore"]
        ),
        .testTarget(
            name: "BGAPICoreTests",
            dependencies: [
                "BGAPICore",
                "BGAPITestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Outside oracles: pygatt 5.0.0 and bgapi 0.7 (Python, from PyPI) must agree with our codec.
        .testTarget(
            name: "InteropTests",
            dependencies: ["BGAPICore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
