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

    /// The secure client port, when the config sets `secureClientPort`.
    var secureAddress: SocketAddress? { server.secureLocalAddress }

    /// - Parameter systemProperties: `-D` flags (e.g. the JAAS file), added to the config's.
    static func start(
        extraConfig: String = "4lw.commands.whitelist=*\n", systemProperties: [String: String] = [:], logger: Logger? = nil
    ) async throws -> TestServer {
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
        if configuration.secureClientPortAddress != nil {
            configuration.secureClientPortAddress = .init(host: "127.0.0.1", port: 0)
        }
        configuration.systemProperties.merge(systemProperties) { $1 }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let logger = logger ?? {
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            return logger
        }()
        let server: ZooKeeperServer
        do {
            server = try ZooKeeperServer(configuration: configuration, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
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
