import NIOCore
import Testing
import ZooKeeperClientCore
import ZooKeeperProtocol

func probes(_ actions: [ClientAction]) -> [ServerAddress] {
    actions.compactMap { if case .probeReadWrite(let s) = $0 { s } else { nil } }
}

/// A session on a read-only server seeks a read-write one, as Java's
/// ClientCnxn.pingRwServer does.
@Suite struct ReadWriteSeekTests {
    static let a = ServerAddress(host: "a", port: 1)
    static let b = ServerAddress(host: "b", port: 2)
    static let c = ServerAddress(host: "c", port: 3)

    /// Started at 0 on "a:1,b:2,c:3" in that order, connected read-only to a at 10.
    static func readOnly() throws -> ClientSessionMachine {
        var m = ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("a:1,b:2,c:3"), sessionTimeout: 30_000, canBeReadOnly: true,
            randomSeed: 3, shuffleHosts: false))
        #expect(connectTargets(m.start(now: 0)) == [a])
        _ = m.connectionEstablished(now: 5)
        #expect(states(m.received(FakeServer.connectResponse(session: 0x51, readOnly: true), now: 10)) == [.connectedReadOnly])
        return m
    }

    /// The next host in the list is asked each time; the wait doubles from
    /// 100 ms (counted from the client's start) up to a minute.
    @Test func probesTheNextHostWithDoublingIntervals() throws {
        var m = try Self.readOnly()
        #expect(m.nextDeadline() == 100)
        #expect(probes(m.tick(now: 99)).isEmpty)
        var asked: [ServerAddress] = []
        var times: [Int64] = []
        var now: Int64 = 99
        while times.count < 12 {
            let deadline = try #require(m.nextDeadline())
            now = deadline
            let actions = m.tick(now: now)
            // Pings come and go; answer them so the session stays up.
            for ping in sentRequests(actions) where ping.op == .ping {
                _ = m.received(FakeServer.reply(xid: ping.xid), now: now)
            }
            for server in probes(actions) {
                asked.append(server)
                times.append(now)
                #expect(m.probeFinished(server, readWrite: false, now: now).isEmpty)
            }
        }
        #expect(asked == [Self.b, Self.c, Self.a, Self.b, Self.c, Self.a, Self.b, Self.c, Self.a, Self.b, Self.c, Self.a])
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(times.first == 100)
        #expect(gaps == [200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000])
    }

    /// "rw" ends the read-only connection, fails what waits, and the found
    /// server is connected to next, with session id 0: the read-only session
    /// is not carried over, as in Java.
    @Test func aReadWriteAnswerMovesTheSession() throws {
        var m = try Self.readOnly()
        let waiting = m.submit(.getData, .getData(GetDataRequest(path: "/x", watch: false)), now: 50)
        #expect(probes(m.tick(now: 100)) == [Self.b])
        let found = m.probeFinished(Self.b, readWrite: true, now: 120)
        guard case .closeConnection(let reason) = found.first else { Issue.record("close expected"); return }
        #expect(reason == "Majority server found at b:2")
        #expect(failures(found) == [waiting.token: .connectionLoss])
        #expect(states(found) == [.disconnected])
        // The reconnect waits only Java's jitter (below a second), no spin delay.
        let deadline = try #require(m.nextDeadline())
        #expect(deadline < 120 + 1_000)
        #expect(connectTargets(m.tick(now: deadline)) == [Self.b])
        let connect = try #require(sentConnects(m.connectionEstablished(now: deadline)).first)
        #expect(connect.sessionId == 0)
        #expect(connect.readOnly == true)
        #expect(states(m.received(FakeServer.connectResponse(session: 0x77), now: deadline + 1)) == [.syncConnected])
        #expect(m.sessionId == 0x77)
        // Connected read-write: no more probes, however long it runs.
        var now = deadline + 1
        for _ in 0..<50 {
            now = try #require(m.nextDeadline())
            let actions = m.tick(now: now)
            #expect(probes(actions).isEmpty)
            for ping in sentRequests(actions) where ping.op == .ping { _ = m.received(FakeServer.reply(xid: ping.xid), now: now) }
        }
    }

    /// One probe at a time; an answer that comes after the read-only
    /// connection is gone changes nothing.
    @Test func lateAnswersAreIgnored() throws {
        var m = try Self.readOnly()
        #expect(probes(m.tick(now: 100)) == [Self.b])
        #expect(probes(m.tick(now: 10_000)).isEmpty)
        _ = m.connectionFailed(now: 10_001)
        #expect(m.probeFinished(Self.b, readWrite: true, now: 10_002).isEmpty)
        #expect(m.state == .disconnected)
        #expect(m.probeFinished(Self.c, readWrite: true, now: 10_003).isEmpty)
    }

    /// A read-write connection never probes.
    @Test func readWriteSessionsDoNotProbe() throws {
        var m = try SessionMachineTests.connected("a:1,b:2")
        var now: Int64 = 0
        for _ in 0..<20 {
            now = try #require(m.nextDeadline())
            let actions = m.tick(now: now)
            #expect(probes(actions).isEmpty)
            for ping in sentRequests(actions) where ping.op == .ping { _ = m.received(FakeServer.reply(xid: ping.xid), now: now) }
        }
    }
}
