import ZooKeeperStorageFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension DataDirectory {
    /// Java's PurgeTxnLog.purge, which autopurge runs every `purgeInterval`
    /// hours: keep the `retain` newest valid snapshots, the txn logs needed
    /// to replay from the oldest of them, and delete older snapshots and logs.
    /// Returns the files deleted.
    @discardableResult
    public func purge(retain: Int) throws -> [String] {
        // With fewer valid snapshots than `retain`, the oldest valid one still
        // bounds what goes (invalid older snapshots do), as in Java.
        let kept = snapshots.reversed().filter { Self.isValidSnapshot($0.path) }.prefix(max(retain, 1))
        guard let oldest = kept.last else { return [] }
        let leastZxid = oldest.zxid
        // The log holding txns right after the oldest snapshot kept may start
        // before it (Java's getSnapshotLogs): keep the last log starting at or
        // before it, and every later one.
        let allLogs = logs
        let firstNeeded = allLogs.lastIndex { $0.zxid <= leastZxid } ?? 0
        let retainedLogs = Set(allLogs[firstNeeded...].map(\.path))
        var deleted: [String] = []
        for file in allLogs where file.zxid < leastZxid && !retainedLogs.contains(file.path) {
            guard unlink(file.path) == 0 else { throw StorageError.errno(file.path, "delete") }
            deleted.append(file.path)
        }
        for file in snapshots where file.zxid < leastZxid {
            guard unlink(file.path) == 0 else { throw StorageError.errno(file.path, "delete") }
            deleted.append(file.path)
        }
        return deleted
    }

    /// SnapStream.isValidSnapshot: a plain snapshot ends with the seal's "/"
    /// (a one-byte string); a compressed one starts with its format's magic.
    static func isValidSnapshot(_ path: String) -> Bool {
        let name = String(path.split(separator: "/").last ?? "")
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8)
        switch SnapshotCompression(fileName: name) {
        case .gzip:
            return pread(fd, &bytes, 2, 0) == 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
        case .snappy:
            return pread(fd, &bytes, 8, 0) == 8 && bytes == Snappy.magic
        case .none:
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_size >= 10 else { return false }
            return pread(fd, &bytes, 5, off_t(info.st_size - 5)) == 5 && bytes[0..<5] == [0, 0, 0, 1, 0x2F]
        }
    }
}
