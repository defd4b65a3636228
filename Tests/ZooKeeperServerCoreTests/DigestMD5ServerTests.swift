import Foundation
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

@Suite struct DigestMD5ServerTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// RFC 2831 section 4's example (an IMAP exchange, so another protocol and realm).
    @Test func rfc2831Example() throws {
        var server = DigestMD5Server(
            credentials: ["chris": "secret"], nonce: Self.bytes("OA6MG9tEQGm2hh"),
            protocol: "imap", serverName: "elwood.innosoft.com"
        )
        let challenge = try server.evaluate([])
        #expect(Self.text(challenge) == #"realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",charset=utf-8,algorithm=md5-sess"#)
        let response = #"charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,cnonce="OA6MHXh6VqTrRk",digest-uri="imap/elwood.innosoft.com",response=d388dad90d4bbd760a152321f2143af7,qop=auth"#
        let answer = try server.evaluate(Self.bytes(response))
        #expect(Self.text(answer) == "rspauth=ea40f60335c427b5527b84dbabcdfffd")
        #expect(server.isComplete)
        #expect(server.authenticationID == "chris")
    }

    /// An exchange between Java 3.8.0's server and kazoo 2.11.0 (pure-sasl),
    /// captured on loopback: the same nonce gives Java's challenge and rspauth.
    static let javaNonce = "tLVbBpe/eIDdP4ZF4AL459wRDiGvAjLTWIxilmoj"
    static let kazooResponse = #"qop=auth,realm="zk-sasl-md5",username="jaasuser",nonce="tLVbBpe/eIDdP4ZF4AL459wRDiGvAjLTWIxilmoj",cnonce="6657843326387012",nc=00000001,digest-uri="zookeeper/zk-sasl-md5",response=6fdbff0f0d57585a8f9b674327597b74"#

    @Test func javaServerExchange() throws {
        var server = DigestMD5Server(credentials: ["super": "super_secret", "jaasuser": "jaas_password"], nonce: Self.bytes(Self.javaNonce))
        let challenge = try server.evaluate([])
        #expect(Self.text(challenge) == #"realm="zk-sasl-md5",nonce="tLVbBpe/eIDdP4ZF4AL459wRDiGvAjLTWIxilmoj",charset=utf-8,algorithm=md5-sess"#)
        let answer = try server.evaluate(Self.bytes(Self.kazooResponse))
        #expect(Self.text(answer) == "rspauth=e9bef03e469bb63583f1b7bac9d58b6d")
        #expect(server.authenticationID == "jaasuser")
    }

    @Test func wrongPasswordFailsThenStaysFailed() throws {
        var server = DigestMD5Server(credentials: ["jaasuser": "not the password"], nonce: Self.bytes(Self.javaNonce))
        _ = try server.evaluate([])
        #expect(throws: DigestMD5Error.format("Mismatched response.")) {
            try server.evaluate(Self.bytes(Self.kazooResponse))
        }
        #expect(!server.isComplete)
        #expect(throws: DigestMD5Error("DIGEST-MD5: Server at illegal state")) { try server.evaluate([]) }
    }

    @Test func unknownUser() throws {
        var server = DigestMD5Server(credentials: ["someone": "x"], nonce: Self.bytes(Self.javaNonce))
        _ = try server.evaluate([])
        #expect(throws: DigestMD5Error("DIGEST-MD5: cannot acquire password for jaasuser in realm : zk-sasl-md5")) {
            try server.evaluate(Self.bytes(Self.kazooResponse))
        }
    }

    @Test func truncatedResponses() throws {
        let full = Self.bytes(Self.kazooResponse)
        // Cut inside a quoted value, and before the response directive.
        for cut in [40, 100, full.count - 40] {
            var server = DigestMD5Server(credentials: ["jaasuser": "jaas_password"], nonce: Self.bytes(Self.javaNonce))
            _ = try server.evaluate([])
            #expect(throws: DigestMD5Error.self) { try server.evaluate(Array(full[..<cut])) }
            #expect(!server.isComplete)
        }
    }

    @Test func checksInJDKOrder() throws {
        func failure(_ response: String) throws -> String? {
            var server = DigestMD5Server(credentials: ["jaasuser": "jaas_password"], nonce: Self.bytes(Self.javaNonce))
            _ = try server.evaluate([])
            do {
                _ = try server.evaluate(Self.bytes(response))
                return nil
            } catch {
                return error.description
            }
        }
        let good = Self.kazooResponse
        #expect(try failure(good) == nil)
        #expect(try failure(good.replacingOccurrences(of: "zk-sasl-md5\",username", with: "other\",username"))
            == "DIGEST-MD5: digest response format violation. Nonexistent realm: other")
        #expect(try failure(good.replacingOccurrences(of: "nonce=\"tLVb", with: "nonce=\"xLVb"))
            == "DIGEST-MD5: digest response format violation. Mismatched nonce.")
        #expect(try failure(good.replacingOccurrences(of: "zookeeper/zk-sasl-md5", with: "imap/zk-sasl-md5"))
            == "DIGEST-MD5: digest response format violation. Mismatched URI: imap/zk-sasl-md5; expecting: zookeeper/zk-sasl-md5")
        #expect(try failure(good.replacingOccurrences(of: "qop=auth", with: "qop=auth-conf"))
            == "DIGEST-MD5: server does not support  qop: auth-conf")
        #expect(try failure(good + ",username=\"x\"") == "DIGEST-MD5: digest response format violation. peer sent more than one username value")
        #expect(try failure(good.replacingOccurrences(of: "cnonce=\"6657843326387012\",", with: ""))
            == "DIGEST-MD5: digest response format violation. Missing cnonce.")
    }

    @Test func initialResponseRefused() {
        var server = DigestMD5Server(credentials: [:], nonce: Self.bytes("n"))
        #expect(throws: DigestMD5Error("DIGEST-MD5 must not have an initial response")) { try server.evaluate([1]) }
    }

    @Test func negotiationAddsIdentitiesOrCloses() {
        var settings = SASLSettings(credentials: ["jaasuser": "jaas_password", "super": "s"])
        settings.superUsers = ["jaasuser"]
        var negotiation = SASLNegotiation(settings: settings, required: false, nonce: Self.bytes(Self.javaNonce))
        let start = ConnectionIdentities([AuthIdentity(scheme: "ip", id: "127.0.0.1")])
        let first = negotiation.respond(xid: 1, token: [], identities: start)
        #expect(first.reply.err == .ok && first.identities == nil && !first.close)
        let second = negotiation.respond(xid: 2, token: Self.bytes(Self.kazooResponse), identities: start)
        #expect(second.reply.err == .ok && !second.close)
        #expect(second.identities?.all.contains(AuthIdentity(scheme: "sasl", id: "jaasuser")) == true)
        #expect(second.identities?.all.contains(AuthIdentity(scheme: "super", id: "")) == true)

        var wrong = SASLNegotiation(settings: SASLSettings(credentials: ["jaasuser": "bad"]), required: false, nonce: Self.bytes(Self.javaNonce))
        _ = wrong.respond(xid: 1, token: [], identities: start)
        let failed = wrong.respond(xid: 2, token: Self.bytes(Self.kazooResponse), identities: start)
        #expect(failed.reply.err == .authFailed && failed.close && failed.reply.xid == 2)

        var required = SASLNegotiation(settings: SASLSettings(credentials: [:]), required: true, nonce: Self.bytes("n"))
        let refused = required.respond(xid: 1, token: [9], identities: start)
        #expect(refused.reply.err == .sessionClosedRequireSaslAuth && refused.close)
    }

    @Test func authorizationIDs() {
        var settings = SASLSettings(credentials: [:], superPassword: "ignored without a super user")
        #expect(settings.credentials.isEmpty)
        #expect(settings.authorizationID(for: "bob") == "bob")
        #expect(settings.authorizationID(for: "zk/host@EXAMPLE.COM") == "zk/host@EXAMPLE.COM")
        settings.removeHostFromPrincipal = true
        settings.removeRealmFromPrincipal = true
        #expect(settings.authorizationID(for: "zk/host@EXAMPLE.COM") == "zk")
        #expect(SASLSettings(credentials: ["super": "a"], superPassword: "b").credentials["super"] == "b")
    }

    @Test func saslAndX509Schemes() {
        let sasl = SASLAuthenticationProvider()
        #expect(sasl.matches(id: "bob", aclExpression: "bob"))
        #expect(sasl.matches(id: "super", aclExpression: "bob"))
        #expect(!sasl.matches(id: "alice", aclExpression: "bob"))
        #expect(SASLAuthenticationProvider(letAnySaslUserDoX: "anyone").matches(id: "alice", aclExpression: "anyone"))
        #expect(sasl.isValid("bob") && sasl.isValid("zk/h@R") && !sasl.isValid("a@b@c"))
        #expect(sasl.authenticate(auth: [], remoteAddress: nil) == nil)
        let x509 = X509AuthenticationProvider(superUser: "CN=admin")
        #expect(x509.matches(id: "CN=admin", aclExpression: "CN=other"))
        #expect(x509.matches(id: "CN=client", aclExpression: "CN=client") && !x509.matches(id: "CN=client", aclExpression: "CN=x"))
        #expect(x509.identities(subject: "CN=admin").map(\.description) == ["super:CN=admin", "x509:CN=admin"])
    }
}
