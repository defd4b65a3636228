import NIOCore
import ZooKeeperProtocol

/// A connection as the request logic sees it.
public struct ConnectionContext: Sendable {
    public var id: ConnectionID
    public var sessionID: Int64
    public var identities: ConnectionIdentities
    /// The peer's address as Java prints it (`addauth ip` re-adds it).
    public var remoteAddress: String?

    public init(id: ConnectionID, sessionID: Int64, identities: ConnectionIdentities, remoteAddress: String? = nil) {
        self.id = id
        self.sessionID = sessionID
        self.identities = identities
        self.remoteAddress = remoteAddress
    }
}

/// Times a step happens at: a monotonic clock for expiry, the wall clock
/// for ctime and mtime (both in milliseconds).
public struct Instant: Sendable {
    public var monotonic: Int64
    public var wall: Int64

    public init(monotonic: Int64, wall: Int64) {
        self.monotonic = monotonic
        self.wall = wall
    }
}

/// What a step asks the I/O layer to do.
public struct RequestOutcome: Sendable {
    /// Watch events in firing order; those for the requesting connection go
    /// out before its reply, as Java sends them.
    public var deliveries: [WatchDelivery] = []
    /// nil when Java sends no reply (a top-level check that succeeded).
    public var reply: ServerReply?
    /// Close the requesting connection after the reply.
    public var close = false
    /// Other connections to close: their session ended.
    public var closeConnections: [ConnectionID] = []
    /// Identities the request added to the connection (auth).
    public var identities: ConnectionIdentities?
    /// The transactions applied, in order, for a log to persist.
    public var txns: [TxnEntry] = []

    public init() {}
}

/// The whole server state of a standalone ZooKeeper: tree, watches, sessions,
/// and the zxid counter, changed only by the steps in this type's extensions.
///
/// Not thread-safe: one owner at a time (the I/O layer holds a lock).
public final class ZooKeeperState {
    public private(set) var tree: DataTree
    public internal(set) var watches = WatchManager()
    public internal(set) var sessions: SessionTracker
    public let settings: ServerSettings
    public let access: AccessControl
    /// The connection currently holding each session.
    public internal(set) var sessionConnections: [Int64: ConnectionID] = [:]
    /// Last zxid handed out; equals the tree's last processed zxid between steps.
    public internal(set) var lastZxid: Int64 = 0
    /// The monotonic time of the latest step, for sessions created by replayed txns.
    var monotonicNow: Int64 = 0

    public init(settings: ServerSettings, now: Instant, tree: DataTree? = nil) {
        self.settings = settings
        self.tree = tree ?? DataTree(extendedTypes: settings.extendedTypesEnabled, digestEnabled: settings.digestEnabled)
        self.tree.extendedTypes = settings.extendedTypesEnabled
        lastZxid = self.tree.lastProcessedZxid
        monotonicNow = now.monotonic
        sessions = SessionTracker(tickTime: Int64(settings.tickTime), serverID: settings.serverID, now: now.monotonic)
        var providers: [any AuthenticationProvider] = [
            IPAuthenticationProvider(), DigestAuthenticationProvider(superDigest: settings.superDigest),
        ]
        if let sasl = settings.saslProvider { providers.append(sasl) }
        if let x509 = settings.x509Provider { providers.append(x509) }
        access = AccessControl(providers: providers, skipACL: settings.skipACL)
    }

    func nextZxid() -> Int64 {
        lastZxid += 1
        return lastZxid
    }

    /// The Stat a client sees: Java reports 0 as the owner of containers and TTL nodes.
    public func stat(of node: DataNode) -> Stat {
        var stat = node.clientStat
        switch tree.kind(of: node) {
        case .container, .ttl: stat.ephemeralOwner = 0
        case .session, .persistent: break
        }
        return stat
    }

    func withTree<R>(_ body: (inout DataTree) -> R) -> R { body(&tree) }

    /// A connection went away: its watches go; its session stays until it expires.
    public func connectionClosed(_ connection: ConnectionID) {
        watches.removeConnection(connection)
        for (session, holder) in sessionConnections where holder == connection {
            sessionConnections[session] = nil
        }
    }
}
