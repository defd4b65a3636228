import Foundation
import ZooKeeperClient
import ZooKeeperProtocol

/// What one command printed: Java's zkCli writes results to stdout and
/// "Created ..." and errors to stderr. `exitCode` is the status Java's
/// ZooKeeperMain would exit with after it: 0, 1 for a failed command
/// (CliException), 127 for an unknown one (CommandNotFoundException).
public struct CommandOutput: Hashable, Sendable {
    public var out = ""
    public var err = ""
    public var quit = false
    public var exitCode: Int32 = 0
    public init(out: String = "", err: String = "", quit: Bool = false, exitCode: Int32 = 0) {
        self.out = out
        self.err = err
        self.quit = quit
        self.exitCode = exitCode
    }
}

/// Runs zkCli.sh's commands on a client and prints what Java's CLI prints.
public struct CommandRunner: Sendable {
    public let client: ZooKeeperClient
    /// Whether watch events are printed (`printwatches`).
    public let watches: WatchSwitch

    public init(client: ZooKeeperClient, watches: WatchSwitch = WatchSwitch()) {
        self.client = client
        self.watches = watches
    }

    public func run(_ line: String) async -> CommandOutput {
        await run(words: CommandWords.split(line))
    }

    /// A command already split into words (as a shell passes them on the command line).
    public func run(words: [String]) async -> CommandOutput {
        guard let name = words.first else { return CommandOutput() }
        var args = Arguments(Array(words.dropFirst()), usage: Self.usage(of: name))
        var output = CommandOutput()
        do {
            try await execute(name, &args, &output)
        } catch let error as ZooKeeperError {
            output.err += Self.message(error) + "\n"
            output.exitCode = 1
        } catch let error as UsageError {
            output.err += error.text + "\n"
            output.exitCode = error.exitCode
        } catch {
            output.err += "\(error)\n"
            output.exitCode = 1
        }
        return output
    }

    private func execute(_ name: String, _ args: inout Arguments, _ output: inout CommandOutput) async throws {
        switch name {
        case "ls":
            let stat = args.flag("s"), recursive = args.flag("R"), watch = args.flag("w")
            let path = try args.path()
            if recursive {
                for node in try await subtree(path) { output.out += node + "\n" }
                return
            }
            let watcher = watch ? await printingWatcher() : nil
            let (children, st) = try await client.getChildrenWithStat(path, watcher: watcher)
            output.out += "[" + children.sorted().joined(separator: ", ") + "]\n"
            if stat { output.out += Self.format(st) }
        case "get":
            let stat = args.flag("s"), watch = args.flag("w")
            let path = try args.path()
            let watcher = watch ? await printingWatcher() : nil
            let (data, st) = try await client.getData(path, watcher: watcher)
            output.out += (data.map { String(decoding: $0, as: UTF8.self) } ?? "null") + "\n"
            if stat { output.out += Self.format(st) }
        case "set":
            let stat = args.flag("s")
            let version = try args.option("v").map { try Self.int32($0) } ?? -1
            let path = try args.path()
            guard let text = args.next() else { throw UsageError(text: args.usage) }
            let data = Array(text.utf8)
            let st = try await client.setData(path, data: data, version: version)
            if stat { output.out += Self.format(st) }
        case "create":
            let sequential = args.flag("s"), ephemeral = args.flag("e"), container = args.flag("c")
            let ttl = try args.option("t").map { try Self.int64($0) }
            let path = try args.path()
            let data = args.next().map { Array($0.utf8) }
            let acl = args.next().map { ACLText(parsing: $0) }
            for warning in acl?.warnings ?? [] { output.err += warning + "\n" }
            var mode: CreateMode = sequential ? (ephemeral ? .ephemeralSequential : .persistentSequential) : (ephemeral ? .ephemeral : .persistent)
            if container { mode = .container }
            do {
                if let ttl {
                    mode = sequential ? .persistentSequentialWithTTL : .persistentWithTTL
                    let (created, _) = try await client.createWithStat(path, data: data, acl: acl?.acl ?? ACL.openACLUnsafe, mode: mode, ttl: ttl)
                    output.err += "Created \(created)\n"
                } else {
                    output.err += "Created \(try await client.create(path, data: data, acl: acl?.acl ?? ACL.openACLUnsafe, mode: mode))\n"
                }
            } catch let error as ZooKeeperError where error.code == .invalidACL || error.code == .ephemeralOnLocalSession {
                // CreateCommand says these twice: its own line, then the usual one.
                output.err += error.code == .invalidACL ? "\(error)\n" : "Unable to create ephemeral node on a local session\n"
                throw error
            }
        case "delete":
            let version = try args.option("v").map { try Self.int32($0) } ?? -1
            try await client.delete(try args.path(), version: version)
        case "deleteall":
            // -b batches the deletes in multis in Java; the result is the same.
            _ = try args.option("b")
            let path = try args.path()
            for node in try await subtree(path).reversed() { try await client.delete(node) }
        case "stat":
            let watch = args.flag("w")
            let path = try args.path()
            let watcher = watch ? await printingWatcher() : nil
            guard let st = try await client.exists(path, watcher: watcher) else { throw ZooKeeperError(.noNode, path: path) }
            output.out += Self.format(st)
        case "getAcl":
            let stat = args.flag("s")
            let (acl, st) = try await client.getACL(try args.path())
            for entry in acl {
                output.out += "'\(entry.id.scheme ?? ""),'\(entry.id.id ?? "")\n: \(Perms(rawValue: entry.perms))\n"
            }
            if stat { output.out += Self.format(st) }
        case "addauth":
            guard let scheme = args.next() else { throw UsageError(text: "addauth scheme auth") }
            try await client.addAuth(scheme: scheme, auth: Array((args.next() ?? "").utf8))
        case "sync":
            try await client.sync(try args.path())
            output.out += "Sync is OK\n"
        case "whoami":
            output.out += "Auth scheme: User\n"
            for info in try await client.whoAmI() { output.out += "\(info.authScheme ?? ""): \(info.user ?? "")\n" }
        case "getEphemerals":
            try args.rejectOptions()
            let path = args.next() ?? "/"
            output.out += "[" + (try await client.getEphemerals(path)).joined(separator: ", ") + "]\n"
        case "getAllChildrenNumber":
            output.out += "\(try await client.getAllChildrenNumber(try args.path()))\n"
        case "setquota":
            try await setQuota(&args, &output)
        case "listquota":
            try await listQuota(&args, &output)
        case "delquota":
            try await delQuota(&args, &output)
        case "addWatch":
            try await addWatch(&args)
        case "removewatches":
            try await removeWatches(&args)
        case "config":
            try await config(&args, &output)
        case "setAcl":
            try await setAcl(&args, &output)
        case "version":
            try args.rejectOptions()
            guard args.next() == nil else { throw UsageError(text: "version ") }
            output.out += "ZooKeeper CLI version: \(Self.version)\n"
        case "reconfig":
            try await reconfig(&args, &output)
        case "quit":
            output.quit = true
        default:
            throw UsageError(text: Self.usage + "\nCommand not found: Command not found \(name)", exitCode: 127)
        }
    }

    /// The path and every node below it, parents first (ZKUtil.listSubTreeBFS).
    private func subtree(_ path: String) async throws -> [String] {
        var result = [path]
        var index = 0
        while index < result.count {
            let node = result[index]
            for child in try await client.getChildren(node).sorted() {
                result.append(node == "/" ? "/\(child)" : "\(node)/\(child)")
            }
            index += 1
        }
        return result
    }

    /// A watcher that prints its events as Java's MyWatcher does, while
    /// printwatches is on; one-shot watchers stop after their event.
    func printingWatcher(once: Bool = true) async -> Watcher {
        let watcher = await client.makeWatcher()
        let printing = self.watches
        Task {
            for await event in watcher.events where event.type != .none {
                if printing.isOn { FileHandle.standardOutput.write(Data("\nWATCHER::\n\n\(event)\n".utf8)) }
                if once { break }
            }
        }
        return watcher
    }

    /// StatPrinter's lines; times as java.util.Date prints them.
    public static func format(_ stat: Stat) -> String {
        func hex(_ value: Int64) -> String { "0x" + String(UInt64(bitPattern: value), radix: 16) }
        return """
            cZxid = \(hex(stat.czxid))
            ctime = \(javaDate(stat.ctime))
            mZxid = \(hex(stat.mzxid))
            mtime = \(javaDate(stat.mtime))
            pZxid = \(hex(stat.pzxid))
            cversion = \(stat.cversion)
            dataVersion = \(stat.version)
            aclVersion = \(stat.aversion)
            ephemeralOwner = \(hex(stat.ephemeralOwner))
            dataLength = \(stat.dataLength)
            numChildren = \(stat.numChildren)
            
            """
    }

    static func javaDate(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func int32(_ text: String) throws -> Int32 {
        guard let value = Int32(text) else { throw UsageError(text: "version has to be a number") }
        return value
    }

    static func int64(_ text: String) throws -> Int64 {
        guard let value = Int64(text) else { throw UsageError(text: "ttl has to be a number") }
        return value
    }

    /// What `version` prints after "ZooKeeper CLI version: " (Java prints
    /// its build's Version.getFullVersion()).
    public static let version = ZooKeeperVersion.string

    /// One command's line of the usage text (its CliCommand.getUsageStr()),
    /// which Java prints when the command's arguments do not parse.
    static func usage(of name: String) -> String {
        let line = usage.split(separator: "\n").first { $0.hasPrefix("\t\(name) ") }
        return line.map { String($0.dropFirst()) } ?? name
    }

    /// ZooKeeperMain.usage() as 3.8.0 prints it (some lines end in a space).
    static let usage: String = [
        "ZooKeeper -server host:port -client-configuration properties-file cmd args",
        "\taddWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE",
        "\taddauth scheme auth",
        "\tclose ",
        "\tconfig [-c] [-w] [-s]",
        "\tconnect host:port",
        "\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]",
        "\tdelete [-v version] path",
        "\tdeleteall path [-b batch size]",
        "\tdelquota [-n|-b|-N|-B] path",
        "\tget [-s] [-w] path",
        "\tgetAcl [-s] path",
        "\tgetAllChildrenNumber path",
        "\tgetEphemerals path",
        "\thistory ",
        "\tlistquota path",
        "\tls [-s] [-w] [-R] path",
        "\tprintwatches on|off",
        "\tquit ",
        "\treconfig [-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]",
        "\tredo cmdno",
        "\tremovewatches path [-c|-d|-a] [-l]",
        "\tset [-s] [-v version] path data",
        "\tsetAcl [-s] [-v version] [-R] path acl",
        "\tsetquota -n|-b|-N|-B val path",
        "\tstat [-w] path",
        "\tsync path",
        "\tversion ",
        "\twhoami ",
    ].joined(separator: "\n")
}

struct UsageError: Error {
    var text: String
    var exitCode: Int32 = 1
}

/// A command's words: options (`-s`, `-v 3`) anywhere, then positionals.
/// Take the options first: `path()` refuses any left, as Commons CLI does.
struct Arguments {
    private var words: [String]
    /// The command's usage line, the error for missing arguments.
    let usage: String
    init(_ words: [String], usage: String = "") {
        self.words = words
        self.usage = usage
    }

    mutating func flag(_ name: String) -> Bool {
        guard let index = words.firstIndex(of: "-\(name)") else { return false }
        words.remove(at: index)
        return true
    }

    mutating func option(_ name: String) throws -> String? {
        guard let index = words.firstIndex(of: "-\(name)") else { return nil }
        guard index + 1 < words.count else {
            throw UsageError(text: "org.apache.commons.cli.MissingArgumentException: Missing argument for option: \(name)")
        }
        let value = words[index + 1]
        words.removeSubrange(index...index + 1)
        return value
    }

    mutating func next() -> String? { words.isEmpty ? nil : words.removeFirst() }

    /// Commons CLI's error for an option the command does not have (3.8's
    /// parser takes "-5" for one too; a lone "-" is an argument).
    func rejectOptions() throws {
        if let unknown = words.first(where: { $0.hasPrefix("-") && $0.count > 1 }) {
            throw UsageError(text: "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: \(unknown)")
        }
    }

    mutating func path() throws -> String {
        try rejectOptions()
        guard let path = next() else { throw UsageError(text: usage) }
        return path
    }
}
