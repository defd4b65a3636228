import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

extension ZooKeeperState {
    /// Rebuilds the state a snapshot and the txns after it describe: the tree
    /// and ACLs from the snapshot, its sessions tracked afresh from `now` (as
    /// Java's session tracker does on load), then every txn applied in order.
    ///
    /// Digests are checked as Java checks them: the snapshot's once the
    /// replay reaches the zxid it was taken at (at once for a snapshot that
    /// was not fuzzy), then each txn's after it is applied. A mismatch is
    /// reported with its zxid, not fatal (Java logs it and goes on). So is a
    /// node whose ACL neither the snapshot nor the log has.
    public static func recover(
        snapshot: SnapshotBody?, snapshotZxid: Int64, snapshotDigest: SnapshotZxidDigest? = nil,
        txns: some Sequence<TxnEntry>, settings: ServerSettings, now: Instant,
        digestMismatch: (Int64) -> Void = { _ in }, unresolvedACL: (String) -> Void = { _ in }
    ) -> ZooKeeperState {
        var tree = DataTree(extendedTypes: settings.extendedTypesEnabled, digestEnabled: settings.digestEnabled)
        if let snapshot {
            tree = DataTree(restoring: snapshot, extendedTypes: settings.extendedTypesEnabled, digestEnabled: settings.digestEnabled)
        }
        tree.lastProcessedZxid = snapshotZxid
        let state = ZooKeeperState(settings: settings, now: now, tree: tree)
        state.monotonicNow = now.monotonic
        for session in snapshot?.sessions ?? [] {
            state.sessions.track(id: session.sessionId, timeout: session.timeout, now: now.monotonic)
        }
        // Java ignores a snapshot digest older than the snapshot, or of another version.
        var fuzzyDigest = settings.digestEnabled ? snapshotDigest : nil
        if let digest = fuzzyDigest, digest.zxid < snapshotZxid || digest.digestVersion != DataTree.digestVersion || digest.zxid == 0 {
            fuzzyDigest = nil
        }
        func checkSnapshotDigest(at zxid: Int64) {
            guard let digest = fuzzyDigest, digest.zxid == zxid else { return }
            if digest.digest != .long(state.tree.digest) { digestMismatch(zxid) }
            fuzzyDigest = nil
        }
        checkSnapshotDigest(at: snapshotZxid)
        var ignored: [WatchDelivery] = []
        for entry in txns where entry.header.zxid > snapshotZxid {
            state.apply(entry, deliveries: &ignored)
            if fuzzyDigest != nil {
                checkSnapshotDigest(at: entry.header.zxid)
            } else if settings.digestEnabled, let logged = entry.digest, logged.version == DataTree.digestVersion,
                      logged.treeDigest != state.tree.digest {
                digestMismatch(entry.header.zxid)
            }
        }
        // Still unknown after the log: the empty list lets nobody but super in,
        // where a guess could let everyone in.
        for path in state.tree.unresolvedACLs.sorted() { unresolvedACL(path) }
        return state
    }
}

extension DataTree {
    /// A tree holding exactly the snapshot's nodes, children linked in file order.
    public init(restoring snapshot: SnapshotBody, extendedTypes: Bool, digestEnabled: Bool = true) {
        self.init(extendedTypes: extendedTypes, digestEnabled: digestEnabled, empty: true)
        var acls: [Int64: [ACL]] = [-1: Self.openACL]
        for entry in snapshot.aclCache { acls[entry.index] = entry.acl }
        for item in snapshot.nodes {
            // A copy of each node's data: slices would keep the whole file's bytes alive.
            let data = item.data.map { ByteBuffer(bytes: $0.readableBytesView) }
            let path = item.path.isEmpty ? "/" : item.path
            // Java writes the ACL cache before walking the nodes, so a node
            // created during a fuzzy snapshot with a new ACL list names an
            // index the file lacks. Its create txn in the log brings the list.
            let acl = acls[item.acl]
            if acl == nil { unresolvedACLs.insert(path) }
            restore(path: path, node: DataNode(data: data, acl: acl ?? [], stat: item.stat))
        }
        // Java's setupQuota: the stats nodes are recounted from the tree loaded.
        for path in quotaPaths { recountQuota(path) }
    }
}
