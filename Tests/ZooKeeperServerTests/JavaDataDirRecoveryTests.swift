import Foundation
import Logging
import NIOCore
import Testing
import ZooKeeperProtocol
import ZooKeeperServer
import ZooKeeperServerCore

/// A dataDir written by Java 3.8.0 (Tests/Fixtures/java-datadir) loads into
/// the tree Java served: every node, stat field, ACL and child count.
@Suite struct JavaDataDirRecoveryTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/java-datadir")

    /// A copy, since recovery may cut torn tails.
    func copyOfFixture() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zk-javadir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("version-2"), to: directory.appendingPathComponent("version-2"))
        return directory.path
    }

    @Test func everyNodeMatchesWhatJavaServed() throws {
        let directory = try copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = ServerSettings()
        settings.extendedTypesEnabled = true
        let recovered = try DataDirectory(dataDir: directory, dataLogDir: directory)
            .recover(settings: settings, now: Instant(monotonic: 0, wall: 0), logger: Logger(label: "test"))
        #expect(recovered.snapshotZxid == 0x22)
        #expect(recovered.txnCount == 3)
        let state = recovered.state
        #expect(state.lastZxid == 0x25)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture.appendingPathComponent("tree.json"))) as! [String: Any]
        let tree = json["tree"] as! [String: [String: Any]]
        let served = Set(tree.keys)
        let loaded = Set(state.tree.nodes.keys)
        #expect(loaded == served, "nodes only in ours: \(loaded.subtracting(served)), only in Java's: \(served.subtracting(loaded))")
        for (path, expected) in tree {
            guard let node = state.tree.node(path) else { continue }
            let stat = state.stat(of: node)
            let hex = (node.data.map { Array($0.readableBytesView) } ?? []).map { String(format: "%02x", $0) }.joined()
            #expect(hex == expected["data_hex"] as? String, "data of \(path)")
            let fields = expected["stat"] as! [String: Int]
            #expect(Int(stat.czxid) == fields["czxid"] && Int(stat.mzxid) == fields["mzxid"] && Int(stat.pzxid) == fields["pzxid"], "zxids of \(path)")
            #expect(Int(stat.version) == fields["version"] && Int(stat.cversion) == fields["cversion"] && Int(stat.aversion) == fields["aversion"], "versions of \(path)")
            #expect(Int(stat.dataLength) == fields["dataLength"], "dataLength of \(path)")
            #expect(Int(stat.numChildren) == expected["numChildren"] as? Int, "children of \(path)")
            let owner = expected["ephemeralOwner"] as? String
            #expect((owner.map { "0x" + String(UInt64(bitPattern: stat.ephemeralOwner), radix: 16) == $0 } ?? (stat.ephemeralOwner == 0)), "owner of \(path)")
            let acl = (expected["acl"] as! [[String: Any]]).map {
                ACL(perms: Int32($0["perms"] as! Int), id: Id(scheme: $0["scheme"] as? String, id: $0["id"] as? String))
            }
            #expect(node.acl == acl, "ACL of \(path)")
        }
        // S1 was open when Java stopped: its session and ephemerals come back.
        #expect(state.sessions.isActive(0x1000_0116_4a90_000))
        #expect(state.tree.ephemerals(of: 0x1000_0116_4a90_000).count == 2)
    }
}
