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

    @Flag(name: .customShort("r"), help: "accept a read-only server")
    var readOnly = false

    @Flag(
        name: .customLong("waitforconnection", withSingleDash: true),
        help: "wait up to the session timeout for the connection before running anything")
    var waitForConnection = false

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
            connectString: server, sessionTimeout: .milliseconds(timeout), canBeReadOnly: readOnly,
            tls: settings.tls, sasl: settings.sasl)
        let shell = Shell(client: client, server: server, sessionTimeout: .milliseconds(timeout), tls: settings.tls,
                          sasl: settings.sasl, canBeReadOnly: readOnly)
        say("Connecting to \(server)\n")
        if waitForConnection {
            // connectToZK: no connection within the timeout ends the CLI.
            do {
                try await client.waitUntilConnected(timeout: .milliseconds(timeout))
            } catch {
                await client.close()
                say(Shell.stateEventText(.closed))
                FileHandle.standardError.write(Data((Self.connectionLossTrace + "\n").utf8))
                throw ExitCode(1)
            }
        }
        if !command.isEmpty {
            // Java sends the command at once; its watcher prints the
            // connection's event before a reply can come, and a command that
            // fails before the connection exits without it.
            let output = await shell.process(words: command)
            let state = await client.state
            if state == .syncConnected || state == .connectedReadOnly {
                say(Shell.stateEventText(state))
            }
            emit(output)
            await shell.client.close()
            throw ExitCode(output.exitCode)
        }
        let interactive = Terminal.isInteractive
        say("Welcome to ZooKeeper!\nJLine support is \(interactive ? "enabled" : "disabled")\n")
        if let state = await Shell.firstConnection(of: client, timeout: .milliseconds(timeout)) {
            say(Shell.stateEventText(state))
        }
        var terminal = Terminal()
        // ZooKeeperMain exits with the status of the last command (quit keeps it).
        var status: Int32 = 0
        var quit = false
        while true {
            var prompt = ""
            if interactive { prompt = await shell.prompt }
            guard let line = interactive ? terminal.readLine(prompt: prompt) : readLine() else { break }
            let output = await shell.executeLine(line)
            emit(output)
            if output.quit { quit = true; break }
            if !line.isEmpty { status = output.exitCode }
        }
        let last = await shell.client
        if await last.state != .closed {
            // Java closes the session on quit, and its watcher prints Closed;
            // at the end of the input it exits without a word. We close
            // either way, so the session's ephemerals go at once.
            await last.close()
            if quit && shell.watches.isOn { say(Shell.stateEventText(.closed)) }
        }
        throw ExitCode(status)
    }

    /// The first line of what Java's CLI prints when -waitforconnection
    /// gives up (an IOException out of main).
    static let connectionLossTrace = "Exception in thread \"main\" java.io.IOException: "
        + "org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss"

    /// Unbuffered, like the command output, so the two keep their order.
    private func say(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    private func emit(_ output: CommandOutput) {
        if !output.out.isEmpty { FileHandle.standardOutput.write(Data(output.out.utf8)) }
        if !output.err.isEmpty { FileHandle.standardError.write(Data(output.err.utf8)) }
    }
}
