import Foundation
import NIOCore
import Testing
import ZooKeeperDump
import ZooKeeperProtocol
import ZooKeeperStorageFormat
import ZooKeeperTestSupport

/// The dataDir Java 3.8.0 wrote (Tests/Fixtures/java-datadir, see its README).
enum DumpFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/java-datadir")

    static let logs = ["log.1", "log.f", "log.1b", "log.24"]
    static let snapshots = ["snapshot.0", "snapshot.d", "snapshot.19", "snapshot.22"]

    static func bytes(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: directory.appendingPathComponent("version-2/\(name)")))
    }

    /// tree.json's `tree`: the final tree as read back through the server.
    static func tree() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("tree.json"))
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(root?["tree"] as? [String: [String: Any]])
    }

    /// tree.json's ACL of a node as the dumps print ACLs: `scheme:id perms`.
    static func aclText(_ node: [String: Any]) -> [String] {
        (node["acl"] as? [[String: Any]] ?? []).map { entry in
            let perms = entry["perms"] as? Int ?? 0
            let letters = [(4, "c"), (8, "d"), (1, "r"), (2, "w"), (16, "a")]
                .filter { perms & $0.0 != 0 }.map(\.1).joined()
            return "\(entry["scheme"] ?? ""):\(entry["id"] ?? "") \(letters)"
        }
    }
}

/// Compares with `Golden/NAME` next to this file (see `ZooKeeperTestSupport.expectGolden`).
func expectFileDumpGolden(_ lines: [String], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    try ZooKeeperTestSupport.expectGolden(lines, file: url, sourceLocation: sourceLocation)
}

/// Parses every line as a JSON object, as a consumer of `--json` would.
func parseJSONLines(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
    lines.compactMap { line in
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object != nil, "not a JSON object: \(line)", sourceLocation: sourceLocation)
        return object
    }
}

func dumpLog(
    _ name: String, _ bytes: ByteBuffer, json: Bool = false, secrets: Bool = false
) -> (lines: [String], status: DumpExitStatus) {
    var lines: [String] = []
    let status = TxnLogDump.run(fileName: name, bytes: bytes, options: .init(json: json, secrets: secrets)) { lines.append($0) }
    return (lines, status)
}

@Suite struct TxnLogDumpTests {
    @Test(arguments: DumpFixtures.logs)
    func goldenText(log: String) throws {
        let (lines, status) = dumpLog(log, try DumpFixtures.bytes(log))
        #expect(status == .ok)
        try expectFileDumpGolden(lines, "log-\(log.dropFirst(4)).txt")
    }

    @Test(arguments: DumpFixtures.logs)
    func goldenJSON(log: String) throws {
        let (lines, status) = dumpLog(log, try DumpFixtures.bytes(log), json: true)
        #expect(status == .ok)
        try expectFileDumpGolden(lines, "log-\(log.dropFirst(4)).jsonl")
        let objects = parseJSONLines(lines)
        #expect(objects.first?["kind"] as? String == "header")
        #expect(objects.last?["kind"] as? String == "end")
        #expect(objects.last?["end"] as? String == "zero_padding")
        for txn in objects.dropFirst().dropLast() {
            for key in ["file", "offset", "zxid", "time", "session", "cxid", "type", "digest"] {
                #expect(txn.keys.contains(key), "\(key) missing in \(txn)")
            }
        }
    }

    /// What the fixture's README says the logs hold.
    @Test func logsMatchTheFixtureDescription() throws {
        var txns: [[String: Any]] = []
        for log in DumpFixtures.logs {
            txns += parseJSONLines(dumpLog(log, try DumpFixtures.bytes(log), json: true).lines).filter { $0["kind"] as? String == "txn" }
        }
        let byZxid = Dictionary(txns.map { ($0["zxid"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(txns.count == 0x25)
        #expect((1...0x25).allSatisfy { byZxid["0x" + String($0, radix: 16)] != nil })
        #expect(byZxid["0x1"]?["type"] as? String == "createSession")
        #expect(byZxid["0x1"]?["session"] as? String == "0x100001164a90000")
        #expect(byZxid["0x13"]?["type"] as? String == "delete")
        #expect(byZxid["0x13"]?["path"] as? String == "/app/gone")
        // The failed setACL: an error txn with NoAuth, and no digest.
        #expect(byZxid["0x1b"]?["type"] as? String == "error")
        #expect(byZxid["0x1b"]?["err"] as? String == "NoAuth")
        #expect(byZxid["0x1b"]?["err_code"] as? Int == -102)
        #expect(byZxid["0x1d"]?["type"] as? String == "createContainer")
        #expect(byZxid["0x1f"]?["type"] as? String == "createTTL")
        #expect(byZxid["0x1f"]?["ttl"] as? Int == 3_600_000)
        #expect(byZxid["0x20"]?["ttl"] as? Int == 7_200_000)
        #expect(byZxid["0x22"]?["paths2delete"] as? [String] == ["/app/members/s2"])
        #expect(byZxid["0x10"]?["ephemeral"] as? Bool == true)
        #expect(byZxid["0x23"]?["data"] as? String == "application root v2")

        // Every node of the final tree created in these logs was created with the ACL it still has.
        let tree = try DumpFixtures.tree()
        var checked = 0
        for txn in txns where (txn["type"] as? String)?.hasPrefix("create") == true && txn["path"] != nil {
            guard let path = txn["path"] as? String, let node = tree[path] else { continue }
            let acl = (txn["acl"] as? [[String: Any]] ?? []).map { "\($0["scheme"] ?? ""):\($0["id"] ?? "") \($0["perms"] ?? "")" }
            #expect(acl == DumpFixtures.aclText(node), "\(path)")
            checked += 1
        }
        #expect(checked == 23)
    }

    @Test func secretsShowDataInFullAsHex() throws {
        let (lines, _) = dumpLog("log.1", try DumpFixtures.bytes("log.1"), secrets: true)
        let binary = try #require(lines.first { $0.contains("path=/app/binary ") })
        #expect(binary.contains("data(16)=000102030405060708090a0b0c0d0e0f"))
        let json = parseJSONLines(dumpLog("log.1", try DumpFixtures.bytes("log.1"), json: true, secrets: true).lines)
        #expect(json.contains { $0["data_hex"] as? String == "000102030405060708090a0b0c0d0e0f" })
        #expect(!json.contains { $0["data"] != nil })
    }

    /// A crash mid-write: the file ends inside its last record. Java truncates it, so exit 0.
    @Test func tornTailIsReportedNotAnError() throws {
        let bytes = try DumpFixtures.bytes("log.1")
        let file = try TxnLogFile(decoding: bytes)
        let last = try #require(file.records.last)
        let cut = bytes.getSlice(at: bytes.readerIndex, length: last.offset + 20)!
        let (lines, status) = dumpLog("log.1", cut)
        #expect(status == .ok)
        #expect(lines.count == 1 + file.records.count - 1 + 1)
        #expect(lines.last?.hasPrefix("log.1: torn tail at offset \(last.offset): truncated record") == true)
        #expect(lines.last?.hasSuffix("txns=\(file.records.count - 1)") == true)

        let end = try #require(parseJSONLines(dumpLog("log.1", cut, json: true).lines).last)
        #expect(end["kind"] as? String == "end")
        #expect(end["end"] as? String == "torn_tail")
        #expect(end["offset"] as? Int == last.offset)
        #expect(end["status"] as? Int == 0)
        #expect(end["txn_count"] as? Int == file.records.count - 1)

        // The same crash inside the preallocated zeros: the record is cut off by padding.
        var zeroed = bytes
        zeroed.setRepeatingByte(0, count: bytes.readableBytes - (last.offset + 20), at: bytes.readerIndex + last.offset + 20)
        let (zeroedLines, zeroedStatus) = dumpLog("log.1", zeroed)
        #expect(zeroedStatus == .ok)
        #expect(zeroedLines.last?.hasPrefix("log.1: torn tail at offset \(last.offset): ") == true)
    }

    /// A flipped byte with valid records after it is corruption: exit 1, naming the offset.
    @Test func flippedByteMidFileIsCorruption() throws {
        var bytes = try DumpFixtures.bytes("log.1")
        let file = try TxnLogFile(decoding: bytes)
        let damaged = file.records[2]
        let at = bytes.readerIndex + damaged.offset + 30
        bytes.setInteger(bytes.getInteger(at: at, as: UInt8.self)! ^ 0x40, at: at)

        let (lines, status) = dumpLog("log.1", bytes)
        #expect(status == .problems)
        #expect(lines.count == 1 + 2 + 1)
        let error = try #require(lines.last)
        #expect(error.hasPrefix("log.1: error: mid-file corruption at offset \(damaged.offset)"))
        #expect(error.contains("checksum mismatch"))

        let end = try #require(parseJSONLines(dumpLog("log.1", bytes, json: true).lines).last)
        #expect(end["end"] as? String == "corrupt")
        #expect(end["offset"] as? Int == damaged.offset)
        #expect(end["status"] as? Int == 1)
        #expect(end["txn_count"] as? Int == 2)
    }

    @Test func notATxnLogIsUnusable() throws {
        for (name, bytes) in [
            ("snapshot.0", try DumpFixtures.bytes("snapshot.0")),
            ("empty", ByteBuffer()),
            ("short", ByteBuffer(bytes: Array("ZKLG".utf8))),
            ("text", ByteBuffer(bytes: Array("not a ZooKeeper file at all\n".utf8))),
        ] {
            let (lines, status) = dumpLog(name, bytes)
            #expect(status == .unusable, "\(name)")
            #expect(lines.count == 1 && lines[0].hasPrefix("\(name): error: not a txn log"), "\(name): \(lines)")
            let end = parseJSONLines(dumpLog(name, bytes, json: true).lines)
            #expect(end.count == 1 && end.first?["end"] as? String == "unusable" && end.first?["status"] as? Int == 2)
        }
    }

    /// Every body kind the fixture lacks, written here: a multi (ops on their own
    /// lines, `txns` in JSON), setACL, check, a closeSession with no record, an
    /// unknown type, a time out of range and a path that tries to break the line.
    @Test func everyBodyKindPrints() throws {
        let acl = [ACL(perms: 31, id: Id(scheme: "world", id: "anyone")), ACL(perms: 0x21, id: Id(scheme: "ip", id: "10.0.0.1"))]
        func entry(_ zxid: Int64, _ type: OpCode, _ body: TxnBody, time: Int64 = 1_700_000_000_123) -> TxnEntry {
            TxnEntry(
                header: TxnHeader(clientId: 0x1234, cxid: Int32(zxid), zxid: zxid, time: time, type: type.rawValue),
                body: body, digest: zxid == 1 ? TxnDigest(version: 2, treeDigest: -1) : nil
            )
        }
        let ops = [
            MultiTxnOp(type: .create, body: .create(CreateTxn(path: "/m/a", data: ByteBuffer(bytes: [0x61, 0x0a]), acl: acl, ephemeral: false, parentCVersion: 3))),
            MultiTxnOp(type: .setData, body: .setData(SetDataTxn(path: "/m", data: nil, version: 4))),
            MultiTxnOp(type: .check, body: .checkVersion(CheckVersionTxn(path: "/m", version: 5))),
            MultiTxnOp(type: .delete, body: .delete(DeleteTxn(path: "/m/b"))),
            MultiTxnOp(type: .error, body: .error(ErrorTxn(err: ErrorCode.runtimeInconsistency.rawValue))),
        ]
        var log = ByteBuffer()
        TxnLogWriter.writeHeader(dbid: 7, to: &log)
        for txn in [
            entry(1, .multi, .multi(ops)),
            entry(2, .setACL, .setACL(SetACLTxn(path: "/m", acl: acl, version: 1))),
            entry(3, .closeSession, .empty),
            entry(4, OpCode(99), .unknown(ByteBuffer(bytes: [1, 2, 3]))),
            entry(5, .delete, .delete(DeleteTxn(path: "/evil\n0x6 fake\u{1b}[2J")), time: Int64.min),
            entry(6, .error, .error(ErrorTxn(err: -999))),
        ] {
            TxnLogWriter.writeRecord(txn, to: &log)
        }

        let (lines, status) = dumpLog("log.mem", log)
        #expect(status == .ok)
        #expect(lines == [
            "log.mem: txn log magic=ZKLG version=2 dbid=7",
            "0x1 2023-11-14T22:13:20.123Z session=0x1234 cxid=1 multi ops=5 digest=v2:0xffffffffffffffff",
            "  [0] create path=/m/a data(2)=\"a.\" acl=[world:anyone cdrwa, ip:10.0.0.1 r+0x20] ephemeral=false parentCVersion=3",
            "  [1] setData path=/m data=null version=4",
            "  [2] check path=/m version=5",
            "  [3] delete path=/m/b",
            "  [4] error err=RuntimeInconsistency(-2)",
            "0x2 2023-11-14T22:13:20.123Z session=0x1234 cxid=2 setACL path=/m acl=[world:anyone cdrwa, ip:10.0.0.1 r+0x20] version=1",
            "0x3 2023-11-14T22:13:20.123Z session=0x1234 cxid=3 closeSession",
            "0x4 2023-11-14T22:13:20.123Z session=0x1234 cxid=4 unknown(99) body(3)=\"...\"",
            "0x5 -9223372036854775808ms session=0x1234 cxid=5 delete path=/evil\\u{a}0x6 fake\\u{1b}[2J",
            "0x6 2023-11-14T22:13:20.123Z session=0x1234 cxid=6 error err=unknown(-999)",
            "log.mem: end of file at offset \(log.readableBytes) txns=6",
        ])

        let json = parseJSONLines(dumpLog("log.mem", log, json: true).lines)
        let multi = try #require(json.first { $0["zxid"] as? String == "0x1" })
        let txns = try #require(multi["txns"] as? [[String: Any]])
        #expect(txns.map { $0["type"] as? String } == ["create", "setData", "check", "delete", "error"])
        #expect(txns[0]["data_len"] as? Int == 2)
        #expect(txns[1]["data_len"] is NSNull)
        #expect((multi["digest"] as? [String: Any])?["tree"] as? String == "0xffffffffffffffff")
        #expect(json.first { $0["zxid"] as? String == "0x5" }?["path"] as? String == "/evil\n0x6 fake\u{1b}[2J")
    }

    /// No input traps: every prefix and every single-byte flip of a log dumps to some status.
    @Test func damagedInputNeverTraps() throws {
        let bytes = try DumpFixtures.bytes("log.1b")
        let valid = try TxnLogFile(decoding: bytes).end?.offset ?? 0
        for length in 0...valid {
            let prefix = bytes.getSlice(at: bytes.readerIndex, length: length)!
            let (lines, status) = dumpLog("prefix", prefix, json: true)
            #expect(status == (length < 16 ? .unusable : .ok), "prefix \(length)")
            _ = parseJSONLines(lines)
        }
        for offset in stride(from: 0, to: valid, by: 3) {
            var flipped = bytes
            flipped.setInteger(flipped.getInteger(at: offset, as: UInt8.self)! ^ 0xff, at: offset)
            _ = parseJSONLines(dumpLog("flip", flipped, json: true).lines)
        }
    }
}
