import Foundation
import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// Read-only mode against Java 3.8.0 (scripts/swift-client-readonly-tests):
/// server 1 of three is partitioned and serves read-only; servers 2 and 3
/// start later and form a quorum; the client must find them by itself.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ZK_TEST_RO_SERVERS"] != nil))
struct ReadOnlyJavaTests {
    @Test func readOnlySessionMovesToAReadWriteServer() async throws {
        let environment = ProcessInfo.processInfo.environment
        let servers = try #require(environment["ZK_TEST_RO_SERVERS"])
        let control = try #require(environment["ZK_TEST_RO_CONTROL"])
        // Only server 1 is up: servers 2 and 3 refuse, so the client lands on it.
        let zk = try ZooKeeperClient(connectString: servers, sessionTimeout: .seconds(20), canBeReadOnly: true)
        try await zk.waitUntilConnected(timeout: .seconds(60))
        // Made now, the stream starts with ConnectedReadOnly.
        let states = zk.states()
        #expect(await next(states) == .connectedReadOnly)
        let readOnlySession = await zk.sessionId
        #expect(try await zk.exists("/zookeeper") != nil)
        await #expect(throws: ZooKeeperError(.notReadOnly, path: "/ro-write")) { try await zk.create("/ro-write") }

        // zkcli -r takes the read-only server (-waitforconnection: the
        // refusing servers are tried first in turn); without -r the server
        // refuses the session, and zkcli gives up after its timeout.
        let readOnlyCLI = try await ZKCliBinaryTests.run(
            ["-r", "-waitforconnection", "-server", servers, "-timeout", "20000", "ls", "/"])
        #expect(readOnlyCLI.status == 0)
        #expect(readOnlyCLI.out.hasSuffix("WatchedEvent state:ConnectedReadOnly type:None path:null\n[zookeeper]\n"))
        let plainCLI = try await ZKCliBinaryTests.run(["-waitforconnection", "-server", servers, "-timeout", "3000", "ls", "/"])
        #expect(plainCLI.status == 1)
        #expect(plainCLI.err.contains("KeeperErrorCode = ConnectionLoss"))

        try await runShellCommand(control)
        // The probes find server 2 or 3; the read-only connection ends and
        // the client connects read-write, with a new session (Java's rule:
        // a session from a read-only server is not carried over).
        let sawDisconnect = await next(states, where: { $0 == .disconnected }, seconds: 120) != nil
        #expect(sawDisconnect)
        #expect(await next(states, where: { $0 == .syncConnected }, seconds: 60) == .syncConnected)
        #expect(await zk.sessionId != readOnlySession)
        let path = try await zk.create("/rw-\(UUID().uuidString.prefix(8))", data: [1])
        #expect(try await zk.getData(path).data == [1])
        await zk.close()
    }
}
