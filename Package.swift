// swift-tools-version: 6.0
// Layers, one direction:
//   ZooKeeperJute -> ZooKeeperProtocol -> ZooKeeperStorageFormat -> ZooKeeperQuorumProtocol
//   (a SNAP on the quorum port carries a snapshot stream, so quorum decoding needs the storage format)
//   ZooKeeperPCAP (independent) -> ZooKeeperTraffic (captures decoded into ZooKeeper messages)
//   ZooKeeperProtocol -> ZooKeeperServerCore (data tree, sessions, watches, ACLs, requests: pure, explicit time)
//   -> ZooKeeperServer (SwiftNIO I/O) -> zkserver
//   ZooKeeperProtocol -> ZooKeeperConformance (scenarios run over a socket) -> zkconform
//   -> executables (thin)
import PackageDescription

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "swift-zookeeper",
    products: [
        .library(name: "ZooKeeperJute", targets: ["ZooKeeperJute"]),
        .library(name: "ZooKeeperProtocol", targets: ["ZooKeeperProtocol"]),
        .library(name: "ZooKeeperQuorumProtocol", targets: ["ZooKeeperQuorumProtocol"]),
        .library(name: "ZooKeeperStorageFormat", targets: ["ZooKeeperStorageFormat"]),
        .library(name: "ZooKeeperPCAP", targets: ["ZooKeeperPCAP"]),
        .library(name: "ZooKeeperTraffic", targets: ["ZooKeeperTraffic"]),
        .library(name: "ZooKeeperDump", targets: ["ZooKeeperDump"]),
        .library(name: "ZooKeeperServerConfig", targets: ["ZooKeeperServerConfig"]),
        .library(name: "ZooKeeperServerCore", targets: ["ZooKeeperServerCore"]),
        .library(name: "ZooKeeperServer", targets: ["ZooKeeperServer"]),
        .library(name: "ZooKeeperConformance", targets: ["ZooKeeperConformance"]),
        .executable(name: "zkdump", targets: ["zkdump"]),
        .executable(name: "zkserver", targets: ["zkserver"]),
        .executable(name: "zkconform", targets: ["zkconform"]),
        .executable(name: "zk-load", targets: ["zk-load"]),
        .executable(name: "zk-codec-benchmark", targets: ["zk-codec-benchmark"]),
        .executable(name: "zk-capture-benchmark", targets: ["zk-capture-benchmark"]),
    ] + clientProducts,
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // TLS on the client port (secureClientPort, client.portUnification).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "ZooKeeperJute", dependencies: [nioCore]),
        .target(name: "ZooKeeperProtocol", dependencies: ["ZooKeeperJute", nioCore], exclude: ["Schema"]),
        .target(
            name: "ZooKeeperQuorumProtocol",
            dependencies: ["ZooKeeperJute", "ZooKeeperProtocol", "ZooKeeperStorageFormat", nioCore]
        ),
        .target(name: "ZooKeeperStorageFormat", dependencies: ["ZooKeeperJute", "ZooKeeperProtocol", "CZlib", nioCore]),
        // The system zlib (zlib1g-dev), for gzip-compressed snapshots.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZooKeeperPCAP", dependencies: [nioCore]),
        .target(
            name: "ZooKeeperTraffic",
            dependencies: ["ZooKeeperPCAP", "ZooKeeperProtocol", "ZooKeeperQuorumProtocol", "ZooKeeperStorageFormat", nioCore]
        ),
        // What zkdump prints: text and JSON lines, filters, statistics, txn log and snapshot dumps.
        .target(name: "ZooKeeperDump", dependencies: ["ZooKeeperTraffic", "ZooKeeperStorageFormat", nioCore]),
        .target(name: "ZooKeeperServerConfig"),
        .executableTarget(name: "zkdump", dependencies: ["ZooKeeperDump", "ZooKeeperStorageFormat", argumentParser]),
        // The server's logic without I/O: data tree, sessions, watches, ACLs, request processing.
        .target(
            name: "ZooKeeperServerCore",
            dependencies: [
                "ZooKeeperJute", "ZooKeeperProtocol", "ZooKeeperStorageFormat", nioCore,
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The client port on SwiftNIO, the session clock, four-letter words.
        .target(
            name: "ZooKeeperServer",
            dependencies: [
                "ZooKeeperServerCore", "ZooKeeperServerConfig", "ZooKeeperProtocol", "ZooKeeperStorageFormat", nioCore, nioPosix, logging,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "zkserver",
            dependencies: [
                "ZooKeeperServer", "ZooKeeperServerConfig", argumentParser, logging, nioCore, nioPosix,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Scenario files run against a server over a socket, compared with recorded answers.
        .target(name: "ZooKeeperConformance", dependencies: ["ZooKeeperProtocol", nioCore, nioPosix]),
        .executableTarget(name: "zkconform", dependencies: ["ZooKeeperConformance", argumentParser]),
        // A load generator pipelining raw frames from one event loop, plain or over TLS.
        .executableTarget(
            name: "zk-load",
            dependencies: ["ZooKeeperProtocol", nioCore, nioPosix, argumentParser, .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        // Counts allocations by replacing the C allocator: benchmarks only.
        .target(name: "CMallocCounter"),
        .executableTarget(name: "zk-codec-benchmark", dependencies: ["ZooKeeperTraffic", "CMallocCounter"]),
        // Times reading, reassembling and decoding one large synthesised capture.
        .executableTarget(name: "zk-capture-benchmark", dependencies: ["ZooKeeperTraffic", "ZooKeeperTestSupport"]),

        // Helpers shared by the test targets (golden-byte builders, prefix checks).
        .target(name: "ZooKeeperTestSupport", dependencies: ["ZooKeeperPCAP", "ZooKeeperTraffic", nioCore]),

        .testTarget(name: "ZooKeeperJuteTests", dependencies: ["ZooKeeperJute"]),
        .testTarget(name: "ZooKeeperProtocolTests", dependencies: ["ZooKeeperProtocol"]),
        .testTarget(name: "ZooKeeperQuorumProtocolTests", dependencies: ["ZooKeeperQuorumProtocol", "ZooKeeperTestSupport"]),
        .testTarget(name: "ZooKeeperStorageFormatTests", dependencies: ["ZooKeeperStorageFormat", "ZooKeeperTestSupport"]),
        .testTarget(name: "ZooKeeperPCAPTests", dependencies: ["ZooKeeperPCAP"]),
        .testTarget(name: "ZooKeeperTrafficTests", dependencies: ["ZooKeeperTraffic", "ZooKeeperTestSupport", "ZooKeeperServerCore"]),
        .testTarget(name: "ZooKeeperServerConfigTests", dependencies: ["ZooKeeperServerConfig"]),
        .testTarget(name: "ZooKeeperServerCoreTests", dependencies: ["ZooKeeperServerCore", "ZooKeeperStorageFormat"]),
        .testTarget(
            name: "ZooKeeperServerTests",
            dependencies: [
                "ZooKeeperServer", "ZooKeeperServerCore", "ZooKeeperStorageFormat", nioPosix,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["TLSFixtures"]
        ),
        .testTarget(name: "ZooKeeperConformanceTests", dependencies: ["ZooKeeperConformance"]),
        .testTarget(name: "ZooKeeperDumpTests", dependencies: ["ZooKeeperDump", "ZooKeeperTestSupport"], exclude: ["Golden"]),
    ] + clientTargets,
    swiftLanguageModes: [.v6]
)

// MARK: - Client
// ZooKeeperProtocol -> ZooKeeperClientCore (the session as pure logic, explicit time)
// -> ZooKeeperClient (SwiftNIO I/O, async API) -> ZooKeeperRecipes, ZooKeeperCLI -> zkcli
var clientProducts: [Product] {
    [
        .library(name: "ZooKeeperClientCore", targets: ["ZooKeeperClientCore"]),
        .library(name: "ZooKeeperClient", targets: ["ZooKeeperClient"]),
        .library(name: "ZooKeeperRecipes", targets: ["ZooKeeperRecipes"]),
        .executable(name: "zkcli", targets: ["zkcli"]),
        .executable(name: "zk-client-benchmark", targets: ["zk-client-benchmark"]),
    ]
}

var clientTargets: [Target] {
    [
        .target(
            name: "ZooKeeperClientCore",
            dependencies: ["ZooKeeperJute", "ZooKeeperProtocol", nioCore, .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "ZooKeeperClient",
            dependencies: ["ZooKeeperClientCore", "ZooKeeperProtocol", nioCore, nioPosix, .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .target(name: "ZooKeeperRecipes", dependencies: ["ZooKeeperClient", "ZooKeeperProtocol"]),
        // zkCli.sh's commands and output texts, and the command line.
        .target(name: "ZooKeeperCLI", dependencies: ["ZooKeeperClient", "ZooKeeperClientCore", "ZooKeeperProtocol", "ZooKeeperServerConfig"]),
        .executableTarget(name: "zkcli", dependencies: ["ZooKeeperCLI", "ZooKeeperClient", argumentParser]),
        // Pipelined calls through the client, compared with the C client by scripts/benchmark-client.
        .executableTarget(name: "zk-client-benchmark", dependencies: ["ZooKeeperClient"]),
        .testTarget(
            name: "ZooKeeperClientCoreTests",
            dependencies: ["ZooKeeperClientCore", "ZooKeeperProtocol", "ZooKeeperTraffic", "ZooKeeperTestSupport", nioCore]
        ),
        .testTarget(
            name: "ZooKeeperClientTests",
            dependencies: [
                "ZooKeeperClient", "ZooKeeperRecipes", "ZooKeeperCLI", "ZooKeeperServer", "ZooKeeperServerConfig", nioCore, nioPosix, logging,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
}
