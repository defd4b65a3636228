import Foundation
import Logging
import NIOCore
import NIOPosix
import ZooKeeperServer
import ZooKeeperServerConfig

/// An in-process zkserver on a free loopback port with its own temporary
/// dataDir, for tests over real sockets.
struct TestServer {
    let server: ZooKeeperServer
    let group: MultiThreadedEventLoopGroup
    let address: SocketAddress
    let dataDir: String

    static func start(extraConfig: String = "4lw.commands.whitelist=*\n") async throws -> TestServer {
        let dataDir = FileManager.default.temporaryDirectory
            .appendingPathComponent("zk-4lw-\(UUID().uuidString)").path
        // clientPort=0 means "not set" to 3.8.0's parser: parse a real port, then listen on 0.
        var configuration = try ServerConfiguration.parse(config: """
            tickTime=2000
            dataDir=\(dataDir)
            clientPort=2181
            clientPortAddress=127.0.0.1
            maxClientCnxns=0
            forceSync=no
            nio.sessionlessCnxnTimeout=120000
            \(extraConfig)
            """).configuration
        configuration.clientPortAddress = .init(host: "127.0.0.1", port: 0)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = try ZooKeeperServer(configuration: configuration, group: group, logger: logger)
        do {
            let address = try await server.start()
            return TestServer(server: server, group: group, address: address, dataDir: dataDir)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func word(_ word: String) async throws -> String {
        try await WireClient.fourLetterWord(word, to: address, group: group)
    }

    func stop() async {
        await server.shutdown()
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

extension TestServer {
    func client() async throws -> WireClient {
        try await WireClient.connect(to: address, group: group)
    }
}
