import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// One piece of a serialized snapshot body (`SerializeUtils.serializeSnapshot`),
/// in stream order: session count, sessions, ACL-cache count, ACL entries,
/// nodes, end of nodes.
public enum SnapshotBodyItem: Hashable, Sendable {
    case sessionCount(Int32)
    case session(SnapshotSession)
    case aclCacheCount(Int32)
    case aclCacheEntry(SnapshotACLEntry)
    case node(SnapshotNode)
    /// The path "/" that ends the node list.
    case endOfNodes

    /// The path that marks the end of the nodes.
    public static let endOfNodesPath = "/"

    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .sessionCount(let count), .aclCacheCount(let count):
            buffer.writeJuteInt(count)
        case .session(let session):
            buffer.writeJuteLong(session.sessionId)
            buffer.writeJuteInt(session.timeout)
        case .aclCacheEntry(let entry):
            buffer.writeJuteLong(entry.index)
            buffer.writeJuteVector(entry.acl) { $0.writeJuteRecord($1) }
        case .node(let node):
            buffer.writeJuteUString(node.path)
            buffer.writeJuteBuffer(node.data)
            buffer.writeJuteLong(node.acl)
            buffer.writeJuteRecord(node.stat)
        case .endOfNodes:
            buffer.writeJuteUString(Self.endOfNodesPath)
        }
    }
}
