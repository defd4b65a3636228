import Foundation
import NIOCore
import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// TLS and SASL DIGEST-MD5 against a server: in-process zkserver, or the Java
/// server scripts/swift-client-security-tests starts (ZK_TEST_SECURE_SERVER,
/// its secureClientPort; ZK_TEST_SASL_SERVER, a plain port with SASL).
@Suite struct ClientSecurityTests {
    /// The server tests' test-only key material (see its README).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ZooKeeperServerTests/TLSFixtures").standardized.path
    static let clientDN = "CN=client,OU=clients,O=zk test"

    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func tls(_ keyStore: ClientTLS.Store?) -> ClientTLS {
        ClientTLS(keyStore: keyStore, trustStore: .pem(path: fixtures + "/ca.pem"))
    }

    /// Runs `body` with the connect string of a secure port (clientAuth need).
    static func withSecureServer(_ body: (String) async throws -> Void) async throws {
        if let external = environment("ZK_TEST_SECURE_SERVER") { return try await body(external) }
        let server = try await TestServer.startInProcess(extraConfig: """
            secureClientPort=2281
            secureClientPortAddress=127.0.0.1
            ssl.keyStore.location=\(fixtures)/server.pem
            ssl.keyStore.password=secret
            ssl.trustStore.location=\(fixtures)/ca.pem
            """)
        do {
            try await body("127.0.0.1:\(try #require(server.securePort))")
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    static func identities(_ client: ZooKeeperClient) async throws -> Set<String> {
        Set(try await client.whoAmI().map { "\($0.authScheme ?? ""):\($0.user ?? "")" })
    }

    @Test(arguments: ["pem", "encrypted pem", "p12"])
    func clientCertificateIsTheX509Identity(keyStore: String) async throws {
        let store: ClientTLS.Store
        switch keyStore {
        case "pem": store = .pem(path: Self.fixtures + "/client.pem")
        case "encrypted pem": store = .pem(path: try await Self.clientEncryptedPEM(), password: "secret")
        default: store = .pkcs12(path: try await Self.clientP12(), password: "secret")
        }
        try await Self.withSecureServer { connect in
            let client = try ZooKeeperClient(connectString: connect, tls: Self.tls(store))
            try await client.waitUntilConnected()
            #expect(try await Self.identities(client).contains("x509:\(Self.clientDN)"))
            let path = uniqueRoot("tls")
            try await client.create(path, data: Array("over tls".utf8))
            #expect(try await client.getData(path).data == Array("over tls".utf8))
            try await client.delete(path)
            await client.close()
        }
    }

    /// client.pem as PKCS12, made with openssl in a temp dir (no second copy of the key in the repo).
    static func clientP12() async throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zk-client-\(UUID().uuidString).p12").path
        try await runShellCommand("openssl pkcs12 -export -in '\(fixtures)/client.pem' -out '\(out)' -passout pass:secret")
        return out
    }

    /// client.pem with its key encrypted (PKCS#8, AES-256, password "secret").
    static func clientEncryptedPEM() async throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zk-client-\(UUID().uuidString).pem").path
        let pem = "'\(fixtures)/client.pem'"
        try await runShellCommand("openssl pkcs8 -topk8 -v2 aes-256-cbc -in \(pem) -passout pass:secret -out '\(out)'"
            + " && openssl x509 -in \(pem) >> '\(out)'")
        return out
    }

    /// Without its password (or with a wrong one) an encrypted key is refused
    /// before any connection is made.
    @Test func encryptedKeyNeedsItsPassword() async throws {
        let path = try await Self.clientEncryptedPEM()
        for password in ["", "wrong"] {
            #expect(throws: (any Error).self) {
                _ = try ZooKeeperClient(connectString: "127.0.0.1:1", tls: Self.tls(.pem(path: path, password: password)))
            }
        }
    }

    @Test func untrustedOrMissingCertificateNeverConnects() async throws {
        try await Self.withSecureServer { connect in
            for store in [ClientTLS.Store.pem(path: Self.fixtures + "/untrusted.pem"), nil] {
                let client = try ZooKeeperClient(connectString: connect, sessionTimeout: .seconds(4), tls: Self.tls(store))
                await #expect(throws: ZooKeeperError.self) { try await client.waitUntilConnected(timeout: .seconds(3)) }
                await client.close()
            }
            // A client that does not trust the server's CA refuses it.
            let distrustful = try ZooKeeperClient(
                connectString: connect, sessionTimeout: .seconds(4),
                tls: ClientTLS(keyStore: .pem(path: Self.fixtures + "/client.pem"), trustStore: .pem(path: Self.fixtures + "/untrusted.pem")))
            await #expect(throws: ZooKeeperError.self) { try await distrustful.waitUntilConnected(timeout: .seconds(3)) }
            await distrustful.close()
        }
    }

    @Test func hostnameIsVerifiedByName() async throws {
        try await Self.withSecureServer { connect in
            // The server certificate names localhost: by name, SNI and the check use it.
            let port = connect.split(separator: ":").last.map(String.init) ?? ""
            let client = try ZooKeeperClient(connectString: "localhost:\(port)", tls: Self.tls(.pem(path: Self.fixtures + "/client.pem")))
            try await client.waitUntilConnected()
            #expect(try await Self.identities(client).contains("x509:\(Self.clientDN)"))
            await client.close()
        }
    }

    // MARK: - SASL

    /// Runs `body` with the connect string of a server that takes DIGEST-MD5 logins.
    static func withSASLServer(_ body: (String) async throws -> Void) async throws {
        if let external = environment("ZK_TEST_SASL_SERVER") { return try await body(external) }
        let jaas = FileManager.default.temporaryDirectory.appendingPathComponent("zk-jaas-\(UUID().uuidString).conf").path
        try """
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_jaasuser="jaas_password";
            };
            """.write(toFile: jaas, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: jaas) }
        let server = try await TestServer.startInProcess(
            extraConfig: "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n",
            systemProperties: ["java.security.auth.login.config": jaas])
        do {
            try await body(server.connectString)
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test func digestLoginGivesSaslIdentity() async throws {
        try await Self.withSASLServer { connect in
            let client = try ZooKeeperClient(connectString: connect, sasl: SASLCredentials(username: "jaasuser", password: "jaas_password"))
            let states = client.states()
            #expect(await next(states, where: { $0 == .saslAuthenticated || $0 == .authFailed }) == .saslAuthenticated)
            #expect(try await Self.identities(client).contains("sasl:jaasuser"))
            // An ACL only this login satisfies.
            let path = uniqueRoot("sasl")
            try await client.create(path, data: [1], acl: [ACL(perms: Perms.all.rawValue, id: Id(scheme: "sasl", id: "jaasuser"))])
            let anonymous = try ZooKeeperClient(connectString: connect)
            await #expect(throws: ZooKeeperError.self) { try await anonymous.getData(path) }
            #expect(try await client.getData(path).data == [1])
            try await client.delete(path)
            await anonymous.close()
            await client.close()
        }
    }

    @Test func wrongPasswordIsAuthFailed() async throws {
        try await Self.withSASLServer { connect in
            let client = try ZooKeeperClient(connectString: connect, sasl: SASLCredentials(username: "jaasuser", password: "wrong"))
            let states = client.states()
            #expect(await next(states, where: { $0 == .saslAuthenticated || $0 == .authFailed }) == .authFailed)
            do {
                _ = try await client.exists("/")
                Issue.record("exists succeeded after a failed login")
            } catch let error as ZooKeeperError {
                #expect(error.code == .authFailed)
            }
            await client.close()
        }
    }

    /// A reconnect runs the login again before anything else, as Java's
    /// client does on every new connection: the session keeps its identity.
    @Test func saslLoginIsRunAgainAfterAReconnect() async throws {
        try await Self.withSASLServer { connect in
            let client = try ZooKeeperClient(connectString: connect, sasl: SASLCredentials(username: "jaasuser", password: "jaas_password"))
            let states = client.states()
            #expect(await next(states, where: { $0 == .saslAuthenticated || $0 == .authFailed }) == .saslAuthenticated)
            let path = uniqueRoot("sasl-again")
            try await client.create(path, data: [2], acl: [ACL(perms: Perms.all.rawValue, id: Id(scheme: "sasl", id: "jaasuser"))])
            // Another connection takes the session over, so the server drops
            // the client's; it then goes away without closing the session.
            try takeOver(connect, sessionId: await client.sessionId, password: await client.sessionPassword)
            #expect(await next(states, where: { $0 == .disconnected }) == .disconnected)
            #expect(await next(states, where: { $0 == .syncConnected }) == .syncConnected)
            #expect(await next(states, where: { $0 == .saslAuthenticated || $0 == .authFailed }) == .saslAuthenticated)
            #expect(try await Self.identities(client).contains("sasl:jaasuser"))
            #expect(try await client.getData(path).data == [2])
            try await client.delete(path)
            await client.close()
        }
    }

    /// Sends a ConnectRequest for the session on a socket of its own, waits
    /// for the ConnectResponse and closes the socket (blocking, 5 s at most).
    func takeOver(_ connect: String, sessionId: Int64, password: [UInt8]) throws {
        let parts = connect.split(separator: ":")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(parts[1])!).bigEndian
        inet_pton(AF_INET, String(parts[0]), &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        var bytes = ByteBuffer()
        ClientMessage.connect(ConnectRequestFrame(request: ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: 30_000, sessionId: sessionId,
            passwd: ByteBuffer(bytes: password), readOnly: false))).write(to: &bytes)
        let request = Array(bytes.readableBytesView)
        try #require(request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == request.count)
        var response = [UInt8](repeating: 0, count: 64)
        let got = response.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        try #require(got > 4, "no ConnectResponse")
    }
}
