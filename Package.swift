// swift-tools-version: 6.1
// blex: a BLED112 (BGAPI v1) library, a virtual dongle, and a terminal explorer.
// Module layout follows docs/architecture.md; modules join this manifest as their issues land.
import PackageDescription

let package = Package(
    name: "blex",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BGAPICore", targets: ["BGAPICore"]),
        .library(name: "BGAPITransport", targets: ["BGAPITransport"]),
        .library(name: "BGAPI", targets: ["BGAPI"]),
        .library(name: "BGAPIEmulator", targets: ["BGAPIEmulator"]),
        .executable(name: "bled112-emulator", targets: ["bled112-emulator"]),
        .executable(name: "blex", targets: ["blex"]),
        .library(name: "Explorer", targets: ["Explorer"]),
        .library(name: "TUI", targets: ["TUI"]),
        .library(name: "BGAPITestSupport", targets: ["BGAPITestSupport"]),
        .library(name: "BluetoothNumbers", targets: ["BluetoothNumbers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // `swift package generate-documentation`: the DocC catalogs of BGAPI, BGAPICore and BGAPIEmulator.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        // Pure, stdlib only: wire format, every v1 message, framing, error codes.
        .target(
            name: "BGAPICore",
            exclude: ["Messages/codegen"]
        ),
        // Moves bytes (serial port, pty, in-memory loopback) and finds dongles; knows no protocol.
        .target(name: "BGAPITransport", dependencies: ["BGAPICore", "CBGAPITransport"]),
        // The C calls Swift's Glibc module does not expose (posix_openpt and friends).
        .target(name: "CBGAPITransport"),
        // The public host library: pygatt's BGAPIBackend and BGAPIBLEDevice, on the sans-IO host in BGAPICore/Host.
        .target(name: "BGAPI", dependencies: ["BGAPICore", "BGAPITransport"]),
        // Pure terminal UI toolkit: screen model, layout, widgets, keys. No curses here.
        .target(name: "TUI"),
        .testTarget(name: "TUITests", dependencies: ["TUI", "TUITestSupport"]),
        // What curses is handed, checked against the C library's wcwidth: shared by the TUI and explorer tests.
        .target(name: "TUITestSupport", dependencies: ["TUI"]),
        // The explorer's pure core: state, update (messages in, effects out), keymap, views.
        .target(name: "Explorer", dependencies: ["BGAPICore", "BluetoothNumbers", "TUI"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "ExplorerRuntime", "BGAPICore", "TUI", "BGAPI", "BGAPIEmulator",
                                                         "BGAPITestSupport", "TUITestSupport"]),
        // Carries the explorer's effects out on the BGAPI library and turns backend events into messages.
        .target(name: "ExplorerRuntime", dependencies: ["Explorer", "BGAPI"]),
        // libncursesw and the macros Swift cannot import, as inline functions.
        .systemLibrary(name: "CNCursesw"),
        // The only module that touches curses: presents Screens, reads keys.
        .target(name: "TUICurses", dependencies: ["TUI", "CNCursesw"],
                linkerSettings: [
                    // Debian's wide-character ncurses; macOS's system ncurses has wide characters under its plain name.
                    .linkedLibrary("ncursesw", .when(platforms: [.linux])),
                    .linkedLibrary("ncurses", .when(platforms: [.macOS])),
                ]),
        // `blex`: the explorer and its script-friendly subcommands.
        .executableTarget(
            name: "blex",
            dependencies: [
                "BGAPI", "BGAPIEmulator", "Explorer", "ExplorerRuntime", "TUI", "TUICurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The virtual BLED112: a pure dongle model, a simulated world, and a runner for any transport.
        .target(name: "BGAPIEmulator", dependencies: ["BGAPICore", "BGAPITransport"]),
        // `bled112-emulator`: the virtual dongle on a pty.
        .executableTarget(
            name: "bled112-emulator",
            dependencies: [
                "BGAPIEmulator", "BGAPITransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test doubles shipped as a product: frame-decoder verifier, captured vectors.
        .target(
            name: "BGAPITestSupport",
            dependencies: ["BGAPICore", "BGAPITransport", "BGAPIEmulator"]
        ),
        .testTarget(
            name: "BGAPICoreTests",
            dependencies: [
                "BGAPICore",
                "BGAPITestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "BGAPITransportTests",
            dependencies: ["BGAPITransport"]
        ),
        .testTarget(
            name: "BGAPITests",
            dependencies: ["BGAPI", "BGAPICore", "BGAPITransport", "BGAPIEmulator", "BGAPITestSupport"]
        ),
        .testTarget(
            name: "BGAPIEmulatorTests",
            dependencies: ["BGAPIEmulator", "BGAPICore", "BGAPITransport"]
        ),
        // Outside oracles: pygatt 5.0.0 and bgapi 0.7 (Python, from PyPI) must agree with our codec.
        .testTarget(
            name: "InteropTests",
            dependencies: ["BGAPICore", "BGAPI", "BGAPIEmulator"]
        ),
        // Pure, stdlib only: SIG names (generated from data/ by codegen/generate.py) and value formats.
        .target(name: "BluetoothNumbers", exclude: ["data", "codegen"]),
        .testTarget(name: "BluetoothNumbersTests", dependencies: ["BluetoothNumbers"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
