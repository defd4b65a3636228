import NIOCore
import Testing
@testable import ZooKeeperClientCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTestSupport

/// DIGEST-MD5 against captures/sasl/sasl_digest.pcap (jaasuser's login to Java
/// 3.8.0), and the session machine's SASL step with a scripted server.
@Suite struct SASLClientTests {
    static let jaasuser = SASLCredentials(username: "jaasuser", password: "jaas_password")

    /// The successful login's tokens: challenge, client response, rspauth.
    static func capturedLogin() throws -> (challenge: [UInt8], response: [UInt8], rspauth: [UInt8]) {
        var requests: [ConnectionID: [[UInt8]]] = [:]
        var replies: [ConnectionID: [(ErrorCode, [UInt8])]] = [:]
        for message in try Captures.decode("sasl/sasl_digest").messages {
            switch message.content {
            case .client(.request(let request)):
                if case .sasl(let sasl) = request.body { requests[message.stream.connection, default: []].append(sasl.token?.bytes ?? []) }
            case .server(.reply(let reply)) where reply.op == .sasl:
                if case .sasl(let response) = reply.body {
                    replies[message.stream.connection, default: []].append((reply.err, response.token?.bytes ?? []))
                }
            default: continue
            }
        }
        let login = try #require(replies.first { $0.value.count == 2 && $0.value.allSatisfy { $0.0 == .ok } })
        let sent = try #require(requests[login.key])
        return (login.value[0].1, sent[1], login.value[1].1)
    }

    static func directive(_ name: String, in token: [UInt8]) throws -> String {
        try #require(try DigestDirectives.parse(token)[name])
    }

    @Test func responseAndRspauthMatchTheCapture() throws {
        let login = try Self.capturedLogin()
        var client = DigestMD5Client(credentials: Self.jaasuser, cnonce: try Self.directive("cnonce", in: login.response))
        let response = try #require(try client.evaluate(login.challenge))
        #expect(try Self.directive("response", in: response) == Self.directive("response", in: login.response))
        #expect(try Self.directive("digest-uri", in: response) == "zookeeper/zk-sasl-md5")
        #expect(try Self.directive("nonce", in: response) == Self.directive("nonce", in: login.challenge))
        #expect(try client.evaluate(login.rspauth) == nil)
        #expect(client.isComplete)
    }

    @Test func wrongPasswordOrForgedRspauthFail() throws {
        let login = try Self.capturedLogin()
        let cnonce = try Self.directive("cnonce", in: login.response)
        var wrong = DigestMD5Client(credentials: SASLCredentials(username: "jaasuser", password: "nope"), cnonce: cnonce)
        let response = try #require(try wrong.evaluate(login.challenge))
        #expect(try Self.directive("response", in: response) != Self.directive("response", in: login.response))
        // The server's rspauth was computed with the real password: it must not verify.
        #expect(throws: DigestMD5Error.self) { try wrong.evaluate(login.rspauth) }
        #expect(wrong.step == .failed)
        var noNonce = DigestMD5Client(credentials: Self.jaasuser, cnonce: cnonce)
        #expect(throws: DigestMD5Error.self) { try noNonce.evaluate(Array(#"realm="zk-sasl-md5",qop="auth""#.utf8)) }
    }

    static func machine() throws -> ClientSessionMachine {
        ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("127.0.0.1:2181"), sessionTimeout: 30_000, randomSeed: 7, shuffleHosts: false,
            sasl: jaasuser))
    }

    static func saslReply(xid: Int32, err: ErrorCode = .ok, token: [UInt8]?) -> ByteBuffer {
        FakeServer.reply(xid: xid, zxid: 0, err: err, body: .sasl(SetSASLResponse(token: token.map { ByteBuffer(bytes: $0) })))
    }

    static func saslToken(_ request: ClientRequest) -> [UInt8]? {
        if case .sasl(let sasl) = request.body { sasl.token?.bytes ?? [] } else { nil }
    }

    @Test func machineLogsInBeforeOtherRequests() throws {
        var m = try Self.machine()
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        let (token, queued) = m.submit(.getData, .getData(GetDataRequest(path: "/a", watch: false)), now: 0)
        #expect(queued.isEmpty)
        var actions = m.received(FakeServer.connectResponse(), now: 1)
        #expect(states(actions) == [.syncConnected])
        let first = try #require(sentRequests(actions).first)
        #expect(sentRequests(actions).count == 1 && first.op == .sasl && Self.saslToken(first) == [])
        // Requests made now wait for the login too.
        let (_, during) = m.submit(.exists, .exists(ExistsRequest(path: "/b", watch: false)), now: 1)
        #expect(during.isEmpty)

        let nonce = "OA6MG9tEQGm2hh"
        actions = m.received(Self.saslReply(xid: first.xid, token: Array(#"realm="zk-sasl-md5",nonce="\#(nonce)",qop="auth",charset=utf-8,algorithm=md5-sess"#.utf8)), now: 2)
        let second = try #require(sentRequests(actions).first)
        let response = try #require(Self.saslToken(second))
        #expect(second.op == .sasl && second.xid != first.xid)
        let cnonce = try Self.directive("cnonce", in: response)
        let expected = DigestMD5Client.responseValue(
            a2Prefix: "AUTHENTICATE", credentials: Self.jaasuser, realm: "zk-sasl-md5", nonce: nonce, cnonce: cnonce, nc: "00000001",
            digestURI: "zookeeper/zk-sasl-md5")
        #expect(try Self.directive("response", in: response) == String(decoding: expected, as: UTF8.self))
        #expect(states(actions).isEmpty)

        let rspauth = DigestMD5Client.responseValue(
            a2Prefix: "", credentials: Self.jaasuser, realm: "zk-sasl-md5", nonce: nonce, cnonce: cnonce, nc: "00000001",
            digestURI: "zookeeper/zk-sasl-md5")
        actions = m.received(Self.saslReply(xid: second.xid, token: Array("rspauth=".utf8) + rspauth), now: 3)
        #expect(states(actions) == [.saslAuthenticated])
        #expect(sentRequests(actions).map(\.op) == [.getData, .exists])
        let getData = sentRequests(actions)[0]
        actions = m.received(FakeServer.reply(xid: getData.xid, body: .getData(GetDataResponse(data: nil, stat: Stat(czxid: 1, mzxid: 1, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 1)))), now: 4)
        #expect(actions.contains { if case .reply(let t, _) = $0 { t == token } else { false } })
    }

    @Test func refusedLoginIsAuthFailed() throws {
        var m = try Self.machine()
        _ = m.start(now: 0)
        _ = m.connectionEstablished(now: 0)
        let (token, _) = m.submit(.getData, .getData(GetDataRequest(path: "/a", watch: false)), now: 0)
        let first = try #require(sentRequests(m.received(FakeServer.connectResponse(), now: 1)).first)
        let actions = m.received(Self.saslReply(xid: first.xid, err: .authFailed, token: nil), now: 2)
        #expect(states(actions) == [.authFailed])
        #expect(failures(actions)[token] == .authFailed)
        #expect(m.phase == .terminated)
        #expect(actions.contains { if case .closeConnection = $0 { true } else { false } })
    }
}
