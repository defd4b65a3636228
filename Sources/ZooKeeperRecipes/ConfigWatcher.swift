import ZooKeeperClient
import ZooKeeperProtocol

/// Publish/subscribe on one node's data: `values()` yields the node's data
/// now and after every change (nil while the node does not exist). The watch
/// is set again with each read, so a subscriber sees the latest value after
/// any burst of writes (ZooKeeper's watches are one-shot: intermediate values
/// can be skipped, never reordered). A lost connection is waited out and the
/// node re-read; the stream ends with an error only when the session ends
/// (with a renewing client, an expiry is followed by a re-read instead).
public struct ConfigWatcher: Sendable {
    public let client: ZooKeeperClient
    public let path: String

    public init(client: ZooKeeperClient, path: String) {
        self.client = client
        self.path = path
    }

    /// Publishes a new value, creating the node (and its parents) if needed.
    public func publish(_ data: [UInt8]) async throws {
        do {
            try await client.setData(path, data: data)
        } catch let error as ZooKeeperError where error.code == .noNode {
            let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !parent.isEmpty {
                try await SequentialContender(client: client, directory: parent, prefix: "").ensureDirectory()
            }
            do {
                try await client.create(path, data: data)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                try await client.setData(path, data: data)
            }
        }
    }

    /// The current value, then each new one. Cancel the consuming task (or
    /// stop iterating) to unsubscribe.
    public func values() -> AsyncThrowingStream<[UInt8]?, Error> {
        let (stream, continuation) = AsyncThrowingStream<[UInt8]?, Error>.makeStream()
        let task = Task { [client, path] in
            do {
                try await Self.follow(client: client, path: path) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func follow(client: ZooKeeperClient, path: String, deliver: ([UInt8]?) -> Void) async throws {
        // The last value delivered, by modification zxid (0: absent), so a
        // re-read after a reconnect does not repeat a value.
        var last: Int64? = nil
        while !Task.isCancelled {
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            let current: (zxid: Int64, data: [UInt8]?)
            do {
                current = try await read(client: client, path: path, watcher: watcher)
            } catch let error as ZooKeeperError where error.code == .connectionLoss {
                try await client.waitUntilConnected(timeout: .seconds(3600))
                continue
            }
            if current.zxid != last {
                last = current.zxid
                deliver(current.data)
            }
            // Wait for the watch, or for a reconnect after which the node is read again.
            try await watcher.changeOrReconnect(path: path, renewing: client.renewsExpiredSession)
        }
    }

    /// The node's data and mzxid with a data watch, or an exists watch when absent.
    private static func read(client: ZooKeeperClient, path: String, watcher: Watcher) async throws -> (zxid: Int64, data: [UInt8]?) {
        while true {
            do {
                let (data, stat) = try await client.getData(path, watcher: watcher)
                return (stat.mzxid, data ?? [])
            } catch let error as ZooKeeperError where error.code == .noNode {
                // Deleted between the calls: read again; else wait for its creation.
                if try await client.exists(path, watcher: watcher) == nil { return (0, nil) }
            }
        }
    }
}
