import ArgumentParser
import Foundation
import ZooKeeperCLI
import ZooKeeperClient

/// zkCli.sh's commands and output: `zkcli -server host:port cmd args`, or
/// commands read from stdin, one a line (edited at a prompt on a terminal).
@main
struct ZKCli: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "zkcli")

    @Option(name: .customLong("server", withSingleDash: true), help: "host:port[,host:port...][/chroot]")
    var server = "localhost:2181"

    @Option(name: .customLong("timeout", withSingleDash: true), help: "session timeout in milliseconds")
    var timeout = 30_000

    @Option(
        name: .customLong("client-configuration", withSingleDash: true),
        help: "Java client properties: zookeeper.client.secure, zookeeper.ssl.*, java.security.auth.login.config")
    var clientConfiguration: String?

    @Argument(parsing: .captureForPassthrough)
    var command: [String] = []

    func run() async throws {
        var settings = ClientConfigurationFile()
        if let clientConfiguration {
            do {
                settings = try ClientConfigurationFile.load(path: clientConfiguration)
            } catch {
                FileHandle.standardError.write(Data("zkcli: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let client = try ZooKeeperClient(
            connectString: server, sessionTimeout: .milliseconds(timeout), tls: settings.tls, sasl: settings.sasl)
        let shell = Shell(client: client, server: server, sessionTimeout: .milliseconds(timeout), tls: settings.tls, sasl: settings.sasl)
        if !command.isEmpty {
            try await client.waitUntilConnected()
            emit(await shell.process(words: command))
            await shell.client.close()
            return
        }
        let interactive = Terminal.isInteractive
        say("Connecting to \(server)\nWelcome to ZooKeeper!\nJLine support is \(interactive ? "enabled" : "disabled")\n")
        try await client.waitUntilConnected()
        say("\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n")
        var terminal = Terminal()
        while true {
            var prompt = ""
            if interactive { prompt = await shell.prompt }
            guard let line = interactive ? terminal.readLine(prompt: prompt) : readLine() else { break }
            let output = await shell.executeLine(line)
            emit(output)
            if output.quit { break }
        }
        let last = await shell.client
        if await last.state != .closed {
            await last.close()
            if shell.watches.isOn { say("\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n") }
        }
    }

    /// Unbuffered, like the command output, so the two keep their order.
    private func say(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    private func emit(_ output: CommandOutput) {
        if !output.out.isEmpty { FileHandle.standardOutput.write(Data(output.out.utf8)) }
        if !output.err.isEmpty { FileHandle.standardError.write(Data(output.err.utf8)) }
    }
}
