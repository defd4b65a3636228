import NIOCore
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

/// Drives a ZooKeeperState by calling it, with a hand-moved clock.
final class StateHarness {
    let state: ZooKeeperState
    var now = Instant(monotonic: 1_000_000, wall: 1_700_000_000_000)
    private var nextConnection: ConnectionID = 1
    private var xids: [ConnectionID: Int32] = [:]
    /// Every txn the state produced through this harness, in order.
    private(set) var log: [TxnEntry] = []

    init(_ configure: (inout ServerSettings) -> Void = { _ in }) {
        var settings = ServerSettings()
        settings.serverID = 1
        configure(&settings)
        state = ZooKeeperState(settings: settings, now: now)
    }

    func advance(_ milliseconds: Int64) {
        now.monotonic += milliseconds
        now.wall += milliseconds
    }

    /// Opens a connection with a new session.
    func connect(timeout: Int32 = 10_000) -> ConnectionContext {
        let id = nextConnection
        nextConnection += 1
        let outcome = state.connect(
            ConnectRequestFrame(request: ConnectRequest(protocolVersion: 0, lastZxidSeen: 0, timeOut: timeout, sessionId: 0, passwd: ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)), readOnly: false)),
            connection: id, now: now
        )
        log += outcome.txns
        return ConnectionContext(
            id: id, sessionID: outcome.sessionID,
            identities: ConnectionIdentities([AuthIdentity(scheme: "ip", id: "127.0.0.1")])
        )
    }

    func newConnectionID() -> ConnectionID {
        defer { nextConnection += 1 }
        return nextConnection
    }

    @discardableResult
    func send(_ connection: ConnectionContext, _ op: OpCode, _ body: RequestBody, xid: Int32? = nil) -> RequestOutcome {
        let next = xid ?? {
            let value = (xids[connection.id] ?? 0) + 1
            xids[connection.id] = value
            return value
        }()
        let outcome = state.process(ClientRequest(xid: next, op: op, body: body), from: connection, now: now)
        log += outcome.txns
        return outcome
    }

    static let open = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))]

    @discardableResult
    func create(_ c: ConnectionContext, _ path: String, _ data: String = "", mode: CreateMode = .persistent, op: OpCode = .create) -> RequestOutcome {
        send(c, op, .create(CreateRequest(path: path, data: ByteBuffer(string: data), acl: Self.open, flags: mode.rawValue)))
    }

    func getData(_ c: ConnectionContext, _ path: String, watch: Bool = false) -> RequestOutcome {
        send(c, .getData, .getData(GetDataRequest(path: path, watch: watch)))
    }

    @discardableResult
    func setData(_ c: ConnectionContext, _ path: String, _ data: String, version: Int32 = -1) -> RequestOutcome {
        send(c, .setData, .setData(SetDataRequest(path: path, data: ByteBuffer(string: data), version: version)))
    }

    @discardableResult
    func delete(_ c: ConnectionContext, _ path: String, version: Int32 = -1) -> RequestOutcome {
        send(c, .delete, .delete(DeleteRequest(path: path, version: version)))
    }

    func children(_ c: ConnectionContext, _ path: String, watch: Bool = false) -> [String] {
        guard case .getChildren(let r)? = send(c, .getChildren, .getChildren(GetChildrenRequest(path: path, watch: watch))).reply?.body else { return [] }
        return r.children ?? []
    }
}

extension RequestOutcome {
    var err: ErrorCode? { reply?.err }
    var events: [(ConnectionID, EventType, String)] {
        deliveries.map { ($0.connection, EventType(rawValue: $0.event.type), $0.event.path ?? "") }
    }
}
