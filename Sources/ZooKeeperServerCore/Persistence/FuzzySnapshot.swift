import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// A snapshot taken a piece at a time, as Java's FileSnap takes it while
/// requests go on: the sessions and the zxid when it begins, then the tree
/// walked depth-first in steps of a bounded number of nodes. Each step runs
/// under the state's lock; requests run between them. Changes made between
/// steps may or may not be in the file, so recovery replays the log from the
/// starting zxid and every txn must apply idempotently (as in Java).
public struct FuzzySnapshot: Sendable {
    /// lastProcessedZxid when it began: the file's name, and where replay starts.
    public let zxid: Int64
    public private(set) var body = SnapshotBody()
    /// The tree digest and the zxid it belongs to when the walk ended.
    public private(set) var digest: SnapshotZxidDigest?
    /// Paths still to visit; children are looked up when their turn comes,
    /// so a node deleted meanwhile is skipped.
    private var pending: [String]
    private var aclIndices: [[ACL]: Int64] = [:]

    public var isComplete: Bool { pending.isEmpty }

    /// Starts a snapshot: live sessions with their timeouts, and the root.
    public init(of state: ZooKeeperState) {
        zxid = state.lastZxid
        body.sessions = state.sessions.sessions.values
            .filter { !$0.closing }
            .sorted { $0.id < $1.id }
            .map { SnapshotSession(sessionId: $0.id, timeout: $0.timeout) }
        pending = state.tree.node("/") == nil ? [] : ["/"]
    }

    /// Serializes up to `budget` nodes. Open ACLs keep Java's index -1; every
    /// other distinct list gets the next index from 1. The digest is taken
    /// when the last node is done, as Java takes it after the walk.
    public mutating func step(_ state: ZooKeeperState, budget: Int) {
        let tree = state.tree
        var visited = 0
        while visited < budget, let path = pending.popLast() {
            guard let node = tree.node(path) else { continue }
            visited += 1
            body.nodes.append(SnapshotNode(path: path == "/" ? "" : path, data: node.data, acl: index(of: node.acl), stat: node.stat))
            let prefix = path == "/" ? "/" : path + "/"
            // Reversed onto the stack so children come out in the tree's order.
            for child in Array(node.children).reversed() { pending.append(prefix + child) }
        }
        if pending.isEmpty, tree.digestEnabled {
            digest = SnapshotZxidDigest(zxid: tree.lastProcessedZxid, digestVersion: DataTree.digestVersion, digest: .long(tree.digest))
        }
    }

    private mutating func index(of acl: [ACL]) -> Int64 {
        if acl == DataTree.openACL { return -1 }
        if let known = aclIndices[acl] { return known }
        let next = Int64(aclIndices.count + 1)
        aclIndices[acl] = next
        body.aclCache.append(SnapshotACLEntry(index: next, acl: acl))
        return next
    }

    /// The whole file as Java's FileSnap writes it; call once complete.
    public var file: SnapshotFile {
        SnapshotFile(body: body, digest: digest)
    }
}

extension ZooKeeperState {
    /// A snapshot of this moment, taken in one step.
    public func snapshot() -> FuzzySnapshot {
        var snapshot = FuzzySnapshot(of: self)
        snapshot.step(self, budget: .max)
        return snapshot
    }

    /// The body of `snapshot()`.
    public func snapshotBody() -> SnapshotBody { snapshot().body }
}
