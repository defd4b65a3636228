import Foundation
import Testing
import ZooKeeperCLI
import ZooKeeperClient

/// history, redo, printwatches, close and connect need one session: the
/// lines of Fixtures/zkcli/interactive.txt go through one Shell, as Java's
/// zkCli read them from stdin, and stdout and stderr are compared with what
/// Java 3.8.0 printed (scripts/record-zkcli-fixture).
@Suite struct ZKCliShellTests {
    struct Expected: Decodable { var out: String; var err: String }

    /// ZooKeeperMain.getPrompt: host, ZooKeeper.States name, next command's number.
    @Test func thePromptNamesTheStateAndTheCommandNumber() async throws {
        try await withServer { server in
            let client = try await ClientOperationTests.connect(server)
            let shell = Shell(client: client, server: server.connectString, sessionTimeout: .seconds(30))
            #expect(await shell.prompt == "[zk: \(server.connectString)(CONNECTED) 0] ")
            _ = await shell.executeLine("ls /")
            _ = await shell.executeLine("close")
            #expect(await shell.prompt == "[zk: \(server.connectString)(CLOSED) 2] ")
        }
    }

    @Test func anInteractiveSessionPrintsWhatJavasZkCliPrinted() async throws {
        let fixtures = ZKCliTests.fixtures
        let script = try String(contentsOf: fixtures.appendingPathComponent("interactive.txt"), encoding: .utf8)
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: fixtures.appendingPathComponent("interactive.expected.json")))
        try await withServer { server in
            let client = try await ClientOperationTests.connect(server)
            let shell = Shell(client: client, server: server.connectString, sessionTimeout: .seconds(30))
            var out = "", err = ""
            for line in script.split(separator: "\n") {
                let output = await shell.executeLine(line.replacingOccurrences(of: "SERVER", with: server.connectString))
                out += output.out
                err += output.err
            }
            // The connect line names this server; the fixture says SERVER.
            #expect(ZKCliTests.clean(out).replacingOccurrences(of: server.connectString, with: "SERVER") == expected.out)
            #expect(ZKCliTests.clean(err) == expected.err)
            await shell.client.close()
            await client.close()
        }
    }
}
