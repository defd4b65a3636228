import ArgumentParser
import Foundation
import NIOCore
import ZooKeeperDump
import ZooKeeperJute
import ZooKeeperStorageFormat

/// `zkdump snapshot FILE...`: a snapshot's sessions, ACL cache, counts and seals,
/// and with --tree every node (Java's zkSnapShotToolkit).
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Print ZooKeeper snapshots (snapshot.<zxid>): sessions, ACL cache, nodes, seals and digest.",
        discussion: """
            Snapshots are streamed, so any size can be dumped. Exit status: 0 when every file decoded, \
            1 when a file is damaged (bad seal, truncated, undecodable), \
            2 when a file is unreadable or not a snapshot.
            """
    )

    @Argument(help: "Snapshot files (snapshot.<zxid> in a dataDir's version-2).")
    var files: [String]

    @Flag(help: "Print every node: path, data, ACL and persisted stat.")
    var tree = false

    @Flag(help: "One JSON object per line (keys documented in SnapshotDump.swift).")
    var json = false

    @Flag(help: "Show node data in full as hex instead of a text preview.")
    var secrets = false

    @Option(help: "The writing server's jute.maxbuffer.")
    var juteMaxbuffer = JuteLimits.default.maxBuffer

    func run() throws {
        let options = SnapshotDump.Options(
            json: json, secrets: secrets, tree: tree, limits: JuteLimits(maxBuffer: juteMaxbuffer)
        )
        var statuses: [DumpExitStatus] = []
        for file in files {
            let handle: FileHandle
            do {
                handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            } catch {
                statuses.append(SnapshotDump.unreadable(fileName: file, reason: readFailureReason(error), options: options) { print($0) })
                continue
            }
            defer { try? handle.close() }
            let compression = SnapshotCompression(fileName: URL(fileURLWithPath: file).lastPathComponent)
            if compression != .none {
                // A compressed snapshot (snapshot.<zxid>.gz or .snappy) is
                // inflated whole, then dumped like any other.
                var whole: ByteBuffer?
                do {
                    let bytes = ByteBuffer(bytes: try handle.readToEnd() ?? Data())
                    whole = try compression.decompress(bytes, limit: 1 << 34)
                } catch {
                    statuses.append(SnapshotDump.unreadable(fileName: file, reason: "\(error)", options: options) { print($0) })
                    continue
                }
                statuses.append(SnapshotDump.run(fileName: file, options: options, read: {
                    defer { whole = nil }
                    return whole
                }, emit: { print($0) }))
                continue
            }
            statuses.append(SnapshotDump.run(fileName: file, options: options, read: {
                // 1 MiB at a time: memory stays flat whatever the snapshot's size.
                let data: Data?
                do { data = try handle.read(upToCount: 1 << 20) } catch { throw ReadFailure(error) }
                guard let data, !data.isEmpty else { return nil }
                return ByteBuffer(bytes: data)
            }, emit: { print($0) }))
        }
        let status = DumpExitStatus.worst(statuses)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
