import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import ZooKeeperClient
import ZooKeeperServer
import ZooKeeperServerConfig

/// Where the client tests find a server: the address in ZK_TEST_SERVER (a
/// Java ZooKeeper started by scripts/swift-client-tests), else an in-process
/// zkserver on a free loopback port with its own data dir.
final class TestServer: @unchecked Sendable {
    private var server: ZooKeeperServer?
    private let group: MultiThreadedEventLoopGroup?
    let dataDir: String?
    private(set) var port: Int
    let host: String
    let isExternal: Bool

    var connectString: String { "\(host):\(port)" }

    private init(host: String, port: Int, server: ZooKeeperServer?, group: MultiThreadedEventLoopGroup?, dataDir: String?) {
        self.host = host
        self.port = port
        self.server = server
        self.group = group
        self.dataDir = dataDir
        isExternal = server == nil
    }

    static var external: String? {
        ProcessInfo.processInfo.environment["ZK_TEST_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The external server if one is set, else a fresh in-process one.
    static func start() async throws -> TestServer {
        if let external = external {
            let parts = external.split(separator: ":")
            return TestServer(host: String(parts[0]), port: Int(parts[1]) ?? 2181, server: nil, group: nil, dataDir: nil)
        }
        return try await startInProcess()
    }

    /// Always in-process (tests that stop and restart the server).
    /// - systemProperties: `-D` flags (e.g. the JAAS file).
    static func startInProcess(extraConfig: String = "", systemProperties: [String: String] = [:]) async throws -> TestServer {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("zk-client-\(UUID().uuidString)").path
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (server, port) = try await launch(
            dataDir: dataDir, port: 0, group: group, extraConfig: extraConfig, systemProperties: systemProperties)
        return TestServer(host: "127.0.0.1", port: port, server: server, group: group, dataDir: dataDir)
    }

    /// The secure client port's number, when the config sets `secureClientPort`.
    var securePort: Int? { server?.secureLocalAddress?.port }

    private static func launch(
        dataDir: String, port: Int, group: EventLoopGroup, extraConfig: String, systemProperties: [String: String] = [:]
    ) async throws -> (ZooKeeperServer, Int) {
        var configuration = try ServerConfiguration.parse(config: """
            tickTime=2000
            dataDir=\(dataDir)
            clientPort=2181
            clientPortAddress=127.0.0.1
            maxClientCnxns=0
            extendedTypesEnabled=true
            \(extraConfig)
            """).configuration
        configuration.clientPortAddress = .init(host: "127.0.0.1", port: port)
        if configuration.secureClientPortAddress != nil {
            configuration.secureClientPortAddress = .init(host: "127.0.0.1", port: 0)
        }
        configuration.systemProperties.merge(systemProperties) { $1 }
        var logger = Logger(label: "client-test-server")
        logger.logLevel = .warning
        let server = try ZooKeeperServer(configuration: configuration, group: group, logger: logger)
        let address = try await server.start()
        return (server, address.port ?? port)
    }

    /// How to stop and start the external server, when it can be: a shell
    /// command with %s for "stop" or "start" (set by scripts/swift-client-tests).
    static var externalControl: String? {
        ProcessInfo.processInfo.environment["ZK_TEST_SERVER_CONTROL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a test may stop and restart the server: in-process, or the
    /// external one when it can be controlled.
    static var canRestart: Bool { external == nil || externalControl != nil }

    private func control(_ verb: String) async throws {
        guard let command = Self.externalControl?.replacingOccurrences(of: "%s", with: verb) else { return }
        try await runShellCommand(command)
    }

    /// Stops the server (sessions and data stay in its data dir).
    func stopServerOnly() async throws {
        if isExternal { return try await control("stop") }
        await server?.shutdown()
        server = nil
    }

    /// Starts it again on the same port and data dir.
    func restart() async throws {
        if isExternal { return try await control("start") }
        guard let group, let dataDir else { return }
        // The old listening socket may take a moment to be released.
        for attempt in 0..<50 {
            do {
                (server, port) = try await Self.launch(dataDir: dataDir, port: port, group: group, extraConfig: "")
                return
            } catch where attempt < 49 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func stop() async {
        await server?.shutdown()
        server = nil
        try? await group?.shutdownGracefully()
        if let dataDir { try? FileManager.default.removeItem(atPath: dataDir) }
    }
}

struct ServerControlError: Error { var command: String }

/// Runs a shell command and waits for it (posix_spawn and waitpid on a
/// thread of its own: Foundation's Process did not always see the exit).
/// The command starts with no signal blocked and the usual dispositions:
/// a spawned child inherits this thread's mask, in which SIGTERM is
/// blocked, and then `timeout` in the command could not stop anything.
func runShellCommand(_ command: String) async throws {
    let status: Int32 = await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var pid: pid_t = 0
            let words: [String] = ["/bin/bash", "-c", command]
            var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { for arg in argv { free(arg) } }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            posix_spawnattr_setsigmask(&attributes, &unblocked)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGCHLD] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            guard posix_spawn(&pid, "/bin/bash", nil, &attributes, &argv, environ) == 0 else {
                continuation.resume(returning: -1)
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            continuation.resume(returning: status)
        }
    }
    guard status == 0 else { throw ServerControlError(command: command) }
}

/// Runs `body` with a started server and stops it afterwards, even on failure.
func withServer<T>(_ body: (TestServer) async throws -> T) async throws -> T {
    let server = try await TestServer.start()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A unique path prefix, so tests sharing one external server do not collide.
func uniqueRoot(_ name: String) -> String { "/\(name)-\(UUID().uuidString.prefix(8))" }

/// Waits for the next element of an async iterator, for at most `seconds`.
func next<T: Sendable>(_ stream: AsyncStream<T>, where predicate: @escaping @Sendable (T) -> Bool = { _ in true }, seconds: Double = 20) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask {
            for await value in stream where predicate(value) { return value }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Ends `client`'s session from outside: another connection takes the
/// session over with its id and password and closes it, so the client's
/// next handshake is answered "expired".
func expireSession(of client: ZooKeeperClient, server: TestServer) async throws {
    let thief = try ZooKeeperClient.resuming(
        connectString: server.connectString, sessionId: await client.sessionId,
        password: await client.sessionPassword, sessionTimeout: .seconds(4))
    try await thief.waitUntilConnected()
    await thief.close()
}

@Suite struct ShellCommandTests {
    /// The server control scripts bound their probes with `timeout`, which
    /// stops its child with SIGTERM: that must reach the child.
    /// The shell times it, so a busy test process cannot skew the result.
    @Test func timeoutInACommandStopsItsChild() async throws {
        try await runShellCommand("s=$(date +%s); timeout 1 sleep 30; [ $(( $(date +%s) - s )) -lt 10 ]")
    }
}
