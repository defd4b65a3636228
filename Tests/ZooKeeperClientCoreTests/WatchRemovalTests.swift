import NIOCore
import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol

func replies(_ actions: [ClientAction]) -> [RequestToken: ErrorCode] {
    var result: [RequestToken: ErrorCode] = [:]
    for case .reply(let token, let reply) in actions { result[token] = reply.err }
    return result
}

func events(_ actions: [ClientAction]) -> [(WatchedEvent, Set<WatcherID>)] {
    actions.compactMap { if case .event(let e, let w) = $0, e.type != .none { (e, w) } else { nil } }
}

/// removeWatches for one watcher (checkWatches on the wire) and for all
/// (removeWatches), decided when the reply comes as Java's
/// ZKWatchManager.removeWatcher decides.
@Suite struct WatchRemovalTests {
    static let w1 = WatcherID(1), w2 = WatcherID(2)

    /// Connected, with w1 and w2 both watching /p's data; the next xid is 3.
    static func watched() throws -> ClientSessionMachine {
        var m = try SessionMachineTests.connected()
        for (xid, watcher) in [(Int32(1), w1), (2, w2)] {
            _ = m.submit(.getData, .getData(GetDataRequest(path: "/p", watch: true)),
                         watch: WatchRegistration(.data, path: "/p", watcher: watcher), now: 1)
            _ = m.received(FakeServer.reply(xid: xid, body: .getData(GetDataResponse(data: nil, stat: Stat(czxid: 1, mzxid: 1, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 1)))), now: 1)
        }
        return m
    }

    static func check(_ m: inout ClientSessionMachine, watcher: WatcherID?, type: WatcherType = .data, local: Bool = false) -> (RequestToken, [ClientRequest]) {
        let body: RequestBody = watcher == nil
            ? .removeWatches(RemoveWatchesRequest(path: "/p", type: type.rawValue))
            : .checkWatches(CheckWatchesRequest(path: "/p", type: type.rawValue))
        let (token, actions) = m.submit(watcher == nil ? .removeWatches : .checkWatches, body,
                                        removal: .init(path: "/p", type: type, watcher: watcher, local: local), now: 2)
        return (token, sentRequests(actions))
    }

    @Test func oneWatcherGoesTheOtherStays() throws {
        var m = try Self.watched()
        let (token, sent) = Self.check(&m, watcher: Self.w1)
        #expect(sent.map(\.op) == [.checkWatches])
        #expect(sent.first?.body == .checkWatches(CheckWatchesRequest(path: "/p", type: 2)))
        let answer = m.received(FakeServer.reply(xid: 3), now: 3)
        #expect(replies(answer) == [token: .ok])
        let removed = events(answer)
        #expect(removed.count == 1)
        #expect(removed.first?.0 == WatchedEvent(type: .dataWatchRemoved, state: .syncConnected, path: "/p"))
        #expect(removed.first?.1 == [Self.w1])
        let fired = events(m.received(FakeServer.event(.nodeDataChanged, path: "/p"), now: 4))
        #expect(fired.first?.1 == [Self.w2])
    }

    /// Java asks the server first and finds out locally: the frame goes out,
    /// then NoWatcher.
    @Test func aWatcherWithoutWatchesGetsNoWatcherAfterTheRoundTrip() throws {
        var m = try Self.watched()
        let (token, sent) = Self.check(&m, watcher: WatcherID(9))
        #expect(sent.map(\.op) == [.checkWatches])
        let answer = m.received(FakeServer.reply(xid: 3), now: 3)
        #expect(replies(answer) == [token: .noWatcher])
        #expect(events(answer).isEmpty)
        // The children type does not cover a data watch.
        let (other, _) = Self.check(&m, watcher: Self.w1, type: .children)
        #expect(replies(m.received(FakeServer.reply(xid: 4), now: 4)) == [other: .noWatcher])
    }

    /// The server's error is the call's, and nothing is removed, unless local.
    @Test func aServerErrorKeepsTheWatchUnlessLocal() throws {
        var m = try Self.watched()
        let (token, _) = Self.check(&m, watcher: nil)
        let refused = m.received(FakeServer.reply(xid: 3, err: .noWatcher), now: 3)
        #expect(replies(refused) == [token: .noWatcher])
        #expect(events(refused).isEmpty)
        let (local, _) = Self.check(&m, watcher: nil, local: true)
        let removed = m.received(FakeServer.reply(xid: 4, err: .noWatcher), now: 4)
        #expect(replies(removed) == [local: .ok])
        #expect(events(removed).first?.1 == [Self.w1, Self.w2])
    }

    /// A local removal succeeds when the connection is lost; its watchers
    /// hear of it with state Disconnected (Java's queueEvent).
    @Test func localRemovalSurvivesConnectionLoss() throws {
        var m = try Self.watched()
        let (plain, _) = Self.check(&m, watcher: Self.w2)
        let (local, _) = Self.check(&m, watcher: Self.w1, local: true)
        let lost = m.connectionFailed(now: 3)
        #expect(failures(lost) == [plain: .connectionLoss])
        #expect(replies(lost) == [local: .ok])
        #expect(events(lost).map(\.0) == [WatchedEvent(type: .dataWatchRemoved, state: .disconnected, path: "/p")])
        #expect(events(lost).first?.1 == [Self.w1])
    }
}

/// At most `maxOutstandingRequests` requests wait for replies; the rest wait
/// in the client and go out in order as replies come.
@Suite struct BackPressureTests {
    static func machine(limit: Int) throws -> ClientSessionMachine {
        ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("h:1"), sessionTimeout: 30_000, randomSeed: 1, shuffleHosts: false,
            maxOutstandingRequests: limit))
    }

    static func sync(_ m: inout ClientSessionMachine, _ path: String) -> (RequestToken, [ClientRequest]) {
        let (token, actions) = m.submit(.sync, .sync(SyncRequest(path: path)), now: 1)
        return (token, sentRequests(actions))
    }

    @Test func requestsBeyondTheLimitWaitTheirTurn() throws {
        var m = try Self.machine(limit: 2)
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        _ = m.received(FakeServer.connectResponse(), now: 0)
        #expect(Self.sync(&m, "/a").1.map(\.xid) == [1])
        #expect(Self.sync(&m, "/b").1.map(\.xid) == [2])
        #expect(Self.sync(&m, "/c").1.isEmpty)
        #expect(Self.sync(&m, "/d").1.isEmpty)
        #expect(m.pendingCount == 2)
        #expect(m.queuedCount == 2)
        // Pings are not requests: they still go out.
        #expect(sentRequests(m.tick(now: 20_000)).map(\.op) == [.ping])
        _ = m.received(FakeServer.reply(xid: Xid.ping), now: 20_001)
        let next = sentRequests(m.received(FakeServer.reply(xid: 1, body: .sync(SyncResponse(path: "/a"))), now: 20_002))
        #expect(next.map(\.xid) == [3])
        #expect(next.first?.body == .sync(SyncRequest(path: "/c")))
        let last = sentRequests(m.received(FakeServer.reply(xid: 2, body: .sync(SyncResponse(path: "/b"))), now: 20_003))
        #expect(last.first?.body == .sync(SyncRequest(path: "/d")))
        #expect(m.queuedCount == 0)
    }

    /// After the handshake only the limit goes out; close sends the held
    /// requests ahead of closeSession, as they are ahead of it in line.
    @Test func heldRequestsGoBeforeCloseSession() throws {
        var m = try Self.machine(limit: 1)
        _ = m.start(now: 0)
        _ = Self.sync(&m, "/a")
        _ = Self.sync(&m, "/b")
        _ = m.connectionEstablished(now: 0)
        #expect(sentRequests(m.received(FakeServer.connectResponse(), now: 0)).map(\.xid) == [1])
        let closing = sentRequests(m.close(now: 1).actions)
        #expect(closing.map(\.op) == [.sync, .closeSession])
        #expect(closing.map(\.xid) == [2, 3])
    }
}
