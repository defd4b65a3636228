import Foundation
import ZooKeeperClient
import ZooKeeperProtocol

/// ZooKeeperMain around the commands: history and redo, printwatches,
/// connect and close, and "Not connected" for commands once the client is
/// closed. Lines read at the prompt go through `executeLine` (numbered in
/// the history); a command given on the command line through `process`.
public actor Shell {
    public private(set) var client: ZooKeeperClient
    private var runner: CommandRunner
    private var host: String
    private let sessionTimeout: Duration
    /// How `connect` reaches servers: what -client-configuration set.
    private let tls: ClientTLS?
    private let sasl: SASLCredentials?
    /// `-r`: accept read-only servers.
    private let canBeReadOnly: Bool
    public nonisolated let watches = WatchSwitch()
    private var history: [Int: String] = [:]
    private var commandCount = 0
    private var closed = false
    private static let ownCommands: Set<String> = ["redo", "history", "printwatches", "connect", "close"]

    public init(
        client: ZooKeeperClient, server: String, sessionTimeout: Duration, tls: ClientTLS? = nil,
        sasl: SASLCredentials? = nil, canBeReadOnly: Bool = false
    ) {
        self.canBeReadOnly = canBeReadOnly
        self.client = client
        host = server
        self.sessionTimeout = sessionTimeout
        self.tls = tls
        self.sasl = sasl
        runner = CommandRunner(client: client, watches: watches)
    }

    public func executeLine(_ line: String) async -> CommandOutput {
        guard !line.isEmpty else { return CommandOutput() }
        history[commandCount] = line
        let output = await process(line)
        commandCount += 1
        return output
    }

    public func process(_ line: String) async -> CommandOutput {
        await process(words: CommandWords.split(line))
    }

    /// A command already split into words (the command line's own arguments).
    public func process(words: [String]) async -> CommandOutput {
        guard let name = words.first else { return CommandOutput() }
        var output = CommandOutput()
        switch name {
        case "redo" where words.count >= 2:
            guard let index = Int(words[1]), index >= 0, index < commandCount, let again = history[index] else {
                output.err += "Command index out of range\n"
                output.exitCode = 1
                return output
            }
            if CommandWords.split(again).first == "redo" {
                output.err += "No redoing redos\n"
                output.exitCode = 1
                return output
            }
            history[commandCount] = again
            output = await process(again)
        case "history":
            for i in max(0, commandCount - 10)...commandCount { output.out += "\(i) - \(history[i] ?? "null")\n" }
        case "printwatches":
            if words.count == 1 {
                output.out += "printwatches is \(watches.isOn ? "on" : "off")\n"
            } else {
                watches.isOn = words[1] == "on"
            }
        case "connect":
            await connect(to: words.count >= 2 ? words[1] : host, &output)
        default:
            break
        }
        guard await isAlive else {
            output.out += "Not connected\n"
            return output
        }
        if name == "close" {
            await close(&output)
            return output
        }
        if Self.ownCommands.contains(name) { return output }
        let result = await runner.run(words: words)
        output.out += result.out
        output.err += result.err
        output.quit = result.quit
        output.exitCode = result.exitCode
        return output
    }

    /// ZooKeeperMain.getPrompt: "[zk: host(STATE) N] " with the client's
    /// ZooKeeper.States name and the next command's number.
    public var prompt: String {
        get async {
            let state: String
            switch closed ? .closed : await client.state {
            case .syncConnected: state = "CONNECTED"
            case .connectedReadOnly: state = "CONNECTEDREADONLY"
            case .closed, .expired: state = "CLOSED"
            case .authFailed: state = "AUTH_FAILED"
            default: state = "CONNECTING"
            }
            return "[zk: \(host)(\(state)) \(commandCount)] "
        }
    }

    private var isAlive: Bool {
        get async {
            if closed { return false }
            let state = await client.state
            return state != .closed && state != .expired && state != .authFailed
        }
    }

    /// CloseCommand: closes the session; the watcher hears Closed.
    private func close(_ output: inout CommandOutput) async {
        await client.close()
        closed = true
        if watches.isOn { output.out += Self.stateEventText(.closed) }
    }

    /// connectToZK: closes a live client and starts a new one; its state
    /// changes are printed as they come.
    private func connect(to server: String, _ output: inout CommandOutput) async {
        if await isAlive { await close(&output) }
        host = server
        do {
            client = try ZooKeeperClient(connectString: server, sessionTimeout: sessionTimeout, canBeReadOnly: canBeReadOnly,
                                         tls: tls, sasl: sasl)
        } catch {
            output.err += "\(error)\n"
            return
        }
        closed = false
        runner = CommandRunner(client: client, watches: watches)
        let states = client.states(), printing = self.watches
        Task {
            var first = true
            for await state in states {
                // The stream starts with the current state, which is no event.
                if first { first = false; if state != .syncConnected { continue } }
                if state == .closed { break }
                if printing.isOn {
                    FileHandle.standardOutput.write(Data(Self.stateEventText(state).utf8))
                }
            }
        }
    }

    /// What ZooKeeperMain's watcher prints for a state change.
    public static func stateEventText(_ state: KeeperState) -> String {
        "\nWATCHER::\n\nWatchedEvent state:\(state) type:None path:null\n"
    }

    /// How the first connection attempt ended: the connected state
    /// (SyncConnected or ConnectedReadOnly), or nil when it failed or took
    /// longer than `timeout`. ZooKeeperMain sends its first command without
    /// waiting; this lets the caller print the connection's event first, as
    /// Java's watcher does before the reply, and not wait longer than Java.
    public static func firstConnection(of client: ZooKeeperClient, timeout: Duration) async -> KeeperState? {
        let states = client.states()
        return await withTaskGroup(of: KeeperState?.self) { group in
            group.addTask {
                var first = true
                for await state in states {
                    if state == .syncConnected || state == .connectedReadOnly { return state }
                    // The stream starts with the current state, which is no event.
                    if first { first = false; continue }
                    return nil
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }
}
