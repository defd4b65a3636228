import Foundation
import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// Files a Java 3.8.0 server wrote (Tests/Fixtures/java-datadir, see its README).
enum JavaDataDir {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/java-datadir")

    /// Files whose name starts with `prefix + "."`, searched under the directory.
    static func files(_ prefix: String) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent.hasPrefix(prefix + ".") }
            .sorted { $0.path < $1.path }
    }

    static var present: Bool { !files("log").isEmpty || !files("snapshot").isEmpty }

    static func bytes(_ url: URL) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: url))
    }
}

@Suite(.enabled(if: JavaDataDir.present, "no Java-written data dir yet"))
struct JavaDataDirTests {
    @Test func logsDecodeAndReencode() throws {
        for url in JavaDataDir.files("log") {
            let bytes = try JavaDataDir.bytes(url)
            let log = try TxnLogFile(decoding: bytes)
            #expect(log.header.magic == FileMagic.txnLog, "\(url.lastPathComponent)")
            #expect(!log.records.isEmpty, "\(url.lastPathComponent)")
            // A cleanly stopped server leaves no torn tail.
            guard let end = log.end else { Issue.record("no end"); continue }
            if case .tornTail(let damage) = end { Issue.record("\(url.lastPathComponent): \(damage)") }
            // Byte-identical up to the zero padding, which is all zeros.
            let valid = bytes.getSlice(at: bytes.readerIndex, length: end.offset)!
            #expect(log.encode() == valid, "\(url.lastPathComponent)")
            let padding = bytes.getSlice(at: bytes.readerIndex + end.offset, length: bytes.readableBytes - end.offset)!
            #expect(padding.readableBytesView.allSatisfy { $0 == 0 }, "\(url.lastPathComponent)")
            // The file's name is the zxid of its first record.
            let nameZxid = Int64(url.lastPathComponent.dropFirst(4), radix: 16)
            #expect(log.records.first?.entry.header.zxid == nameZxid, "\(url.lastPathComponent)")
        }
    }

    @Test func snapshotsDecodeAndReencode() throws {
        for url in JavaDataDir.files("snapshot") {
            let bytes = try JavaDataDir.bytes(url)
            let snapshot = try SnapshotFile(decoding: bytes)
            #expect(snapshot.header == FileHeader(magic: FileMagic.snapshot, version: 2, dbid: -1))
            #expect(snapshot.encode() == bytes, "\(url.lastPathComponent)")
            // The root comes first, and /zookeeper is always there.
            #expect(snapshot.body.nodes.first?.path == "")
            #expect(snapshot.body.nodes.contains { $0.path == "/zookeeper" })
            // Every ACL index a node uses is in the cache (or -1, OPEN_ACL_UNSAFE).
            // Snapshots are fuzzy: the cache is written before the nodes, so a
            // node created meanwhile may use an index the cache lacks.
            let indexes = Set(snapshot.body.aclCache.map(\.index))
            let start = JavaDataDirTests.zxid(ofFile: url)
            for node in snapshot.body.nodes where node.stat.czxid <= start && node.stat.mzxid <= start {
                #expect(node.acl == -1 || indexes.contains(node.acl), "\(node.path)")
            }
            // Item by item, 1000 bytes at a time, gives the same snapshot.
            var decoder = SnapshotFileDecoder()
            var source = bytes
            var buffer = ByteBuffer()
            var body = SnapshotBody()
            while source.readableBytes > 0 {
                var chunk = source.readSlice(length: min(1000, source.readableBytes))!
                buffer.writeBuffer(&chunk)
                while let item = try decoder.next(from: &buffer, endOfInput: source.readableBytes == 0) {
                    if case .body(let piece) = item { body.append(piece) }
                }
            }
            #expect(decoder.isComplete)
            #expect(body == snapshot.body)
        }
    }
}

/// Replays the logs onto the newest snapshot and compares the result with
/// tree.json, which a client read from the same server at the end.
extension JavaDataDirTests {
    struct ReplayNode: Equatable {
        var data: [UInt8]
        var acl: [ACL]
        var czxid: Int64
        var mzxid: Int64
        var version: Int32
        var aversion: Int32
        var ephemeralOwner: Int64
    }

    static func zxid(ofFile url: URL) -> Int64 {
        Int64(url.lastPathComponent.split(separator: ".")[1], radix: 16) ?? -1
    }

    @Test func replayMatchesTreeJSON() throws {
        let treeURL = JavaDataDir.directory.appendingPathComponent("tree.json")
        guard let snapshotURL = JavaDataDir.files("snapshot").max(by: { Self.zxid(ofFile: $0) < Self.zxid(ofFile: $1) }),
              FileManager.default.fileExists(atPath: treeURL.path) else { return }
        let snapshot = try SnapshotFile(decoding: try JavaDataDir.bytes(snapshotURL))
        let acls = Dictionary(uniqueKeysWithValues: snapshot.body.aclCache.map { ($0.index, $0.acl) })
        let openACL = [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))]
        var tree: [String: ReplayNode] = [:]
        for node in snapshot.body.nodes {
            tree[node.path.isEmpty ? "/" : node.path] = ReplayNode(
                data: node.data.map { Array($0.readableBytesView) } ?? [],
                acl: node.acl == -1 ? openACL : acls[node.acl] ?? [],
                czxid: node.stat.czxid, mzxid: node.stat.mzxid, version: node.stat.version,
                aversion: node.stat.aversion, ephemeralOwner: node.stat.ephemeralOwner
            )
        }

        var entries: [Int64: TxnEntry] = [:]
        for url in JavaDataDir.files("log") {
            for record in try TxnLogFile(decoding: try JavaDataDir.bytes(url)).records {
                entries[record.entry.header.zxid] = record.entry
            }
        }
        let snapshotZxid = Self.zxid(ofFile: snapshotURL)
        for zxid in entries.keys.sorted() where zxid > snapshotZxid {
            let entry = entries[zxid]!
            Self.apply(entry.body, header: entry.header, to: &tree)
        }

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: treeURL)) as! [String: Any]
        let expected = json["tree"] as! [String: [String: Any]]
        #expect(Set(tree.keys) == Set(expected.keys))
        for (path, node) in expected {
            guard let replayed = tree[path] else { continue }
            let stat = node["stat"] as! [String: Any]
            #expect(Self.hex(replayed.data) == node["data_hex"] as? String, "\(path) data")
            #expect(replayed.czxid == (stat["czxid"] as! NSNumber).int64Value, "\(path) czxid")
            #expect(replayed.mzxid == (stat["mzxid"] as! NSNumber).int64Value, "\(path) mzxid")
            #expect(replayed.version == (stat["version"] as! NSNumber).int32Value, "\(path) version")
            #expect(replayed.aversion == (stat["aversion"] as! NSNumber).int32Value, "\(path) aversion")
            let acl = (node["acl"] as! [[String: Any]]).map {
                ACL(perms: ($0["perms"] as! NSNumber).int32Value, id: Id(scheme: $0["scheme"] as? String, id: $0["id"] as? String))
            }
            #expect(replayed.acl == acl, "\(path) acl")
            if let owner = node["ephemeralOwner"] as? String {
                #expect(replayed.ephemeralOwner == Int64(owner.dropFirst(2), radix: 16), "\(path) owner")
            }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    static func apply(_ body: TxnBody, header: TxnHeader, to tree: inout [String: ReplayNode]) {
        func create(_ path: String?, _ data: ByteBuffer?, _ acl: [ACL]?, owner: Int64) {
            tree[path ?? ""] = ReplayNode(
                data: data.map { Array($0.readableBytesView) } ?? [], acl: acl ?? [],
                czxid: header.zxid, mzxid: header.zxid, version: 0, aversion: 0, ephemeralOwner: owner
            )
        }
        switch body {
        case .create(let txn): create(txn.path, txn.data, txn.acl, owner: txn.ephemeral ? header.clientId : 0)
        case .createV0(let txn): create(txn.path, txn.data, txn.acl, owner: txn.ephemeral ? header.clientId : 0)
        case .createTTL(let txn): create(txn.path, txn.data, txn.acl, owner: 0)
        case .createContainer(let txn): create(txn.path, txn.data, txn.acl, owner: 0)
        case .delete(let txn): tree[txn.path ?? ""] = nil
        case .setData(let txn):
            tree[txn.path ?? ""]?.data = txn.data.map { Array($0.readableBytesView) } ?? []
            tree[txn.path ?? ""]?.version = txn.version
            tree[txn.path ?? ""]?.mzxid = header.zxid
        case .setACL(let txn):
            tree[txn.path ?? ""]?.acl = txn.acl ?? []
            tree[txn.path ?? ""]?.aversion = txn.version
        case .closeSession:
            tree = tree.filter { $0.value.ephemeralOwner != header.clientId }
        case .multi(let ops):
            if ops.contains(where: { $0.type == .error }) { return }
            for op in ops { apply(op.body, header: header, to: &tree) }
        default:
            break
        }
    }
}
