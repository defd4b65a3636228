import NIOCore
import ZooKeeperStorageFormat

extension DataDirectory {
    /// What `zkserver --check-datadir` prints.
    public struct Verification: Sendable {
        public var lines: [String] = []
        public var ok = true
    }

    /// Reads every snapshot (all seals checked) and every txn log to its end,
    /// reporting torn tails (which recovery would cut) and corruption (which
    /// stops recovery), without changing any file.
    public func verify() -> Verification {
        var report = Verification()
        let snapshots = self.snapshots
        let logs = self.logs
        if snapshots.isEmpty && logs.isEmpty {
            report.lines.append("\(snapshotDirectory): no snapshots or txn logs")
        }
        var newestReadable: Int64?
        for (zxid, path) in snapshots {
            do {
                let file = try Self.readSnapshot(path)
                report.lines.append("ok      \(path): \(file.body.nodes.count) nodes, \(file.body.sessions.count) sessions")
                newestReadable = zxid
            } catch {
                report.lines.append("bad     \(path): \(error)")
            }
        }
        if newestReadable == nil && !logs.isEmpty {
            report.ok = false
            report.lines.append("error   no readable snapshot, but there are txn logs")
        }
        for (_, path) in logs {
            do {
                var reader = try TxnLogReader(try FileIO.readAll(path))
                var count = 0
                var last: Int64?
                while let record = try reader.next() {
                    count += 1
                    last = record.entry.header.zxid
                }
                let range = last.map { " up to zxid 0x\(String(UInt64(bitPattern: $0), radix: 16))" } ?? ""
                switch reader.end {
                case .tornTail(let damage)?:
                    report.lines.append("torn    \(path): \(count) txns\(range); torn tail (\(damage)), recovery cuts it")
                default:
                    report.lines.append("ok      \(path): \(count) txns\(range)")
                }
            } catch {
                report.ok = false
                report.lines.append("corrupt \(path): \(error)")
            }
        }
        return report
    }
}
