import NIOCore
import NIOPosix
import ZooKeeperClientCore
import ZooKeeperProtocol

@_exported import struct ZooKeeperClientCore.WatchedEvent
@_exported import struct ZooKeeperClientCore.WatcherID
@_exported import struct ZooKeeperClientCore.SASLCredentials

/// A watcher: pass it to reads and addWatch; its events arrive on `events`
/// (state changes too, as Java delivers them to every watcher).
public struct Watcher: Sendable {
    public let id: WatcherID
    public let events: AsyncStream<WatchedEvent>
}

/// A ZooKeeper client: one session, kept across reconnects, with an async
/// call per operation. Calls are pipelined on one connection and answered in
/// the order they were sent.
public final class ZooKeeperClient: Sendable {
    public let connectString: ConnectString
    let connection: ClientConnection

    /// Starts connecting at once (as Java's constructor does).
    /// - connectString: `host:port[,host:port...][/chroot]`
    public convenience init(
        connectString: String,
        sessionTimeout: Duration = .seconds(30),
        canBeReadOnly: Bool = false,
        tls: ClientTLS? = nil,
        sasl: SASLCredentials? = nil,
        maxOutstandingRequests: Int = 1000,
        renewExpiredSession: Bool = false,
        eventLoopGroup: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        try self.init(connectString: connectString, sessionTimeout: sessionTimeout, canBeReadOnly: canBeReadOnly,
                      resume: nil, tls: tls, sasl: sasl, maxOutstandingRequests: maxOutstandingRequests,
                      renewExpiredSession: renewExpiredSession, eventLoopGroup: eventLoopGroup)
    }

    /// A client that resumes an existing session (Java's constructor with
    /// sessionId and sessionPasswd).
    public static func resuming(
        connectString: String, sessionId: Int64, password: [UInt8],
        sessionTimeout: Duration = .seconds(30), canBeReadOnly: Bool = false,
        tls: ClientTLS? = nil, sasl: SASLCredentials? = nil, maxOutstandingRequests: Int = 1000,
        renewExpiredSession: Bool = false,
        eventLoopGroup: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws -> ZooKeeperClient {
        try ZooKeeperClient(connectString: connectString, sessionTimeout: sessionTimeout, canBeReadOnly: canBeReadOnly,
                            resume: (sessionId, ByteBuffer(bytes: password)), tls: tls, sasl: sasl,
                            maxOutstandingRequests: maxOutstandingRequests, renewExpiredSession: renewExpiredSession,
                            eventLoopGroup: eventLoopGroup)
    }

    /// - tls: connect with TLS (to a secureClientPort).
    /// - sasl: DIGEST-MD5 login after each handshake (Java's ZooKeeperSaslClient).
    /// - maxOutstandingRequests: requests on the wire at once; later calls
    ///   wait in the client, in order, until replies make room.
    /// - canBeReadOnly: accept a read-only server (ConnectedReadOnly); while
    ///   on one, the client probes the others ("isro") and moves to the
    ///   first read-write one it finds.
    /// - renewExpiredSession: after Expired, start a new session (new id, no
    ///   watches, auth replayed) instead of ending; Expired is then reported
    ///   like Disconnected, and the recipes re-create what the old session
    ///   held. Java's client ends at Expired (false, the default).
    private init(
        connectString: String, sessionTimeout: Duration, canBeReadOnly: Bool,
        resume: (id: Int64, password: ByteBuffer)?, tls: ClientTLS?, sasl: SASLCredentials?,
        maxOutstandingRequests: Int, renewExpiredSession: Bool, eventLoopGroup: EventLoopGroup
    ) throws {
        let parsed = try ConnectString(connectString)
        self.connectString = parsed
        let milliseconds = sessionTimeout.components.seconds * 1000 + sessionTimeout.components.attoseconds / 1_000_000_000_000_000
        let configuration = ClientConfiguration(
            connectString: parsed, sessionTimeout: Int32(clamping: milliseconds), canBeReadOnly: canBeReadOnly,
            resumeSession: resume, sasl: sasl, maxOutstandingRequests: maxOutstandingRequests,
            renewExpiredSession: renewExpiredSession)
        connection = ClientConnection(configuration: configuration, eventLoop: eventLoopGroup.next(), tls: try tls?.makeContext())
        connection.start()
    }

    deinit {
        let connection = connection
        Task { await connection.close() }
    }

    // MARK: - Session

    /// Whether Expired starts a new session rather than ending the client.
    public var renewsExpiredSession: Bool { connection.configuration.renewExpiredSession }

    /// Session state changes, starting with the current state.
    public func states() -> AsyncStream<KeeperState> { connection.states() }

    /// Waits for SyncConnected (or ConnectedReadOnly); throws on a terminal state
    /// (Expired only when the session is not renewed) or after `timeout`.
    public func waitUntilConnected(timeout: Duration = .seconds(20)) async throws {
        let states = states()
        let renews = renewsExpiredSession
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await state in states {
                    if state == .syncConnected || state == .connectedReadOnly { return }
                    if state == .expired && !renews { throw ZooKeeperError(.sessionExpired) }
                    if state == .authFailed { throw ZooKeeperError(.authFailed) }
                    if state == .closed { throw ZooKeeperError(.connectionLoss) }
                }
                throw ZooKeeperError(.connectionLoss)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ZooKeeperError(.operationTimeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public var state: KeeperState { get async { await connection.snapshot().state } }
    public var sessionId: Int64 { get async { await connection.snapshot().sessionId } }
    public var sessionPassword: [UInt8] { get async { await connection.snapshot().password.bytes } }
    public var negotiatedSessionTimeout: Int32 { get async { await connection.snapshot().timeout } }

    /// A new watcher whose events arrive on its stream.
    public func makeWatcher() async -> Watcher {
        let (id, events) = await connection.makeWatcher()
        return Watcher(id: id, events: events)
    }

    /// Ends a watcher's event stream; use it for watchers no longer needed.
    public func dropWatcher(_ watcher: Watcher) { connection.dropWatcher(watcher.id) }

    /// Ends the session (closeSession) and the connection.
    public func close() async { await connection.close() }

    // MARK: - Operations

    /// Creates a node; returns its path (with the sequence number for sequential modes).
    /// An empty ACL is refused before anything is sent, as Java's validateACL
    /// does (here, in createWithStat and in setACL).
    @discardableResult
    public func create(
        _ path: String, data: [UInt8]? = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent
    ) async throws -> String {
        try validate(path, sequential: mode.isSequential)
        guard !acl.isEmpty else { throw ZooKeeperError(.invalidACL) }
        guard !mode.isTTL else { throw ZooKeeperArgumentError("Use createWithStat(ttl:) for TTL modes") }
        let request = CreateRequest(path: server(path), data: data.map { ByteBuffer(bytes: $0) }, acl: acl, flags: mode.rawValue)
        let reply = try await call(mode.isContainer ? .createContainer : .create, .create(request), path: path)
        switch reply.body {
        case .create(let r): return client(r.path ?? "")
        case .create2(let r): return client(r.path ?? "")
        default: throw ZooKeeperError(.marshallingError, path: path)
        }
    }

    /// Creates a node and returns its Stat too (create2, createContainer, createTTL).
    @discardableResult
    public func createWithStat(
        _ path: String, data: [UInt8]? = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent, ttl: Int64 = -1
    ) async throws -> (path: String, stat: Stat) {
        try validate(path, sequential: mode.isSequential)
        guard !acl.isEmpty else { throw ZooKeeperError(.invalidACL) }
        let reply: ServerReply
        if mode.isTTL {
            guard ttl > 0 else { throw ZooKeeperArgumentError("ttl must be positive for \(mode)") }
            let request = CreateTTLRequest(path: server(path), data: data.map { ByteBuffer(bytes: $0) }, acl: acl, flags: mode.rawValue, ttl: ttl)
            reply = try await call(.createTTL, .createTTL(request), path: path)
        } else {
            let request = CreateRequest(path: server(path), data: data.map { ByteBuffer(bytes: $0) }, acl: acl, flags: mode.rawValue)
            reply = try await call(mode.isContainer ? .createContainer : .create2, .create(request), path: path)
        }
        guard case .create2(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return (client(r.path ?? ""), r.stat)
    }

    public func delete(_ path: String, version: Int32 = -1) async throws {
        try validate(path)
        _ = try await call(.delete, .delete(DeleteRequest(path: server(path), version: version)), path: path)
    }

    /// The node's Stat, or nil if it does not exist. A watcher is set either way.
    public func exists(_ path: String, watcher: Watcher? = nil) async throws -> Stat? {
        try validate(path)
        let watch = watcher.map { WatchRegistration(.exists, path: path, watcher: $0.id) }
        do {
            let reply = try await call(.exists, .exists(ExistsRequest(path: server(path), watch: watcher != nil)), path: path, watch: watch)
            guard case .exists(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
            return r.stat
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    /// The node's data (nil when it was set to null, as Java allows) and Stat.
    public func getData(_ path: String, watcher: Watcher? = nil) async throws -> (data: [UInt8]?, stat: Stat) {
        try validate(path)
        let watch = watcher.map { WatchRegistration(.data, path: path, watcher: $0.id) }
        let reply = try await call(.getData, .getData(GetDataRequest(path: server(path), watch: watcher != nil)), path: path, watch: watch)
        guard case .getData(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return (r.data.map { Array($0.readableBytesView) }, r.stat)
    }

    @discardableResult
    public func setData(_ path: String, data: [UInt8]?, version: Int32 = -1) async throws -> Stat {
        try validate(path)
        let reply = try await call(.setData, .setData(SetDataRequest(path: server(path), data: data.map { ByteBuffer(bytes: $0) }, version: version)), path: path)
        guard case .setData(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return r.stat
    }

    public func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat) {
        try validate(path)
        let reply = try await call(.getACL, .getACL(GetACLRequest(path: server(path))), path: path)
        guard case .getACL(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return (r.acl ?? [], r.stat)
    }

    @discardableResult
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws -> Stat {
        try validate(path)
        guard !acl.isEmpty else { throw ZooKeeperError(.invalidACL) }
        let reply = try await call(.setACL, .setACL(SetACLRequest(path: server(path), acl: acl, version: version)), path: path)
        guard case .setACL(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return r.stat
    }

    public func getChildren(_ path: String, watcher: Watcher? = nil) async throws -> [String] {
        try validate(path)
        let watch = watcher.map { WatchRegistration(.child, path: path, watcher: $0.id) }
        let reply = try await call(.getChildren, .getChildren(GetChildrenRequest(path: server(path), watch: watcher != nil)), path: path, watch: watch)
        guard case .getChildren(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return r.children ?? []
    }

    public func getChildrenWithStat(_ path: String, watcher: Watcher? = nil) async throws -> (children: [String], stat: Stat) {
        try validate(path)
        let watch = watcher.map { WatchRegistration(.child, path: path, watcher: $0.id) }
        let reply = try await call(.getChildren2, .getChildren2(GetChildren2Request(path: server(path), watch: watcher != nil)), path: path, watch: watch)
        guard case .getChildren2(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return (r.children ?? [], r.stat)
    }

    public func getAllChildrenNumber(_ path: String) async throws -> Int32 {
        try validate(path)
        let reply = try await call(.getAllChildrenNumber, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: server(path))), path: path)
        guard case .getAllChildrenNumber(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return r.totalNumber
    }

    /// This session's ephemeral nodes under `prefixPath` ("/" for all).
    public func getEphemerals(_ prefixPath: String = "/") async throws -> [String] {
        try validate(prefixPath)
        let reply = try await call(.getEphemerals, .getEphemerals(GetEphemeralsRequest(prefixPath: server(prefixPath))), path: prefixPath)
        guard case .getEphemerals(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: prefixPath) }
        return (r.ephemerals ?? []).map { client($0) }
    }

    /// Waits until the server this client talks to has caught up with the leader.
    @discardableResult
    public func sync(_ path: String) async throws -> String {
        try validate(path)
        let reply = try await call(.sync, .sync(SyncRequest(path: server(path))), path: path)
        guard case .sync(let r) = reply.body else { throw ZooKeeperError(.marshallingError, path: path) }
        return client(r.path ?? path)
    }

    /// Runs the ops atomically; throws the first failure, with every op's result.
    public func multi(_ ops: [Op]) async throws -> [OpResult] {
        for op in ops { try validate(op.path) }
        let request = MultiRequest(ops: ops.map { $0.wire(server) })
        let reply = try await call(.multi, .multi(request), path: nil)
        let results = self.results(reply)
        if let failure = results.first(where: { if case .error(let code) = $0, code != .ok { true } else { false } }),
            case .error(let code) = failure
        {
            throw ZooKeeperError(code, results: results)
        }
        return results
    }

    public func multi(@OpsBuilder _ ops: () -> [Op]) async throws -> [OpResult] { try await multi(ops()) }

    /// Reads (getData, getChildren) in one round trip; failures come back as `.error`.
    public func multiRead(_ ops: [Op]) async throws -> [OpResult] {
        for op in ops {
            try validate(op.path)
            guard op.isRead else { throw ZooKeeperArgumentError("multiRead takes getData and getChildren only") }
        }
        let reply = try await call(.multiRead, .multi(MultiRequest(ops: ops.map { $0.wire(server) })), path: nil)
        return results(reply)
    }

    public func multiRead(@OpsBuilder _ ops: () -> [Op]) async throws -> [OpResult] { try await multiRead(ops()) }

    /// A watch that stays set after it fires (PERSISTENT or PERSISTENT_RECURSIVE).
    public func addWatch(_ path: String, mode: AddWatchMode, watcher: Watcher) async throws {
        try validate(path)
        let target: WatchRegistration.Target = mode == .persistentRecursive ? .persistentRecursive : .persistent
        _ = try await call(
            .addWatch, .addWatch(AddWatchRequest(path: server(path), mode: mode.rawValue)), path: path,
            watch: WatchRegistration(target, path: path, watcher: watcher.id))
    }

    /// Removes every watch of `type` (children, data or any) on `path`
    /// (Java's removeAllWatches); the watchers hear DataWatchRemoved /
    /// ChildWatchRemoved / PersistentWatchRemoved. Throws NoWatcher when the
    /// client holds none. `local` removes them even if the server cannot be
    /// asked or refuses.
    public func removeAllWatches(_ path: String, type: WatcherType, local: Bool = false) async throws {
        try validate(path)
        _ = try await call(
            .removeWatches, .removeWatches(RemoveWatchesRequest(path: server(path), type: type.rawValue)), path: path,
            removal: .init(path: path, type: type, local: local))
    }

    /// Removes one watcher's watches of `type` on `path` (Java's
    /// removeWatches: checkWatches on the wire, since the server keeps one
    /// watch per connection and others may share it).
    public func removeWatches(_ path: String, watcher: Watcher, type: WatcherType, local: Bool = false) async throws {
        try validate(path)
        _ = try await call(
            .checkWatches, .checkWatches(CheckWatchesRequest(path: server(path), type: type.rawValue)), path: path,
            removal: .init(path: path, type: type, watcher: watcher.id, local: local))
    }

    /// Adds credentials to the session (and to every reconnect); throws
    /// AuthFailed if the server refuses them, which ends the session.
    public func addAuth(scheme: String, auth: [UInt8]) async throws {
        let reply = try await connection.addAuth(scheme: scheme, auth: ByteBuffer(bytes: auth))
        if reply.err != .ok { throw ZooKeeperError(reply.err) }
    }

    /// The identities the server has for this session.
    public func whoAmI() async throws -> [ClientInfo] {
        let reply = try await call(.whoAmI, .none, path: nil)
        guard case .whoAmI(let r) = reply.body else { throw ZooKeeperError(.marshallingError) }
        return r.clientInfo ?? []
    }

    /// Changes the ensemble (ZooKeeperAdmin.reconfigure): `joining` server
    /// lines to add and `leaving` ids to remove, or `members`, a whole new
    /// membership. `fromConfig` is the config version it must apply to (-1:
    /// any). Returns the committed config and the stat of /zookeeper/config.
    public func reconfig(
        joining: String?, leaving: String?, members: String?, fromConfig: Int64 = -1
    ) async throws -> (data: [UInt8], stat: Stat) {
        let request = ReconfigRequest(joiningServers: joining, leavingServers: leaving, newMembers: members, curConfigId: fromConfig)
        // Java's ZooKeeperAdmin reports a failed reconfig with the path "".
        let reply = try await call(.reconfig, .reconfig(request), path: "")
        guard case .getData(let r) = reply.body else { throw ZooKeeperError(.marshallingError) }
        return (r.data.bytes, r.stat)
    }

    // MARK: - Helpers

    private func call(
        _ op: OpCode, _ body: RequestBody, path: String?,
        watch: WatchRegistration? = nil, removal: ClientSessionMachine.WatchRemoval? = nil
    ) async throws -> ServerReply {
        let reply: ServerReply
        do {
            reply = try await connection.submit(op, body, watch: watch, removal: removal)
        } catch var error as ZooKeeperError {
            error.path = path
            throw error
        }
        guard reply.err == .ok else { throw ZooKeeperError(reply.err, path: path) }
        return reply
    }

    private func results(_ reply: ServerReply) -> [OpResult] {
        guard case .multi(let response) = reply.body else { return [] }
        return response.results.map { result in
            switch result.body {
            case .create(let r): return .create(path: client(r.path ?? ""), stat: nil)
            case .create2(let r): return .create(path: client(r.path ?? ""), stat: r.stat)
            case .setData(let r): return .setData(r.stat)
            case .getChildren(let r): return .getChildren(r.children ?? [])
            case .getData(let r): return .getData(r.data.bytes, r.stat)
            case .error(let r): return .error(ErrorCode(r.err))
            default:
                switch result.op {
                case .delete: return .delete
                case .check: return .check
                default: return .error(result.err)
                }
            }
        }
    }

    private func validate(_ path: String, sequential: Bool = false) throws {
        if let message = ZNodePath.message(path, sequential: sequential) {
            throw ZooKeeperArgumentError(message)
        }
    }

    private func server(_ path: String) -> String { connectString.serverPath(path) }
    private func client(_ path: String) -> String { connectString.clientPath(path) }
}
