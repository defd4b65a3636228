import Foundation
import NIOCore
import Testing
import ZooKeeperServer
import ZooKeeperServerCore
import ZooKeeperStorageFormat

/// Autopurge keeps what Java's PurgeTxnLog keeps: the newest N valid
/// snapshots and every log needed to replay from the oldest of them.
@Suite struct PurgeTests {
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zk-purge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/version-2", withIntermediateDirectories: true)
        return path
    }

    func names(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/version-2").sorted()
    }

    @Test func keepsNewestSnapshotsAndTheLogsTheyNeed() throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dir = DataDirectory(dataDir: path, dataLogDir: path)
        let state = ZooKeeperState(settings: ServerSettings(), now: Instant(monotonic: 0, wall: 0))
        for zxid: Int64 in [0x0, 0x10, 0x20, 0x30, 0x40] {
            _ = try dir.writeSnapshot(state.snapshot().file, zxid: zxid)
        }
        // A snapshot cut short (no closing "/"), newest of all: not valid, so not counted.
        _ = FileManager.default.createFile(atPath: path + "/version-2/snapshot.50", contents: Data(repeating: 7, count: 64))
        for zxid in [0x1, 0x15, 0x1e, 0x33] {
            _ = FileManager.default.createFile(atPath: path + "/version-2/log.\(String(zxid, radix: 16))", contents: Data([1]))
        }
        let deleted = try dir.purge(retain: 3)
        #expect(Set(deleted.map { String($0.split(separator: "/").last!) }) == ["snapshot.0", "snapshot.10", "log.1", "log.15"])
        // log.1e starts before snapshot.20 and may hold the txns right after it.
        #expect(try names(path) == ["log.1e", "log.33", "snapshot.20", "snapshot.30", "snapshot.40", "snapshot.50"])
        // Nothing more to do the second time.
        #expect(try dir.purge(retain: 3).isEmpty)
    }

    @Test func compressedSnapshotsCountByTheirMagic() throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = ZooKeeperState(settings: ServerSettings(), now: Instant(monotonic: 0, wall: 0))
        let gz = DataDirectory(dataDir: path, dataLogDir: path, snapshotCompression: .gzip)
        let snappy = DataDirectory(dataDir: path, dataLogDir: path, snapshotCompression: .snappy)
        _ = try gz.writeSnapshot(state.snapshot().file, zxid: 1)
        _ = try snappy.writeSnapshot(state.snapshot().file, zxid: 2)
        _ = try gz.writeSnapshot(state.snapshot().file, zxid: 3)
        _ = FileManager.default.createFile(atPath: path + "/version-2/snapshot.4.gz", contents: Data("not gzip".utf8))
        let deleted = try gz.purge(retain: 2)
        #expect(deleted.map { String($0.split(separator: "/").last!) } == ["snapshot.1.gz"])
        #expect(try names(path) == ["snapshot.2.snappy", "snapshot.3.gz", "snapshot.4.gz"])
    }
}
