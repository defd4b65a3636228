import Foundation
import NIOCore
import Testing
import ZooKeeperDump
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTestSupport

/// Runs `zkdump decode` on a capture through the library, as the command does.
func decodeLines(_ capture: String, _ configure: (inout TrafficDump.Options) -> Void = { _ in }) throws -> (lines: [String], status: DumpExitStatus) {
    var options = TrafficDump.Options()
    configure(&options)
    var lines: [String] = []
    let status = TrafficDump.decode(
        fileName: capture, bytes: try Captures.bytes(capture), options: options,
        emit: { lines.append($0) }, warn: { Issue.record("warning: \($0)") })
    return (lines, status)
}

/// Compares with `Golden/NAME` next to this file (see `ZooKeeperTestSupport.expectGolden`).
func expectGolden(_ lines: [String], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    try ZooKeeperTestSupport.expectGolden(lines, file: url, sourceLocation: sourceLocation)
}

@Suite struct TrafficDumpTests {
    @Test(arguments: ["standalone_multi", "bad_input", "ensemble_formation", "fourletter"])
    func goldenText(capture: String) throws {
        let (lines, _) = try decodeLines(capture)
        #expect(lines.allSatisfy { !$0.contains("\n") }, "one message, one line")
        try expectGolden(lines, "decode-\(capture).txt")
    }

    @Test(arguments: ["standalone_extended", "ensemble_snap_sync"])
    func goldenJSON(capture: String) throws {
        let (lines, _) = try decodeLines(capture) { $0.json = true }
        // The snapshot capture is long; its first 400 lines cover formation, DIFF and writes.
        let kept = capture == "ensemble_snap_sync" ? Array(lines.prefix(400)) : lines
        try expectGolden(kept, "decode-\(capture).jsonl")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["kind"] is String && object?["src"] is String)
        }
    }

    /// Every capture decodes whole: no undecoded bytes, no gaps, exit status 0;
    /// malformed frames only where they were sent on purpose; every request
    /// answered but the three Java never answers.
    @Test(arguments: Captures.names)
    func everyCaptureDecodes(capture: String) throws {
        let (lines, status) = try decodeLines(capture) { $0.json = true }
        #expect(status == .ok)
        var kinds: [String: Int] = [:]
        var unanswered: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let kind = object["kind"] as! String
            kinds[kind, default: 0] += 1
            if kind == "unanswered" { unanswered.append("\(object["op"]!) \(object["path"] ?? "")") }
        }
        #expect(kinds["undecoded", default: 0] == 0 && kinds["gap", default: 0] == 0)
        let malformed = kinds["malformed", default: 0]
        switch capture {
        case "bad_input": #expect(malformed == 15)
        case "fourletter": #expect(malformed == 1)
        default: #expect(malformed == 0)
        }
        switch capture {
        // A top-level check Java 3.8.0 fails to answer, and a getData pipelined after closeSession.
        case "raw_protocol": #expect(unanswered.sorted() == ["check /raw", "getData /raw"])
        // An exists sent to a server that was killed before answering.
        case "ensemble_failover": #expect(unanswered.count == 1)
        default: #expect(unanswered.isEmpty, "\(unanswered)")
        }
    }

    /// The number of answered requests per op on the wire is what the
    /// transcripts logged, for the sessions they logged.
    @Test(arguments: Captures.names)
    func opCountsAgreeWithTheTranscript(capture: String) throws {
        var expected: [String: Int] = [:]
        var unknownOutcome: [String: Int] = [:]
        var sessions: Set<String> = []
        for line in try Captures.transcript(capture) {
            guard let op = line["op"] as? String, OpCode(name: op) != nil, op != "ping",
                let session = line["session"] as? String
            else { continue }
            sessions.insert(session)
            let note = line["note"] as? String ?? ""
            if ["nothing is sent", "sends nothing", "not on the wire", "fails locally"].contains(where: note.contains) {
                continue
            }
            // err null: the client logged no outcome (the reply, if any, is on another line).
            if line["err"] is NSNumber, line["no_reply"] == nil {
                expected[op, default: 0] += 1
            } else {
                unknownOutcome[op, default: 0] += 1
            }
        }
        var onWire: [String: Int] = [:]
        let (lines, _) = try decodeLines(capture) { $0.json = true }
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["err"] != nil, let op = object["op"] as? String, op != "ping",
                let session = object["session"] as? String, sessions.contains(session)
            else { continue }
            onWire[op, default: 0] += 1
        }
        for op in Set(expected.keys).union(onWire.keys) {
            let wire = onWire[op, default: 0], logged = expected[op, default: 0]
            #expect(wire >= logged && wire <= logged + unknownOutcome[op, default: 0], "\(capture) \(op): \(wire) on the wire, \(logged) logged")
        }
    }

    @Test func filters() throws {
        let creates = try decodeLines("standalone_basic") { $0.filter = TrafficFilter(ops: ["create"]) }.lines
        #expect(!creates.isEmpty && creates.allSatisfy { $0.contains(" create ") })
        let eph = try decodeLines("standalone_basic") { $0.filter = TrafficFilter(pathPrefix: "/basic/eph") }.lines
        #expect(!eph.isEmpty && eph.allSatisfy { $0.contains(" /basic/eph") })
        let events = try decodeLines("standalone_watches") { $0.filter = TrafficFilter(kinds: ["event"]) }.lines
        #expect(events.count == 10 && events.allSatisfy { $0.contains(" event ") })
        let session = try #require(TrafficFilter.parseSession("0x1000011fb420001"))
        let one = try decodeLines("standalone_watches") { $0.filter = TrafficFilter(sessions: [session]) }.lines
        #expect(!one.isEmpty && one.allSatisfy { $0.contains("session=0x1000011fb420001") })
        #expect(TrafficFilter.parseSession("72057671267778561") == TrafficFilter.parseSession("0x1000011fb420001"))
    }

    @Test func secretsShowPasswordsOnlyWhenAsked() throws {
        let plain = try decodeLines("standalone_basic").lines
        #expect(!plain.contains { $0.contains("passwd=") })
        let secret = try decodeLines("standalone_basic") { $0.secrets = true }.lines
        #expect(secret.contains { $0.contains("passwd=05749ed5ae15e567eb5a6d96a720857c") })
    }

    @Test func stats() throws {
        var options = TrafficDump.Options()
        options.json = true
        var stats = TrafficStats()
        let status = TrafficDump.collect(
            fileName: "standalone_basic", bytes: try Captures.bytes("standalone_basic"), options: options,
            into: &stats, warn: { Issue.record("\($0)") })
        #expect(status == .ok)
        #expect(stats.byOp["create"]?.count == 13 && stats.byOp["create"]?.errors == 5)
        #expect(stats.errors["NoNode"] == 10)
        #expect(stats.byPrefix["/basic"]?.count == 38)
        let p99 = try #require(stats.byOp["create"]?.percentile(0.99))
        #expect(p99 >= stats.byOp["create"]!.percentile(0.5)!)
        _ = try JSONSerialization.jsonObject(with: Data(stats.json.text.utf8))

        var ensemble = TrafficStats()
        _ = TrafficDump.collect(
            fileName: "ensemble_failover", bytes: try Captures.bytes("ensemble_failover"), options: options,
            into: &ensemble, warn: { _ in })
        #expect(ensemble.notifications > 20)
        #expect(ensemble.leaders.count >= 2, "a re-election puts a new leader in office: \(ensemble.leaders)")
    }
}

@Suite struct TimestampTests {
    @Test func iso8601() {
        #expect(CaptureTimestamp(seconds: 0, nanoseconds: 1000).iso8601 == "1970-01-01T00:00:00.000001Z")
        #expect(CaptureTimestamp(seconds: 1_795_314_908, nanoseconds: 973_349_000).iso8601 == "2026-11-22T02:35:08.973349Z")
        #expect(CaptureTimestamp(seconds: -1, nanoseconds: 0).iso8601 == "1969-12-31T23:59:59.000000Z")
        #expect(ZooKeeperDump.iso8601(milliseconds: 951_782_400_123) == "2000-02-29T00:00:00.123Z")
        #expect(ZooKeeperDump.iso8601(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        _ = ZooKeeperDump.iso8601(milliseconds: .min)  // must not trap
        _ = ZooKeeperDump.iso8601(milliseconds: .max)
    }
}
