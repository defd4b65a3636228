// swift-tools-version: 6.0
// Layers, one direction:
//   ZooKeeperJute -> ZooKeeperProtocol -> ZooKeeperStorageFormat -> ZooKeeperQuorumProtocol
//   (a SNAP on the quorum port carries a snapshot stream, so quorum decoding needs the storage format)
//   ZooKeeperPCAP (independent) -> ZooKeeperTraffic (captures decoded into ZooKeeper messages)
//   -> executables (thin)
import PackageDescription

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

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
        .executable(name: "zkdump", targets: ["zkdump"]),
        .executable(name: "zk-codec-benchmark", targets: ["zk-codec-benchmark"]),
        .executable(name: "zk-capture-benchmark", targets: ["zk-capture-benchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(name: "ZooKeeperJute", dependencies: [nioCore]),
        .target(name: "ZooKeeperProtocol", dependencies: ["ZooKeeperJute", nioCore], exclude: ["Schema"]),
        .target(
            name: "ZooKeeperQuorumProtocol",
            dependencies: ["ZooKeeperJute", "ZooKeeperProtocol", "ZooKeeperStorageFormat", nioCore]
        ),
        .target(name: "ZooKeeperStorageFormat", dependencies: ["ZooKeeperJute", "ZooKeeperProtocol", nioCore]),
        .target(name: "ZooKeeperPCAP", dependencies: [nioCore]),
        .target(
            name: "ZooKeeperTraffic",
            dependencies: ["ZooKeeperPCAP", "ZooKeeperProtocol", "ZooKeeperQuorumProtocol", "ZooKeeperStorageFormat", nioCore]
        ),
        // What zkdump prints: text and JSON lines, filters, statistics, txn log and snapshot dumps.
        .target(name: "ZooKeeperDump", dependencies: ["ZooKeeperTraffic", "ZooKeeperStorageFormat", nioCore]),
        .target(name: "ZooKeeperServerConfig"),
        .executableTarget(
            name: "zkdump",
            dependencies: ["ZooKeeperDump", .product(name: "ArgumentParser", package: "swift-argument-parser")]
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
        .testTarget(name: "ZooKeeperTrafficTests", dependencies: ["ZooKeeperTraffic", "ZooKeeperTestSupport"]),
        .testTarget(name: "ZooKeeperServerConfigTests", dependencies: ["ZooKeeperServerConfig"]),
        .testTarget(name: "ZooKeeperDumpTests", dependencies: ["ZooKeeperDump", "ZooKeeperTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
