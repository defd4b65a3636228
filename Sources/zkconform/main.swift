import ArgumentParser
import Foundation
import ZooKeeperConformance


struct ZKConform: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkconform",
        abstract: "Runs conformance scenarios against a ZooKeeper server and compares what it sends with recorded expectations.",
        subcommands: [Server.self]
    )
}

struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the client-port scenarios of a directory against a server.",
        discussion: "Without --record: compare with each scenario's .expected file; exit 0 only if all pass."
    )

    @Option(help: "The server's client port, HOST:PORT (IPv4).")
    var connect: String

    @Option(help: "Record the expected transcripts of the scenarios in this directory instead of comparing.")
    var record: String?

    @Option(help: "Run only scenarios whose name contains this (repeatable).")
    var filter: [String] = []

    @Option(help: "Longest wait for one expected message, in milliseconds.")
    var timeoutMs: Int = 5000

    @Option(help: "What --record writes as the source of the expectations.")
    var recordedFrom: String = "the server under --connect"

    @Argument(help: "Scenario directory.")
    var directory: String = "Conformance/server"

    func validate() throws {
        guard parseAddress() != nil else { throw ValidationError("--connect takes HOST:PORT") }
        guard timeoutMs > 0, timeoutMs <= 60_000 else { throw ValidationError("--timeout-ms must be 1...60000") }
    }

    func parseAddress() -> (String, Int)? {
        guard let colon = connect.lastIndex(of: ":"), let port = Int(connect[connect.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        return (String(connect[..<colon]), port)
    }

    func run() throws {
        let (host, port) = parseAddress()!
        let options = RunOptions(host: host, port: port, messageTimeout: .milliseconds(timeoutMs))
        let suite = try Suite(directory: record ?? directory)
        let names = suite.names.filter { name in filter.isEmpty || filter.contains { name.contains($0) } }
        guard !names.isEmpty else {
            print("no scenarios in \(suite.directory)" + (filter.isEmpty ? "" : " matching \(filter)"))
            throw ExitCode(2)
        }
        var passed = 0
        for name in names {
            let scenario: Scenario
            do { scenario = try suite.load(name) } catch {
                print("FAIL \(name)\n  \(error)")
                continue
            }
            let started = ContinuousClock.now
            let transcript = ScenarioRunner.run(scenario, options: options)
            let took = ContinuousClock.now - started
            let seconds = String(format: "%.1fs", Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            if record != nil {
                try suite.record(name, transcript: transcript, recordedFrom: recordedFrom)
                print("RECORDED \(name) (\(transcript.count) lines, \(seconds))")
                passed += 1
                continue
            }
            guard let expected = try suite.expected(name) else {
                print("FAIL \(name) (\(seconds))\n  no expected file \(suite.expectedPath(name)); record it with --record")
                continue
            }
            if let difference = Comparison.compare(expected: expected, got: transcript) {
                print("FAIL \(name) (\(seconds))\n\(difference.report)")
            } else {
                print("PASS \(name) (\(seconds))")
                passed += 1
            }
        }
        print("\(passed)/\(names.count) \(record != nil ? "recorded" : "passed")")
        if passed != names.count { throw ExitCode.failure }
    }
}
ZKConform.main()
