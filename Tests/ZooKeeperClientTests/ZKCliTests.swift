import Foundation
import Testing
import ZooKeeperCLI
import ZooKeeperClient

/// zkcli's output for each command of a scripted session against what Java's
/// zkCli printed for it (Fixtures/zkcli, recorded by scripts/record-zkcli-fixture
/// from Java 3.8.0: one invocation, so one session, per command), and the
/// status Java's CLI exited with (0, 1 for an error, 127 for no such command). The session
/// stays under /cli so that it can share a server with other tests.
@Suite struct ZKCliTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/zkcli")

    struct Expected: Decodable { var command: String; var out: String; var err: String; var status: Int32 }

    /// Java's banners, blank lines and the watcher's header lines are not
    /// part of a command's output (the same lines scripts/record-zkcli-fixture drops).
    static func clean(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0 != "WATCHER::" && !$0.hasPrefix("WatchedEvent state:SyncConnected") }
            .map { $0 + "\n" }.joined()
    }

    @Test func everyCommandPrintsWhatJavasZkCliPrinted() async throws {
        let lines = try String(contentsOf: Self.fixtures.appendingPathComponent("session.expected.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Expected.self, from: Data($0.utf8)) }
        #expect(lines.count == 140)
        try await withServer { server in
            // Java's one-shot zkCli leaves its session to time out, so ephemerals
            // outlive the command: the clients stay open until the end here too.
            var clients: [ZooKeeperClient] = []
            var matching = 0, versionOnly = 0
            for expected in lines {
                let client = try ZooKeeperClient(connectString: server.connectString)
                clients.append(client)
                try await client.waitUntilConnected()
                let output = await Shell(client: client, server: server.connectString, sessionTimeout: .seconds(30)).process(expected.command)
                // `version` names each build: Java's text, with our version string.
                let javaOut = Self.ownVersion(expected.out)
                let same = Self.clean(output.out) == javaOut && Self.clean(output.err) == expected.err
                    && output.exitCode == expected.status
                if javaOut != expected.out { versionOnly += 1 }
                #expect(Self.clean(output.out) == javaOut, "stdout of \(expected.command)")
                #expect(Self.clean(output.err) == expected.err, "stderr of \(expected.command)")
                #expect(output.exitCode == expected.status, "exit status of \(expected.command)")
                if same { matching += 1 }
            }
            print("zkcli: \(matching) of \(lines.count) commands print what Java 3.8.0 printed (\(versionOnly) but for the version string)")
            #expect(matching == lines.count)
            for client in clients { await client.close() }
        }
    }

    /// Java's "ZooKeeper CLI version: <its build>" line with this build's version.
    static func ownVersion(_ text: String) -> String {
        let prefix = "ZooKeeper CLI version: "
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(prefix) ? prefix + CommandRunner.version : String($0) }
            .joined(separator: "\n")
    }

    @Test func statPrintsJavasFields() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("stat")
            try await zk.create(root, data: [1, 2])
            let output = await CommandRunner(client: zk).run("stat \(root)")
            let keys = output.out.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(keys == ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion", "ephemeralOwner", "dataLength", "numChildren"])
            #expect(output.out.contains("dataLength = 2\n"))
            #expect(output.out.contains("ephemeralOwner = 0x0\n"))
            await zk.close()
        }
    }
}
