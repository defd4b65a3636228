import Foundation
import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore
import ZooKeeperStorageFormat

/// The tree digest must be the number Java 3.8.0 wrote: after every txn in
/// the fixture's logs, and at the end of its snapshots.
@Suite struct TreeDigestTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/java-datadir/version-2")

    static func read(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: fixture.appendingPathComponent(name)))
    }

    /// Every txn of the fixture, in zxid order.
    static func javaTxns() throws -> [TxnEntry] {
        var entries: [TxnEntry] = []
        for name in ["log.1", "log.f", "log.1b", "log.24"] {
            var reader = try TxnLogReader(try read(name))
            while let record = try reader.next() { entries.append(record.entry) }
        }
        return entries
    }

    @Test func crc32MatchesKnownValues() {
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        // The eight-byte loop and the byte loop agree at every split.
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole = CRC32()
        whole.update(bytes)
        for split in [1, 7, 8, 9, 333, 999] {
            var pieces = CRC32()
            pieces.update(bytes[..<split])
            pieces.update(bytes[split...])
            #expect(pieces.value == whole.value)
        }
    }

    /// From Java's empty tree, each txn of Java's log leaves the digest Java
    /// logged with it: creates, deletes, setData, an error txn, sessions
    /// opening and closing with ephemerals, containers and TTL nodes.
    @Test func everyLoggedDigestMatchesAfterReplay() throws {
        var settings = ServerSettings()
        settings.extendedTypesEnabled = true
        let state = ZooKeeperState(settings: settings, now: Instant(monotonic: 0, wall: 0))
        let entries = try Self.javaTxns()
        #expect(entries.count == 0x25)
        var compared = 0
        var ignored: [WatchDelivery] = []
        for entry in entries {
            state.apply(entry, deliveries: &ignored)
            // A request that failed whole is logged without a digest.
            if entry.type == .error {
                #expect(entry.digest == nil)
                continue
            }
            let logged = try #require(entry.digest, "txn \(entry.header.zxid) has no digest")
            #expect(logged.version == DataTree.digestVersion)
            #expect(state.tree.digest == logged.treeDigest, "after zxid 0x\(String(entry.header.zxid, radix: 16)) (\(entry.type))")
            compared += 1
        }
        #expect(compared == 0x24)
        #expect(state.tree.digest == state.tree.recomputedDigest())
    }

    /// Each snapshot's trailing digest is the tree's at the zxid it names,
    /// and a tree restored from a snapshot sums its nodes' digests.
    @Test func snapshotDigestsMatch() throws {
        var settings = ServerSettings()
        settings.extendedTypesEnabled = true
        let state = ZooKeeperState(settings: settings, now: Instant(monotonic: 0, wall: 0))
        var digestAt: [Int64: Int64] = [0: state.tree.digest]
        var ignored: [WatchDelivery] = []
        for entry in try Self.javaTxns() {
            state.apply(entry, deliveries: &ignored)
            digestAt[entry.header.zxid] = state.tree.digest
        }
        var checked = 0
        for name in ["snapshot.d", "snapshot.19", "snapshot.22"] {
            let file = try SnapshotFile(decoding: try Self.read(name))
            let digest = try #require(file.digest, "\(name) has no digest")
            #expect(digest.digestVersion == DataTree.digestVersion)
            #expect(digest.digest == .long(try #require(digestAt[digest.zxid])), "\(name) at 0x\(String(digest.zxid, radix: 16))")
            let restored = DataTree(restoring: file.body, extendedTypes: true)
            #expect(restored.digest == restored.recomputedDigest())
            checked += 1
        }
        #expect(checked == 3)
    }

    /// Off, nothing is summed and txns carry no digest.
    @Test func disabledDigestStaysZero() {
        var tree = DataTree(digestEnabled: false)
        _ = tree.createNode("/a", data: ByteBuffer(string: "x"), acl: DataTree.openACL, ephemeralOwner: 0, parentCVersion: -1, zxid: 1, time: 1)
        #expect(tree.digest == 0)
        #expect(tree.txnDigest == nil)
        #expect(DataTree().digest != 0)
    }
}

/// The txns this server logs carry the digest Java's would.
@Suite struct LoggedDigestTests {
    @Test func writesCarryTheTreeDigestAndFailuresNone() throws {
        let harness = StateHarness()
        let client = harness.connect()
        let created = harness.create(client, "/a", "data")
        let createTxn = try #require(created.txns.first)
        #expect(createTxn.digest == TxnDigest(version: DataTree.digestVersion, treeDigest: harness.state.tree.digest))
        #expect(harness.state.tree.digest == harness.state.tree.recomputedDigest())

        let failed = harness.setData(client, "/a", "x", version: 7)
        #expect(failed.txns.map(\.type) == [.error])
        #expect(failed.txns.first?.digest == nil)

        let updated = harness.setData(client, "/a", "y")
        #expect(updated.txns.first?.digest?.treeDigest == harness.state.tree.digest)
        #expect(harness.state.tree.digest != createTxn.digest?.treeDigest)
        _ = harness.delete(client, "/a")
        #expect(harness.state.tree.digest == harness.state.tree.recomputedDigest())
    }
}
