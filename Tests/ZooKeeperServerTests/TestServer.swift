import Logging
import NIOCore
import NIOPosix
import ZooKeeperServer
import ZooKeeperServerConfig

/// An in-process zkserver on a free loopback port, for tests over real sockets.
struct TestServer {
    let server: ZooKeeperServer
    let group: MultiThreadedEventLoopGroup
    let address: SocketAddress

    static func start(extra: String = "") async throws -> TestServer {
        let text = "tickTime=2000\ndataDir=zk-test-unused\nclientPort=1\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n" + extra
        var configuration = try ServerConfiguration.parse(config: text).configuration
        configuration.clientPortAddress = .init(host: "127.0.0.1", port: 0)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var logger = Logger(label: "zkserver-test")
        logger.logLevel = .critical
        let server = ZooKeeperServer(configuration: configuration, group: group, logger: logger)
        let address = try await server.start()
        return TestServer(server: server, group: group, address: address)
    }

    func client() async throws -> WireClient {
        try await WireClient.connect(to: address, group: group)
    }

    func stop() async {
        await server.shutdown()
        try? await group.shutdownGracefully()
    }
}
