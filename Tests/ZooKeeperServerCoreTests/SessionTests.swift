import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

@Suite struct SessionTests {
    func connect(_ h: StateHarness, session: Int64, password: [UInt8], lastZxid: Int64 = 0, connection: ConnectionID) -> ConnectOutcome {
        h.state.connect(
            ConnectRequestFrame(request: ConnectRequest(protocolVersion: 0, lastZxidSeen: lastZxid, timeOut: 10_000, sessionId: session, passwd: ByteBuffer(bytes: password), readOnly: false)),
            connection: connection, now: h.now
        )
    }

    @Test func newSessionsCarryTheServerIDAndAClampedTimeout() {
        let h = StateHarness { $0.tickTime = 2000 }
        let outcome = connect(h, session: 0, password: [], connection: 1)
        #expect(outcome.sessionID >> 56 == 1)
        #expect(outcome.response?.response.timeOut == 10_000)
        let long = h.state.connect(
            ConnectRequestFrame(request: ConnectRequest(protocolVersion: 0, lastZxidSeen: 0, timeOut: 900_000, sessionId: 0, passwd: nil, readOnly: true), hasReadOnlyByte: false),
            connection: 2, now: h.now
        )
        #expect(long.response?.response.timeOut == 40_000)
        #expect(long.response?.response.readOnly == false)
        #expect(long.response?.hasReadOnlyByte == false)
    }

    @Test func resumeNeedsThePasswordAndClosesThePreviousConnection() {
        let h = StateHarness()
        let first = connect(h, session: 0, password: [], connection: 1)
        let password = Array(first.response!.response.passwd!.readableBytesView)
        let wrong = connect(h, session: first.sessionID, password: [UInt8](repeating: 7, count: 16), connection: 2)
        #expect(wrong.closeConnections == [1])
        #expect(wrong.close && wrong.response?.response.timeOut == 0 && wrong.response?.response.sessionId == 0)
        #expect(wrong.response?.response.passwd == ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)))
        let right = connect(h, session: first.sessionID, password: password, connection: 3)
        #expect(!right.close && right.sessionID == first.sessionID)
    }

    @Test func aClientAheadOfTheServerGetsNoAnswer() {
        let h = StateHarness()
        let outcome = connect(h, session: 0, password: [], lastZxid: 99, connection: 1)
        #expect(outcome.response == nil)
    }

    @Test func expiryDeletesEphemeralsAndClosesTheConnection() {
        let h = StateHarness { $0.tickTime = 2000 }
        let c = h.connect(timeout: 4000)
        let watcher = h.connect()
        h.create(c, "/e", mode: .ephemeral)
        _ = h.getData(watcher, "/e", watch: true)
        h.advance(3000)
        #expect(h.state.tick(now: h.now).closeConnections.isEmpty)
        // Keep the watcher's session alive; let c's lapse.
        _ = h.send(watcher, .ping, .none)
        h.advance(3500)
        let expired = h.state.tick(now: h.now)
        #expect(expired.closeConnections == [c.id])
        #expect(expired.events.map { "\($0.1)" } == ["NodeDeleted"])
        #expect(h.state.tree.node("/e") == nil)
        #expect(h.send(c, .getData, .getData(GetDataRequest(path: "/", watch: false))).err == .sessionExpired)
    }

    @Test func closeSessionRepliesThenClosesAndDropsEphemerals() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/e1", mode: .ephemeral)
        h.create(c, "/e2", mode: .ephemeralSequential)
        let outcome = h.send(c, .closeSession, .none)
        #expect(outcome.err == .ok && outcome.close)
        #expect(h.state.tree.ephemerals(of: c.sessionID).isEmpty)
        #expect(h.state.tree.node("/e1") == nil)
        guard case .closeSession(let txn) = outcome.txns.first?.body else { Issue.record("no txn"); return }
        #expect(Set(txn.paths2Delete ?? []) == ["/e1", "/e20000000001"])
    }

    @Test func pingAlwaysAnswersWithXidMinusTwo() {
        let h = StateHarness()
        let c = h.connect()
        let outcome = h.send(c, .ping, .none, xid: 77)
        #expect(outcome.reply?.xid == -2)
        #expect(outcome.reply?.zxid == 1)
    }
}
