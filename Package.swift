// swift-tools-version:6.1
import PackageDescription

/// p2p-chat: a serverless terminal chat on a hand-written libp2p stack.
/// Dependency direction: App → {TUI, Network, Persistence}; the three libraries never import each other.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "p2p-chat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "p2p-chat", targets: ["App"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // No default traits: BinaryDelimitedStreams imports all of Foundation (and with it 34 MB of ICU data);
        // we frame messages ourselves and need only FoundationEssentials.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CNcurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Ed25519 verification with per-author tables (issue 3); libsodium does the hashing and key checks
        // (CSodium brings pkg-config's include path for <sodium.h>, e.g. Homebrew's on macOS).
        .target(name: "CEd25519",
                dependencies: ["CSodium"],
                cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("sodium"), .linkedLibrary("pthread")]),
        .target(name: "Network",
                dependencies: ["CSodium", "CEd25519",
                               .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                               .product(name: "Logging", package: "swift-log")],
                exclude: ["Core/keys.proto", "Security/Noise/noise.proto", "Identify/identify.proto", "PubSub/rpc.proto", "DHT/dht.proto"],
                swiftSettings: v5),
        .target(name: "Persistence", dependencies: ["CSQLite"], swiftSettings: v5),
        .target(name: "TUI", dependencies: ["CNcurses"], swiftSettings: v5),
        .executableTarget(name: "App",
                          dependencies: ["Network", "Persistence", "TUI",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")],
                          swiftSettings: v5),
        .executableTarget(name: "p2p-chat-bench",
                          dependencies: ["Network", "Persistence", "TUI", .product(name: "Logging", package: "swift-log")], path: "bench/Sources",
                          swiftSettings: v5),
        .testTarget(name: "NetworkTests", dependencies: ["Network"], swiftSettings: v5),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence"], swiftSettings: v5),
        .testTarget(name: "TUITests", dependencies: ["TUI"], swiftSettings: v5),
        .testTarget(name: "AppTests", dependencies: ["App", "Network"], swiftSettings: v5),
    ]
)
