import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

extension ZooKeeperState {
    /// The state as Java's FileSnap writes it: live sessions with their
    /// timeouts, the ACL cache, and every node depth-first from the root
    /// (path "") with children in the tree's order. Open ACLs keep Java's
    /// index -1; every other distinct ACL list gets an index from 1.
    public func snapshotBody() -> SnapshotBody {
        var body = SnapshotBody()
        body.sessions = sessions.sessions.values
            .filter { !$0.closing }
            .sorted { $0.id < $1.id }
            .map { SnapshotSession(sessionId: $0.id, timeout: $0.timeout) }
        var indices: [[ACL]: Int64] = [:]
        func index(of acl: [ACL]) -> Int64 {
            if acl == DataTree.openACL { return -1 }
            if let known = indices[acl] { return known }
            let next = Int64(indices.count + 1)
            indices[acl] = next
            body.aclCache.append(SnapshotACLEntry(index: next, acl: acl))
            return next
        }
        var stack: [(String, DataNode)] = tree.node("/").map { [("", $0)] } ?? []
        while let (path, node) = stack.popLast() {
            body.nodes.append(SnapshotNode(path: path, data: node.data, acl: index(of: node.acl), stat: node.stat))
            // Reversed onto the stack so children come out in the tree's order.
            for child in Array(node.children).reversed() {
                let childPath = path + "/" + child
                if let childNode = tree.node(childPath) { stack.append((childPath, childNode)) }
            }
        }
        return body
    }

    /// Rebuilds the state a snapshot and the txns after it describe: the tree
    /// and ACLs from the snapshot, its sessions tracked afresh from `now` (as
    /// Java's session tracker does on load), then every txn applied in order.
    public static func recover(
        snapshot: SnapshotBody?, snapshotZxid: Int64, txns: some Sequence<TxnEntry>,
        settings: ServerSettings, now: Instant
    ) -> ZooKeeperState {
        var tree = DataTree(extendedTypes: settings.extendedTypesEnabled)
        if let snapshot {
            tree = DataTree(restoring: snapshot, extendedTypes: settings.extendedTypesEnabled)
        }
        tree.lastProcessedZxid = snapshotZxid
        let state = ZooKeeperState(settings: settings, now: now, tree: tree)
        state.monotonicNow = now.monotonic
        for session in snapshot?.sessions ?? [] {
            state.sessions.track(id: session.sessionId, timeout: session.timeout, now: now.monotonic)
        }
        var ignored: [WatchDelivery] = []
        for entry in txns where entry.header.zxid > snapshotZxid {
            state.apply(entry, deliveries: &ignored)
        }
        return state
    }
}

extension DataTree {
    /// A tree holding exactly the snapshot's nodes, children linked in file order.
    public init(restoring snapshot: SnapshotBody, extendedTypes: Bool) {
        self.init(extendedTypes: extendedTypes, empty: true)
        var acls: [Int64: [ACL]] = [-1: Self.openACL]
        for entry in snapshot.aclCache { acls[entry.index] = entry.acl }
        for item in snapshot.nodes {
            // A copy of each node's data: slices would keep the whole file's bytes alive.
            let data = item.data.map { ByteBuffer(bytes: $0.readableBytesView) }
            let node = DataNode(data: data, acl: acls[item.acl] ?? Self.openACL, stat: item.stat)
            restore(path: item.path.isEmpty ? "/" : item.path, node: node)
        }
    }
}
