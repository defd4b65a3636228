import NIOCore
import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol

/// A scripted server for the machine: builds the frames a server would send.
struct FakeServer {
    static func connectResponse(timeout: Int32 = 30_000, session: Int64 = 0x42, readOnly: Bool = false) -> ByteBuffer {
        var bytes = ByteBuffer()
        ServerMessage.connect(ConnectResponseFrame(response: ConnectResponse(
            protocolVersion: 0, timeOut: timeout, sessionId: session,
            passwd: ByteBuffer(repeating: 7, count: 16), readOnly: readOnly))).write(to: &bytes)
        return bytes
    }

    static func reply(xid: Int32, zxid: Int64 = 10, err: ErrorCode = .ok, body: ResponseBody = .none) -> ByteBuffer {
        var bytes = ByteBuffer()
        ServerMessage.reply(ServerReply(header: ReplyHeader(xid: xid, zxid: zxid, err: err.rawValue), op: nil, body: body)).write(to: &bytes)
        return bytes
    }

    static func event(_ type: EventType, path: String) -> ByteBuffer {
        var bytes = ByteBuffer()
        ServerMessage.event(ReplyHeader(xid: Xid.notification, zxid: -1, err: 0),
                            WatcherEvent(type: type.rawValue, state: KeeperState.syncConnected.rawValue, path: path)).write(to: &bytes)
        return bytes
    }
}

/// Frames in the `.send` actions, decoded.
func sentRequests(_ actions: [ClientAction]) -> [ClientRequest] {
    var requests: [ClientRequest] = []
    for case .send(var bytes) in actions {
        while let frame = try? Frame.read(from: &bytes) {
            if let request = try? ClientRequest(frameBody: frame) { requests.append(request) }
        }
    }
    return requests
}

func sentConnects(_ actions: [ClientAction]) -> [ConnectRequest] {
    actions.compactMap {
        guard case .send(var bytes) = $0, let frame = try? Frame.read(from: &bytes) else { return nil }
        return try? ConnectRequestFrame(frameBody: frame).request
    }
}

func failures(_ actions: [ClientAction]) -> [RequestToken: ErrorCode] {
    var result: [RequestToken: ErrorCode] = [:]
    for case .fail(let token, let code) in actions { result[token] = code }
    return result
}

func states(_ actions: [ClientAction]) -> [KeeperState] {
    actions.compactMap { if case .event(let e, _) = $0, e.type == .none { e.state } else { nil } }
}

func connectTargets(_ actions: [ClientAction]) -> [ServerAddress] {
    actions.compactMap { if case .connect(let s) = $0 { s } else { nil } }
}

@Suite struct SessionMachineTests {
    static func machine(_ connect: String = "127.0.0.1:2181", timeout: Int32 = 30_000, shuffle: Bool = false) throws -> ClientSessionMachine {
        ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString(connect), sessionTimeout: timeout, randomSeed: 7, shuffleHosts: shuffle))
    }

    /// A machine connected at time 0 with a 30 s negotiated timeout.
    static func connected(_ connect: String = "127.0.0.1:2181") throws -> ClientSessionMachine {
        var m = try Self.machine(connect)
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        _ = m.received(FakeServer.connectResponse(), now: 0)
        return m
    }

    @Test func handshakeSendsJavasConnectRequest() throws {
        var m = try Self.machine()
        #expect(connectTargets(m.start(now: 0)) == [ServerAddress(host: "127.0.0.1", port: 2181)])
        let connect = try #require(sentConnects(m.connectionEstablished(now: 0)).first)
        #expect(connect.protocolVersion == 0)
        #expect(connect.lastZxidSeen == 0)
        #expect(connect.timeOut == 30_000)
        #expect(connect.sessionId == 0)
        #expect(connect.passwd == ByteBuffer(repeating: 0, count: 16))
        #expect(connect.readOnly == false)
        let actions = m.received(FakeServer.connectResponse(timeout: 12_000), now: 5)
        #expect(states(actions) == [.syncConnected])
        #expect(m.negotiatedTimeout == 12_000)
        #expect(m.sessionId == 0x42)
    }

    @Test func pingsAtAThirdAndDisconnectsAtTwoThirds() throws {
        var m = try Self.machine(timeout: 30_000)
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        _ = m.received(FakeServer.connectResponse(timeout: 30_000), now: 0)
        // readTimeout 20 s: a ping is due when idle for 10 s less the 1 s margin.
        #expect(sentRequests(m.tick(now: 8_999)).isEmpty)
        let ping = sentRequests(m.tick(now: 9_001))
        #expect(ping.map(\.xid) == [Xid.ping])
        #expect(ping.first?.op == .ping)
        _ = m.received(FakeServer.reply(xid: Xid.ping), now: 9_500)
        // Nothing heard for more than 20 s: the connection is dropped, the session kept.
        var actions = m.tick(now: 29_500)
        #expect(states(actions).isEmpty)
        actions = m.tick(now: 29_501)
        #expect(states(actions) == [.disconnected])
        #expect(actions.contains { if case .closeConnection = $0 { true } else { false } })
        // Reconnect: same session id and password, after the spin delay plus jitter.
        #expect(connectTargets(m.tick(now: 29_502)).isEmpty)
        let target = connectTargets(m.tick(now: 29_501 + 2_000))
        #expect(target.count == 1)
        let connect = try #require(sentConnects(m.connectionEstablished(now: 31_600)).first)
        #expect(connect.sessionId == 0x42)
        #expect(connect.passwd == ByteBuffer(repeating: 7, count: 16))
    }

    @Test func pendingCallsFailWithConnectionLossOnDisconnect() throws {
        var m = try Self.connected()
        let a = m.submit(.exists, .exists(ExistsRequest(path: "/a", watch: false)), now: 1)
        let b = m.submit(.exists, .exists(ExistsRequest(path: "/b", watch: false)), now: 1)
        #expect(sentRequests(a.actions + b.actions).map(\.xid) == [1, 2])
        let actions = m.connectionFailed(now: 2)
        #expect(failures(actions) == [a.token: .connectionLoss, b.token: .connectionLoss])
        #expect(states(actions) == [.disconnected])
        // Calls made while disconnected wait for the next connection.
        let c = m.submit(.exists, .exists(ExistsRequest(path: "/c", watch: false)), now: 3)
        #expect(c.actions.isEmpty)
        _ = m.tick(now: 5_000)
        _ = m.connectionEstablished(now: 5_000)
        let sent = sentRequests(m.received(FakeServer.connectResponse(), now: 5_001))
        #expect(sent.map(\.xid) == [3])
        let done = m.received(FakeServer.reply(xid: 3), now: 5_002)
        #expect(done.contains { if case .reply(let token, _) = $0 { token == c.token } else { false } })
    }

    @Test func replyForAnotherXidIsAProtocolError() throws {
        var m = try Self.connected()
        let a = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 1)
        let b = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 1)
        let actions = m.received(FakeServer.reply(xid: 2), now: 2)
        #expect(failures(actions) == [a.token: .connectionLoss, b.token: .connectionLoss])
        let reason = actions.compactMap { if case .closeConnection(let r) = $0 { r } else { nil } }.first ?? nil
        #expect(reason?.hasPrefix("Xid out of order. Got Xid 2") == true)
        #expect(m.state == .disconnected)
    }

    @Test func frameOverMaxBufferDropsTheConnection() throws {
        var m = try Self.connected()
        let a = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 1)
        var huge = ByteBuffer()
        huge.writeInteger(Int32(Frame.defaultMaxLength + 1))
        let actions = m.received(huge, now: 2)
        #expect(failures(actions) == [a.token: .connectionLoss])
        #expect(states(actions) == [.disconnected])
    }

    @Test func truncatedConnectResponseDropsTheConnection() throws {
        var m = try Self.machine()
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        var short = ByteBuffer()
        short.writeInteger(Int32(6))
        short.writeBytes([0, 0, 0, 0, 0, 1])
        #expect(states(m.received(short, now: 1)) == [.disconnected])
    }

    @Test func expiredSessionFailsEverythingAndIsTerminal() throws {
        var m = try Self.connected()
        _ = m.connectionFailed(now: 1)
        let queued = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 2)
        _ = m.tick(now: 5_000)
        _ = m.connectionEstablished(now: 5_000)
        let actions = m.received(FakeServer.connectResponse(timeout: 0, session: 0), now: 5_001)
        #expect(states(actions) == [.expired])
        #expect(failures(actions) == [queued.token: .sessionExpired])
        #expect(m.phase == .terminated)
        let late = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 5_002)
        #expect(failures(late.actions) == [late.token: .sessionExpired])
    }

    /// primeConnection: ConnectRequest, then auth packets (last added first),
    /// then set-watches, then what was queued, all after the ConnectResponse.
    @Test func reconnectReplaysAuthThenSetWatchesInJavasOrder() throws {
        var m = try Self.connected()
        _ = m.addAuth(scheme: "digest", auth: ByteBuffer(string: "a:a"), now: 1)
        _ = m.addAuth(scheme: "digest", auth: ByteBuffer(string: "b:b"), now: 1)
        _ = m.received(FakeServer.reply(xid: Xid.auth), now: 2)
        _ = m.received(FakeServer.reply(xid: Xid.auth), now: 2)
        _ = m.submit(.getData, .getData(GetDataRequest(path: "/w", watch: true)),
                     watch: WatchRegistration(.data, path: "/w", watcher: WatcherID(1)), now: 3)
        _ = m.received(FakeServer.reply(xid: 1, zxid: 77, body: .getData(GetDataResponse(data: nil, stat: .init(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 0)))), now: 4)
        _ = m.connectionFailed(now: 5)
        let queued = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 6)
        _ = m.tick(now: 5_000)
        let connect = try #require(sentConnects(m.connectionEstablished(now: 5_000)).first)
        #expect(connect.lastZxidSeen == 77)
        let sent = sentRequests(m.received(FakeServer.connectResponse(), now: 5_001))
        // Set-watches take the next ordinary xid when sent, then the queued call.
        #expect(sent.map(\.xid) == [Xid.auth, Xid.auth, 2, 3])
        #expect(sent.map(\.op) == [.auth, .auth, .setWatches, .sync])
        guard case .auth(let first) = sent[0].body, case .auth(let second) = sent[1].body else {
            Issue.record("auth packets expected"); return
        }
        #expect(first.auth == ByteBuffer(string: "b:b"))
        #expect(second.auth == ByteBuffer(string: "a:a"))
        guard case .setWatches(let set) = sent[2].body else { Issue.record("setWatches expected"); return }
        #expect(set.relativeZxid == 77)
        #expect(set.dataWatches == ["/w"])
        // The set-watches reply is the oldest outstanding; then the sync's.
        _ = m.received(FakeServer.reply(xid: 2, zxid: 78), now: 5_002)
        let done = m.received(FakeServer.reply(xid: 3, zxid: 78), now: 5_003)
        #expect(done.contains { if case .reply(let token, _) = $0 { token == queued.token } else { false } })
    }

    @Test func authFailedIsTerminal() throws {
        var m = try Self.connected()
        let auth = m.addAuth(scheme: "digest", auth: ByteBuffer(string: "x"), now: 1)
        let pending = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 1)
        let actions = m.received(FakeServer.reply(xid: Xid.auth, err: .authFailed), now: 2)
        #expect(actions.contains { if case .reply(let token, let r) = $0 { token == auth.token && r.err == .authFailed } else { false } })
        #expect(failures(actions) == [pending.token: .authFailed])
        #expect(states(actions) == [.authFailed])
        #expect(m.phase == .terminated)
    }

    @Test func chrootIsAddedToSetWatchesAndStrippedFromEvents() throws {
        var m = try Self.connected("127.0.0.1:2181/app")
        _ = m.submit(.exists, .exists(ExistsRequest(path: "/app/x", watch: true)),
                     watch: WatchRegistration(.exists, path: "/x", watcher: WatcherID(9)), now: 1)
        _ = m.received(FakeServer.reply(xid: 1, err: .noNode), now: 2)
        let actions = m.received(FakeServer.event(.nodeCreated, path: "/app/x"), now: 3)
        guard case .event(let event, let watchers) = actions.first else { Issue.record("event expected"); return }
        #expect(event.path == "/x")
        #expect(event.type == .nodeCreated)
        #expect(watchers == [WatcherID(9)])
        // One-shot: a second event reaches nobody.
        guard case .event(_, let none) = m.received(FakeServer.event(.nodeDataChanged, path: "/app/x"), now: 4).first else {
            Issue.record("event expected"); return
        }
        #expect(none.isEmpty)
    }

    @Test func hostsAreTriedInTurnWithASpinDelayAfterARound() throws {
        var m = try Self.machine("h1:1,h2:2,h3:3")
        #expect(connectTargets(m.start(now: 0)).map(\.host) == ["h1"])
        // Never connected: the first round tries each host without jitter.
        #expect(connectTargets(m.connectionFailed(now: 10)).map(\.host) == ["h2"])
        #expect(connectTargets(m.connectionFailed(now: 20)).map(\.host) == ["h3"])
        // Back at the first host: a one-second pause.
        #expect(connectTargets(m.connectionFailed(now: 30)).isEmpty)
        #expect(connectTargets(m.tick(now: 1_029)).isEmpty)
        #expect(connectTargets(m.tick(now: 1_030)).map(\.host) == ["h1"])
        // Connect timeout is the session timeout shared among the hosts.
        #expect(states(m.tick(now: 1_030 + 10_001)) == [.disconnected])
    }

    @Test func shuffleIsAPermutationAndDeterministicForASeed() throws {
        let a = try Self.machine("a:1,b:2,c:3,d:4,e:5,f:6", shuffle: true).servers
        let b = try Self.machine("a:1,b:2,c:3,d:4,e:5,f:6", shuffle: true).servers
        #expect(a == b)
        #expect(Set(a.map(\.host)) == ["a", "b", "c", "d", "e", "f"])
    }

    @Test func closeSendsCloseSessionAndEndsOnItsReply() throws {
        var m = try Self.connected()
        let (_, actions) = m.close(now: 1)
        let close = try #require(sentRequests(actions).first)
        #expect(close.op == .closeSession)
        let done = m.received(FakeServer.reply(xid: close.xid), now: 2)
        #expect(states(done) == [.closed])
        #expect(m.phase == .terminated)
        let late = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 3)
        #expect(failures(late.actions) == [late.token: .sessionExpired])
    }

    @Test func removeWatchesDropsLocalWatchesAndTellsTheirWatchers() throws {
        var m = try Self.connected()
        _ = m.submit(.getChildren, .getChildren(GetChildrenRequest(path: "/p", watch: true)),
                     watch: WatchRegistration(.child, path: "/p", watcher: WatcherID(3)), now: 1)
        _ = m.received(FakeServer.reply(xid: 1, body: .getChildren(GetChildrenResponse(children: []))), now: 2)
        _ = m.submit(.removeWatches, .removeWatches(RemoveWatchesRequest(path: "/p", type: WatcherType.children.rawValue)),
                     removal: .init(path: "/p", type: .children), now: 3)
        let actions = m.received(FakeServer.reply(xid: 2), now: 4)
        guard case .event(let event, let watchers) = actions.first else { Issue.record("event expected"); return }
        #expect(event.type == .childWatchRemoved)
        #expect(watchers == [WatcherID(3)])
        // Gone: the child event that would have fired reaches nobody.
        guard case .event(_, let none) = m.received(FakeServer.event(.nodeChildrenChanged, path: "/p"), now: 5).first else {
            Issue.record("event expected"); return
        }
        #expect(none.isEmpty)
    }
}

@Suite struct ReadOnlySessionTests {
    /// A read-only server's session is not resumed elsewhere: Java sends
    /// session id 0 until it has seen a read-write server.
    @Test func readOnlyConnectionDoesNotCountAsSeenReadWrite() throws {
        var m = ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("a:1,b:2"), sessionTimeout: 30_000, canBeReadOnly: true, randomSeed: 1, shuffleHosts: false))
        _ = m.start(now: 0)
        #expect(sentConnects(m.connectionEstablished(now: 0)).first?.readOnly == true)
        #expect(states(m.received(FakeServer.connectResponse(session: 0x99, readOnly: true), now: 1)) == [.connectedReadOnly])
        _ = m.connectionFailed(now: 2)
        _ = m.tick(now: 3_000)
        #expect(sentConnects(m.connectionEstablished(now: 3_000)).first?.sessionId == 0)
        #expect(states(m.received(FakeServer.connectResponse(session: 0x99, readOnly: false), now: 3_001)) == [.syncConnected])
        _ = m.connectionFailed(now: 3_002)
        _ = m.tick(now: 6_000)
        #expect(sentConnects(m.connectionEstablished(now: 6_000)).first?.sessionId == 0x99)
    }
}

@Suite struct DeadlineTests {
    /// Ticking at `nextDeadline` is enough: the ping goes out exactly then.
    @Test(arguments: [Int32(1_000), 3_000, 4_000, 30_000, 60_000])
    func pingIsDueAtTheDeadline(timeout: Int32) throws {
        var m = ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("h:1"), sessionTimeout: timeout, randomSeed: 1, shuffleHosts: false))
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        _ = m.received(FakeServer.connectResponse(timeout: timeout), now: 0)
        let deadline = try #require(m.nextDeadline())
        #expect(sentRequests(m.tick(now: deadline - 1)).isEmpty)
        #expect(sentRequests(m.tick(now: deadline)).map(\.op) == [.ping])
        // The next deadline is later than this one.
        #expect(try #require(m.nextDeadline()) > deadline)
    }
}
