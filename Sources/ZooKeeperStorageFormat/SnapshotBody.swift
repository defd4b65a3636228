import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A whole snapshot body held in memory: sessions, ACL cache and nodes in
/// the order they were serialized (Java writes hash-map order, so order is
/// kept, not sorted, for byte-exact re-encoding).
public struct SnapshotBody: Hashable, Sendable {
    public var sessions: [SnapshotSession]
    public var aclCache: [SnapshotACLEntry]
    /// Every node, root (path "") first, as `DataTree.serializeNode` walked them.
    public var nodes: [SnapshotNode]

    public init(sessions: [SnapshotSession] = [], aclCache: [SnapshotACLEntry] = [], nodes: [SnapshotNode] = []) {
        self.sessions = sessions
        self.aclCache = aclCache
        self.nodes = nodes
    }

    /// Adds a decoded item; counts and the end marker carry nothing to keep.
    public mutating func append(_ item: SnapshotBodyItem) {
        switch item {
        case .session(let session): sessions.append(session)
        case .aclCacheEntry(let entry): aclCache.append(entry)
        case .node(let node): nodes.append(node)
        case .sessionCount, .aclCacheCount, .endOfNodes: break
        }
    }

    /// The items in stream order.
    public var items: [SnapshotBodyItem] {
        var items: [SnapshotBodyItem] = [.sessionCount(Int32(sessions.count))]
        items += sessions.map { .session($0) }
        items.append(.aclCacheCount(Int32(aclCache.count)))
        items += aclCache.map { .aclCacheEntry($0) }
        items += nodes.map { .node($0) }
        items.append(.endOfNodes)
        return items
    }

    public func write(to buffer: inout ByteBuffer) {
        for item in items { item.write(to: &buffer) }
    }

    /// Decodes a body that spans `bytes` exactly.
    public init(decoding bytes: ByteBuffer, limits: JuteLimits = .default) throws(StorageFormatError) {
        var buffer = bytes
        var decoder = SnapshotBodyDecoder(limits: limits)
        self.init()
        while let item = try decoder.next(from: &buffer) {
            append(item)
        }
        guard decoder.isComplete else {
            throw StorageFormatError(.truncated, offset: decoder.bytesConsumed, detail: "the body ends inside an item")
        }
        guard buffer.readableBytes == 0 else {
            throw StorageFormatError(.trailingBytes, offset: decoder.bytesConsumed, detail: "\(buffer.readableBytes) bytes after the body")
        }
    }
}
