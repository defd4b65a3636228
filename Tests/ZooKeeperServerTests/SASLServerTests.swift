import Foundation
import NIOCore
import Testing
import ZooKeeperProtocol
import ZooKeeperServer
import ZooKeeperServerCore

/// SASL DIGEST-MD5 over real sockets, configured by a JAAS file as Java is.
@Suite struct SASLServerTests {
    static func jaasFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zk-jaas-\(UUID().uuidString).conf").path
        try """
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_super="super_secret"
                user_jaasuser="jaas_password";
            };
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func start(_ extra: String = "", log: RecordingLog? = nil) async throws -> (TestServer, String) {
        let jaas = try jaasFile()
        let server = try await TestServer.start(
            extraConfig: "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n" + extra,
            systemProperties: ["java.security.auth.login.config": jaas], logger: log?.logger
        )
        return (server, jaas)
    }

    static func saslToken(_ reply: ServerMessage) throws -> (ErrorCode, [UInt8]) {
        guard case .reply(let reply) = reply, case .sasl(let response) = reply.body else { throw WireError.unexpected("no SASL reply") }
        return (reply.err, response.token.map { Array($0.readableBytesView) } ?? [])
    }

    /// The client's side of the exchange, as pure-sasl computes it.
    static func clientResponse(challenge: [UInt8], user: String, password: String, cnonce: String = "6657843326387012") throws -> [UInt8] {
        let text = String(decoding: challenge, as: UTF8.self)
        let nonce = try #require(text.split(separator: ",").first { $0.hasPrefix("nonce=") }).dropFirst(7).dropLast()
        let response = DigestMD5Server.responseValue(
            method: "AUTHENTICATE", digestURI: "zookeeper/zk-sasl-md5", qop: "auth", username: user, realm: "zk-sasl-md5",
            password: password, nonce: Array(nonce.utf8), cnonce: Array(cnonce.utf8), authzid: nil
        )
        return Array(#"qop=auth,realm="zk-sasl-md5",username="\#(user)",nonce="\#(nonce)",cnonce="\#(cnonce)",nc=00000001,digest-uri="zookeeper/zk-sasl-md5",response=\#(String(decoding: response, as: UTF8.self))"#.utf8)
    }

    static func sasl(_ client: WireClient, xid: Int32, _ token: [UInt8]) async throws -> (ErrorCode, [UInt8]) {
        try saslToken(try await client.request(xid, .sasl, .sasl(GetSASLRequest(token: ByteBuffer(bytes: token)))))
    }

    @Test func digestExchangeGivesSaslIdentityAndACLs() async throws {
        let (server, jaas) = try await Self.start("superUser=super\n")
        defer { Task { await server.stop(); try? FileManager.default.removeItem(atPath: jaas) } }
        let client = try await server.client()
        _ = try await client.handshake()
        let (err1, challenge) = try await Self.sasl(client, xid: 1, [])
        #expect(err1 == .ok)
        #expect(String(decoding: challenge, as: UTF8.self).hasPrefix("realm=\"zk-sasl-md5\",nonce=\""))
        let (err2, rspauth) = try await Self.sasl(client, xid: 2, try Self.clientResponse(challenge: challenge, user: "jaasuser", password: "jaas_password"))
        #expect(err2 == .ok)
        #expect(String(decoding: rspauth, as: UTF8.self).hasPrefix("rspauth="))
        #expect(Set(try await client.whoAmI(xid: 3)) == Set(["ip:127.0.0.1", "sasl:jaasuser"]))
        let acl = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "sasl", id: "jaasuser"))]
        guard case .reply(let created) = try await client.request(4, .create, .create(CreateRequest(path: "/s", data: nil, acl: acl, flags: 0))) else {
            throw WireError.unexpected("no create reply")
        }
        #expect(created.err == .ok)
        let other = try await server.client()
        _ = try await other.handshake()
        #expect(try await other.getData(xid: 1, "/s").err == .noAuth)
        // zookeeper.superUser=super: the super user's SASL login is also super.
        let admin = try await server.client()
        _ = try await admin.handshake()
        let (_, adminChallenge) = try await Self.sasl(admin, xid: 1, [])
        _ = try await Self.sasl(admin, xid: 2, try Self.clientResponse(challenge: adminChallenge, user: "super", password: "super_secret"))
        #expect(try await admin.whoAmI(xid: 3).contains("super:"))
        #expect(try await admin.getData(xid: 4, "/s").err == .ok)
        for c in [client, other, admin] { await c.close() }
    }

    @Test func wrongPasswordAndTruncatedTokenCloseWithALogLine() async throws {
        let log = RecordingLog()
        let (server, jaas) = try await Self.start(log: log)
        defer { Task { await server.stop(); try? FileManager.default.removeItem(atPath: jaas) } }

        let wrong = try await server.client()
        _ = try await wrong.handshake()
        let (_, challenge) = try await Self.sasl(wrong, xid: 1, [])
        let (err, _) = try await Self.sasl(wrong, xid: 2, try Self.clientResponse(challenge: challenge, user: "jaasuser", password: "nope"))
        #expect(err == .authFailed)
        #expect(try await wrong.waitClosed())
        #expect(try await log.waitFor("Mismatched response."))

        let truncated = try await server.client()
        _ = try await truncated.handshake()
        let (_, challenge2) = try await Self.sasl(truncated, xid: 1, [])
        let full = try Self.clientResponse(challenge: challenge2, user: "jaasuser", password: "jaas_password")
        let (err2, _) = try await Self.sasl(truncated, xid: 2, Array(full.prefix(60)))
        #expect(err2 == .authFailed)
        #expect(try await truncated.waitClosed())
        #expect(try await log.waitFor("unterminated quoted value"))

        // Others are served as before.
        let good = try await server.client()
        _ = try await good.handshake()
        let (_, challenge3) = try await Self.sasl(good, xid: 1, [])
        let (err3, _) = try await Self.sasl(good, xid: 2, try Self.clientResponse(challenge: challenge3, user: "jaasuser", password: "jaas_password"))
        #expect(err3 == .ok)
        #expect(try await good.getData(xid: 3, "/zookeeper").err == .ok)
        await good.close()
    }

    @Test func sessionRequireClientSASLAuth() async throws {
        let (server, jaas) = try await Self.start("sessionRequireClientSASLAuth=true\n")
        defer { Task { await server.stop(); try? FileManager.default.removeItem(atPath: jaas) } }
        let anonymous = try await server.client()
        _ = try await anonymous.handshake()
        #expect(try await anonymous.getData(xid: 1, "/").err == .sessionClosedRequireSaslAuth)
        #expect(try await anonymous.waitClosed())
        let client = try await server.client()
        _ = try await client.handshake()
        let (_, challenge) = try await Self.sasl(client, xid: 1, [])
        _ = try await Self.sasl(client, xid: 2, try Self.clientResponse(challenge: challenge, user: "jaasuser", password: "jaas_password"))
        #expect(try await client.getData(xid: 3, "/").err == .ok)
        await client.close()
    }

    @Test func enforcementWithoutAProviderStopsTheStart() async throws {
        await #expect(throws: SecurityConfigurationError.self) {
            let server = try await TestServer.start(extraConfig: "enforce.auth.enabled=true\nenforce.auth.schemes=sasl\n")
            await server.stop()
        }
        await #expect(throws: SecurityConfigurationError.self) {
            let server = try await TestServer.start(systemProperties: ["java.security.auth.login.config": "/nonexistent/jaas.conf"])
            await server.stop()
        }
    }
}
