import Logging
import NIOCore
import ZooKeeperProtocol
import ZooKeeperServerCore
import ZooKeeperStorageFormat

/// Java's `version-2` directories: snapshots in dataDir, txn logs in
/// dataLogDir (the same directory unless configured apart), each file named
/// by the hex zxid it starts at.
public struct DataDirectory: Sendable {
    public let snapshotDirectory: String
    public let logDirectory: String
    /// How new snapshots are written (`zookeeper.snapshot.compression.method`);
    /// any snapshot is read by its name.
    public let snapshotCompression: SnapshotCompression

    public init(dataDir: String, dataLogDir: String, snapshotCompression: SnapshotCompression = .none) {
        snapshotDirectory = dataDir + "/version-2"
        logDirectory = dataLogDir + "/version-2"
        self.snapshotCompression = snapshotCompression
    }

    /// Files named `prefix.<hex zxid>` (Java's Util.getZxidFromName reads the
    /// second dot-separated part, so `snapshot.5a.gz` is zxid 0x5a), by zxid.
    static func files(in directory: String, prefix: String) -> [(zxid: Int64, path: String)] {
        FileIO.list(directory).compactMap { name -> (Int64, String)? in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] == prefix, let value = UInt64(parts[1], radix: 16) else { return nil }
            return (Int64(bitPattern: value), directory + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// A snapshot file, decompressed as its name says, every seal checked.
    static func readSnapshot(_ path: String) throws -> SnapshotFile {
        let name = String(path.split(separator: "/").last ?? "")
        return try SnapshotFile(decoding: try SnapshotCompression(fileName: name).decompress(try FileIO.readAll(path)))
    }

    public var snapshots: [(zxid: Int64, path: String)] { Self.files(in: snapshotDirectory, prefix: "snapshot") }
    public var logs: [(zxid: Int64, path: String)] { Self.files(in: logDirectory, prefix: "log") }

    public func createIfMissing() throws {
        try FileIO.makeDirectories(snapshotDirectory)
        try FileIO.makeDirectories(logDirectory)
    }

    /// What recovery found.
    public struct Recovered {
        public var state: ZooKeeperState
        public var snapshotZxid: Int64
        public var txnCount: Int
        /// Logs whose torn tail was cut off.
        public var truncated: [String]
        /// Txns (or the snapshot) after which the tree's digest was not the one
        /// written with it; Java reports these and carries on.
        public var digestMismatches: Int
    }

    /// Java's FileTxnSnapLog.restore: the newest snapshot that reads whole,
    /// then every txn after it from the logs. A torn tail (a partial last
    /// record, padding, a bad checksum with nothing valid after it) is cut
    /// off; damage with valid records after it stops the server.
    public func recover(settings: ServerSettings, now: Instant, logger: Logger) throws -> Recovered {
        var snapshot: SnapshotBody?
        var snapshotDigest: SnapshotZxidDigest?
        var snapshotZxid: Int64 = 0
        for (zxid, path) in snapshots.reversed() {
            do {
                let file = try Self.readSnapshot(path)
                snapshot = file.body
                snapshotDigest = file.digest
                snapshotZxid = zxid
                logger.info("loaded snapshot", metadata: ["file": "\(path)", "nodes": "\(file.body.nodes.count)", "sessions": "\(file.body.sessions.count)"])
                break
            } catch {
                logger.warning("skipping unreadable snapshot", metadata: ["file": "\(path)", "error": "\(error)"])
            }
        }
        let allLogs = logs
        if snapshot == nil && !allLogs.isEmpty && !snapshots.isEmpty {
            throw StorageError(path: snapshotDirectory, message: "no snapshot could be read, but there are txn logs")
        }
        // The last log starting at or before the snapshot, and every later one.
        let first = allLogs.lastIndex { $0.zxid <= snapshotZxid + 1 } ?? 0
        var txns: [TxnEntry] = []
        var truncated: [String] = []
        for (_, path) in allLogs[first...] {
            var reader = try TxnLogReader(try FileIO.readAll(path))
            do {
                while let record = try reader.next() { txns.append(record.entry) }
            } catch {
                throw StorageError(path: path, message: "corrupt txn log: \(error)")
            }
            if case .tornTail(let damage)? = reader.end {
                logger.warning("cutting the torn tail of a txn log", metadata: ["file": "\(path)", "damage": "\(damage)"])
                try FileIO.truncate(path, to: damage.offset)
                truncated.append(path)
            }
        }
        let replayed = txns.filter { $0.header.zxid > snapshotZxid }
        var mismatches: [Int64] = []
        let state = ZooKeeperState.recover(
            snapshot: snapshot, snapshotZxid: snapshotZxid, snapshotDigest: snapshotDigest,
            txns: replayed, settings: settings, now: now,
            digestMismatch: { mismatches.append($0) },
            unresolvedACL: { path in
                logger.error("no ACL for the node in the snapshot or the log; it is closed to all but super", metadata: ["path": "\(path)"])
            }
        )
        for zxid in mismatches.prefix(10) {
            logger.error("tree digest differs from the one logged", metadata: ["zxid": "\(hex(zxid))"])
        }
        return Recovered(
            state: state, snapshotZxid: snapshotZxid, txnCount: replayed.count, truncated: truncated,
            digestMismatches: mismatches.count
        )
    }

    /// Writes `snapshot.<zxid>` as Java's FileSnap does (header, body, seals,
    /// digest), durably; `zxid` is where the snapshot began.
    public func writeSnapshot(_ file: SnapshotFile, zxid: Int64) throws -> String {
        let path = snapshotDirectory + "/snapshot." + String(UInt64(bitPattern: zxid), radix: 16) + snapshotCompression.fileExtension
        try FileIO.writeDurably(path, snapshotCompression.compress(file.encode()))
        return path
    }
}
