import NIOCore
import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol

/// `renewExpiredSession`: after Expired the machine starts a new session
/// as a new client would, instead of ending.
@Suite struct SessionRenewalTests {
    static func renewing() throws -> ClientSessionMachine {
        var m = ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("127.0.0.1:2181"), sessionTimeout: 30_000, randomSeed: 7,
            shuffleHosts: false, renewExpiredSession: true))
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        _ = m.received(FakeServer.connectResponse(), now: 0)
        return m
    }

    static let emptyStat = Stat(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
                                ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 0)

    /// A connected renewing machine with auth, a data watch and zxid 77, whose
    /// connection dropped and whose next handshake answers "expired".
    static func expiring() throws -> (ClientSessionMachine, expiry: [ClientAction], queued: RequestToken) {
        var m = try renewing()
        _ = m.addAuth(scheme: "digest", auth: ByteBuffer(string: "a:a"), now: 1)
        _ = m.received(FakeServer.reply(xid: Xid.auth), now: 2)
        _ = m.submit(.getData, .getData(GetDataRequest(path: "/w", watch: true)),
                     watch: WatchRegistration(.data, path: "/w", watcher: WatcherID(1)), now: 3)
        _ = m.received(FakeServer.reply(xid: 1, zxid: 77, body: .getData(GetDataResponse(data: nil, stat: emptyStat))), now: 4)
        _ = m.connectionFailed(now: 5)
        let queued = m.submit(.sync, .sync(SyncRequest(path: "/")), now: 6)
        _ = m.tick(now: 5_000)
        _ = m.connectionEstablished(now: 5_000)
        let expiry = m.received(FakeServer.connectResponse(timeout: 0, session: 0), now: 5_001)
        return (m, expiry, queued.token)
    }

    @Test func expiryIsReportedThenANewSessionIsSought() throws {
        let (m, expiry, queued) = try Self.expiring()
        #expect(states(expiry) == [.expired])
        #expect(failures(expiry) == [queued: .sessionExpired])
        // The watcher of the dead watch hears Expired; then the old socket is
        // closed and the next attempt waits for its jitter.
        let watchers = expiry.compactMap { if case .event(let e, let ids) = $0, e.state == .expired { ids } else { nil } }
        #expect(watchers == [[WatcherID(1)]])
        #expect(expiry.contains { if case .closeConnection = $0 { true } else { false } })
        #expect(m.phase != .terminated)
        #expect(m.sessionId == 0)
        #expect(m.watches.paths(.data).isEmpty)
    }

    @Test func theNewHandshakeIsAFreshClientsAndAuthIsReplayed() throws {
        var (m, _, _) = try Self.expiring()
        let late = m.submit(.exists, .exists(ExistsRequest(path: "/x", watch: false)), now: 5_002)
        #expect(failures(late.actions).isEmpty)
        guard let until = m.nextDeadline() else { Issue.record("a reconnect is due"); return }
        #expect(connectTargets(m.tick(now: until)) == [ServerAddress(host: "127.0.0.1", port: 2181)])
        let connect = try #require(sentConnects(m.connectionEstablished(now: until)).first)
        #expect(connect.sessionId == 0)
        #expect(connect.lastZxidSeen == 0)
        #expect(connect.passwd == ByteBuffer(repeating: 0, count: 16))
        #expect(connect.timeOut == 30_000)
        let opened = m.received(FakeServer.connectResponse(session: 0x99), now: until + 1)
        #expect(states(opened) == [.syncConnected])
        #expect(m.sessionId == 0x99)
        // Auth first, no set-watches (the watches died), then the held call
        // with xid 1: the new session numbers from the start.
        let sent = sentRequests(opened)
        #expect(sent.map(\.op) == [.auth, .exists])
        #expect(sent.map(\.xid) == [Xid.auth, 1])
    }

    @Test func withoutRenewalExpiryStillEnds() throws {
        var m = try SessionMachineTests.connected()
        _ = m.connectionFailed(now: 1)
        _ = m.tick(now: 5_000)
        _ = m.connectionEstablished(now: 5_000)
        let actions = m.received(FakeServer.connectResponse(timeout: 0, session: 0), now: 5_001)
        #expect(states(actions) == [.expired])
        #expect(connectTargets(actions).isEmpty)
        #expect(m.phase == .terminated)
        #expect(m.nextDeadline() == nil)
    }

    /// A second expiry of the renewed session renews again.
    @Test func aRenewedSessionCanExpireAndRenewAgain() throws {
        var (m, _, _) = try Self.expiring()
        for session: Int64 in [0x99, 0x9A] {
            let until = try #require(m.nextDeadline())
            _ = m.tick(now: until)
            _ = m.connectionEstablished(now: until)
            _ = m.received(FakeServer.connectResponse(session: session), now: until + 1)
            #expect(m.sessionId == session)
            _ = m.connectionFailed(now: until + 2)
            let next = try #require(m.nextDeadline())
            _ = m.tick(now: next)
            let connect = try #require(sentConnects(m.connectionEstablished(now: next)).first)
            #expect(connect.sessionId == session)
            let again = m.received(FakeServer.connectResponse(timeout: 0, session: 0), now: next + 1)
            #expect(states(again) == [.expired])
            #expect(m.phase != .terminated)
        }
    }
}
