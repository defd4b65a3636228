import ZooKeeperClient
import ZooKeeperProtocol

/// A FIFO queue shared by every client naming the same directory: each item
/// is a persistent sequential node; a consumer takes the lowest by deleting
/// it, so an item goes to exactly one consumer.
public struct DistributedQueue: Sendable {
    private let client: ZooKeeperClient
    private let directory: String
    private static let prefix = "qn-"

    public init(client: ZooKeeperClient, path: String) {
        self.client = client
        directory = path
    }

    /// Appends an item.
    public func offer(_ data: [UInt8]) async throws {
        try await SequentialContender(client: client, directory: directory, prefix: Self.prefix).ensureDirectory()
        try await client.create("\(directory)/\(Self.prefix)", data: data, mode: .persistentSequential)
    }

    /// Removes and returns the head, or nil when the queue is empty.
    public func poll() async throws -> [UInt8]? {
        try await takeHead(watcher: nil)
    }

    /// Removes and returns the head, waiting for one if the queue is empty
    /// (and across a renewed session).
    public func take() async throws -> [UInt8] {
        while true {
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            if let item = try await takeHead(watcher: watcher) { return item }
            for await event in watcher.events where event.type == .nodeChildrenChanged || event.state == .expired {
                // Items are persistent: a renewed session just looks again.
                if event.state == .expired && !client.renewsExpiredSession {
                    throw ZooKeeperError(.sessionExpired, path: directory)
                }
                break
            }
            try Task.checkCancellation()
        }
    }

    /// Tries the items in order; another consumer may win any of them.
    private func takeHead(watcher: Watcher?) async throws -> [UInt8]? {
        let children: [String]
        do {
            children = try await client.getChildren(directory, watcher: watcher)
        } catch let error as ZooKeeperError where error.code == .noNode {
            try await SequentialContender(client: client, directory: directory, prefix: Self.prefix).ensureDirectory()
            return nil
        }
        let items = children.filter { $0.hasPrefix(Self.prefix) && SequentialContender.sequence(of: $0) != nil }
            .sorted { SequentialContender.sequence(of: $0)! < SequentialContender.sequence(of: $1)! }
        for name in items {
            let path = "\(directory)/\(name)"
            do {
                let (data, stat) = try await client.getData(path)
                try await client.delete(path, version: stat.version)
                return data ?? []
            } catch let error as ZooKeeperError where error.code == .noNode || error.code == .badVersion {
                continue
            }
        }
        return nil
    }
}
