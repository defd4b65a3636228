import Foundation
import Testing

/// The zkcli executable as a script sees it: what it prints around a
/// command, and the exit status Java's ZooKeeperMain gives (0, 1 for a
/// failed command, 127 for an unknown one; with a script on stdin, the last
/// command's). Expected texts and statuses are what Java 3.8.0's CLI did.
@Suite struct ZKCliBinaryTests {
    struct Run { var status: Int32; var out: String; var err: String }

    /// zkcli next to the test bundle (`swift build --build-tests` builds both).
    static func zkcli() throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let url = directory.appendingPathComponent("zkcli")
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "zkcli not built at \(url.path)")
        return url
    }

    /// Runs `body` on a thread of its own: blocking reads and waits must not
    /// hold the few threads every other test's tasks run on.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// Runs zkcli, killing it after `seconds`.
    static func run(_ arguments: [String], stdin: String? = nil, seconds: Double = 30) async throws -> Run {
        let process = Process()
        process.executableURL = try zkcli()
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let killer = Task {
            try await Task.sleep(for: .seconds(seconds))
            process.terminate()
        }
        async let outText = onThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let errText = onThread { err.fileHandleForReading.readDataToEndOfFile() }
        let (o, e) = await (outText, errText)
        await onThread { process.waitUntilExit() }
        killer.cancel()
        return Run(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    static let connected = "\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n"

    @Test func aCommandPrintsTheConnectionThenItsAnswerAndExitsWithJavasStatus() async throws {
        try await withServer { server in
            let path = uniqueRoot("zkcli-bin")
            let missing = try await Self.run(["-server", server.connectString, "ls", path])
            #expect(missing.status == 1)
            #expect(missing.out == "Connecting to \(server.connectString)\n" + Self.connected)
            #expect(missing.err == "Node does not exist: \(path)\n")
            let created = try await Self.run(["-server", server.connectString, "create", path, "x"])
            #expect(created.status == 0)
            #expect(created.err == "Created \(path)\n")
            // -r: a read-only server would do; a read-write one answers as usual.
            let read = try await Self.run(["-r", "-server", server.connectString, "get", path])
            #expect(read.status == 0)
            #expect(read.out.hasSuffix(Self.connected + "x\n"))
            // Refused before any connection: no connection event, as in Java.
            let unknown = try await Self.run(["-server", server.connectString, "bogus"])
            #expect(unknown.status == 127)
            #expect(unknown.out == "Connecting to \(server.connectString)\n")
            #expect(unknown.err.hasSuffix("Command not found: Command not found bogus\n"))
            let usage = try await Self.run(["-server", server.connectString, "get"])
            #expect(usage.status == 1)
            #expect(usage.err == "get [-s] [-w] path\n")
            _ = try await Self.run(["-server", server.connectString, "delete", path])
        }
    }

    @Test func aScriptExitsWithItsLastCommandsStatus() async throws {
        try await withServer { server in
            let failingLast = try await Self.run(["-server", server.connectString], stdin: "ls /\nls /zkcli-none\n")
            #expect(failingLast.status == 1)
            #expect(failingLast.out.hasPrefix("Connecting to \(server.connectString)\nWelcome to ZooKeeper!\nJLine support is disabled\n"))
            // No Closed event at the end of the input: Java just exits.
            #expect(!failingLast.out.contains("state:Closed"))
            let failingFirst = try await Self.run(["-server", server.connectString], stdin: "ls /zkcli-none\nls /\n\n")
            #expect(failingFirst.status == 0)
            // quit keeps the last status, and the watcher hears Closed.
            let quit = try await Self.run(["-server", server.connectString], stdin: "ls /zkcli-none\nquit\n")
            #expect(quit.status == 1)
            #expect(quit.out.hasSuffix("\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n"))
        }
    }

    @Test func waitForConnectionGivesUpAfterTheTimeout() async throws {
        // Status 1, not the SIGTERM of `run`'s 30 s limit: it gave up by itself.
        let run = try await Self.run(["-server", "127.0.0.1:1", "-timeout", "1500", "-waitforconnection", "ls", "/"])
        #expect(run.status == 1)
        #expect(run.err.contains("KeeperErrorCode = ConnectionLoss"))
        #expect(run.out.hasSuffix("WatchedEvent state:Closed type:None path:null\n"))
        // Without it, the command itself fails with ConnectionLoss.
        let direct = try await Self.run(["-server", "127.0.0.1:1", "-timeout", "1500", "ls", "/"])
        #expect(direct.status == 1)
        #expect(direct.err == "KeeperErrorCode = ConnectionLoss for /\n")
    }
}
