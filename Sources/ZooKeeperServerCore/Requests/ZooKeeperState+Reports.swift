/// Read-only views the four-letter words (`wchs`, `wchc`, `wchp`, `dump`,
/// `mntr`) print. Nothing here changes the state.
extension ZooKeeperState {
    /// Java's `wchc`, `wchp` and `wchs` look at the data-watch manager only
    /// (DataTree.dumpWatches / dumpWatchesSummary use `dataWatches`):
    /// getData and exists watches, and addWatch's half in that table.
    public var dataWatchPathsByConnection: [ConnectionID: Set<String>] {
        watches.data.pathsByWatcher
    }

    /// Connections per path in the data-watch table, for `wchp`.
    public var dataWatchConnectionsByPath: [String: Set<ConnectionID>] {
        watches.data.watchersByPath.mapValues { Set($0.keys) }
    }

    /// DataTree.getWatchCount: watches in both tables (`zk_watch_count`).
    public var totalWatchCount: Int { watches.dataWatchCount + watches.childWatchCount }

    /// DataTree.getEphemeralsCount: session ephemerals over all sessions.
    public var ephemeralCount: Int {
        tree.ephemerals.values.reduce(0) { $0 + $1.count }
    }

    /// DataTree.approximateDataSize: path length (UTF-16 units) plus data
    /// length per entry of Java's node table, which holds the root twice
    /// (as "" and "/"), so the root's data counts twice.
    public var approximateDataSize: Int {
        var size = 0
        for (path, node) in tree.nodes {
            size += path.utf16.count + (node.data?.readableBytes ?? 0)
        }
        size += tree.node("/")?.data?.readableBytes ?? 0
        return size
    }

    /// The session tracker's expiry buckets (monotonic milliseconds), earliest
    /// first, each with its session ids in ascending order.
    public var sessionBuckets: [(expiresAt: Int64, sessions: [Int64])] {
        var buckets: [Int64: [Int64]] = [:]
        for session in sessions.sessions.values {
            buckets[session.expiresAt, default: []].append(session.id)
        }
        return buckets.keys.sorted().map { ($0, buckets[$0]!.sorted()) }
    }

    /// Sessions with ephemerals, ascending, each with its paths in Java's
    /// HashSet order (DataTree.dumpEphemerals).
    public var ephemeralsBySession: [(session: Int64, paths: [String])] {
        tree.ephemerals.keys.sorted().map { ($0, Array(tree.ephemerals[$0]!)) }
    }
}
