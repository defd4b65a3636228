import Foundation
import NIOCore
import NIOSSL
import Testing
import ZooKeeperProtocol
import ZooKeeperServer

/// The secure client port over real sockets: x509 identities, and bad input
/// closing only the connection at fault.
@Suite struct TLSServerTests {
    @Test(arguments: ["server.pem", "server.p12"])
    func clientCertificateGivesX509Identity(keyStore: String) async throws {
        let server = try await TestServer.start(extraConfig: TLSFixtures.secureConfig(keyStore: keyStore))
        defer { Task { await server.stop() } }
        let secure = try #require(server.secureAddress)
        let client = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        _ = try await client.handshake()
        #expect(Set(try await client.whoAmI(xid: 1)) == Set(["ip:127.0.0.1", "x509:CN=client,OU=clients,O=zk test"]))
        // An ACL of the x509 scheme: only this certificate's subject may read.
        let acl = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "x509", id: "CN=client,OU=clients,O=zk test"))]
        guard case .reply(let created) = try await client.request(
            2, .create, .create(CreateRequest(path: "/x", data: ByteBuffer(string: "secret"), acl: acl, flags: 0))
        ) else { throw WireError.unexpected("no create reply") }
        #expect(created.err == .ok)
        #expect(try await client.getData(xid: 3, "/x").err == .ok)
        let plain = try await server.client()
        _ = try await plain.handshake()
        #expect(try await plain.getData(xid: 1, "/x").err == .noAuth)
        await client.close()
        await plain.close()
    }

    @Test func jksTrustStoreAndSuperUser() async throws {
        let server = try await TestServer.start(extraConfig: TLSFixtures.secureConfig(extra: """
            ssl.trustStore.location=\(TLSFixtures.path("truststore.jks"))
            ssl.trustStore.password=secret
            X509AuthenticationProvider.superUser=CN=client,OU=clients,O=zk test
            """))
        defer { Task { await server.stop() } }
        let client = try await WireClient.connect(
            to: try #require(server.secureAddress), group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem")
        )
        _ = try await client.handshake()
        let identities = try await client.whoAmI(xid: 1)
        // Java's whoAmI names no user for `super` (it has no provider).
        #expect(identities.contains("super:"), "\(identities)")
        #expect(identities.contains("x509:CN=client,OU=clients,O=zk test"), "\(identities)")
        await client.close()
    }

    @Test func badInputClosesOnlyThatConnection() async throws {
        let log = RecordingLog()
        let server = try await TestServer.start(extraConfig: TLSFixtures.secureConfig(), logger: log.logger)
        defer { Task { await server.stop() } }
        let secure = try #require(server.secureAddress)

        // A plain-text client on the TLS port.
        let plainOnTLS = try await WireClient.connect(to: secure, group: server.group)
        try await plainOnTLS.send(.connect(ConnectRequestFrame(request: ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)), readOnly: false
        ))))
        #expect(try await plainOnTLS.waitClosed())
        #expect(try await log.waitFor("TLS handshake failed"))

        // A TLS client on the plain port (no port unification).
        let tlsOnPlain = try await WireClient.connect(
            to: server.address, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem")
        )
        #expect(try await tlsOnPlain.waitClosed())
        #expect(try await log.waitFor("a TLS handshake on a plain-text port"))

        // A certificate from a CA the server does not trust, and none at all (need).
        for certificate in ["untrusted.pem", nil] as [String?] {
            let refused = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: certificate))
            try? await refused.send(.connect(ConnectRequestFrame(request: ConnectRequest(
                protocolVersion: 0, lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)), readOnly: false
            ))))
            #expect(try await refused.waitClosed())
        }
        #expect(log.lines.withLockedValue { $0.filter { $0.contains("TLS handshake failed") }.count } >= 3)
        // Java counts each failed handshake as an authentication failure.
        let monitor = try await server.word("mntr")
        #expect(monitor.contains("zk_auth_failed_count\t3"), "\(monitor)")

        // The server still serves both ports.
        let good = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        _ = try await good.handshake()
        #expect(try await good.getData(xid: 1, "/zookeeper").err == .ok)
        let plain = try await server.client()
        _ = try await plain.handshake()
        #expect(try await plain.getData(xid: 1, "/zookeeper").err == .ok)
        await good.close()
        await plain.close()
    }

    @Test func portUnificationServesBothOnTheClientPort() async throws {
        let server = try await TestServer.start(extraConfig: TLSFixtures.secureConfig(extra: "client.portUnification=true"))
        defer { Task { await server.stop() } }
        let overTLS = try await WireClient.connect(to: server.address, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        _ = try await overTLS.handshake()
        #expect(try await overTLS.whoAmI(xid: 1).contains("x509:CN=client,OU=clients,O=zk test"))
        let plain = try await server.client()
        _ = try await plain.handshake()
        #expect(Set(try await plain.whoAmI(xid: 1)) == Set(["ip:127.0.0.1"]))
        await overTLS.close()
        await plain.close()
    }

    @Test func unifiedPortClosesAConnectionThatSendsNothing() async throws {
        let log = RecordingLog()
        let server = try await TestServer.start(
            extraConfig: TLSFixtures.secureConfig(extra: "client.portUnification=true\nssl.handshakeDetectionTimeoutMillis=200"),
            logger: log.logger
        )
        defer { Task { await server.stop() } }
        let silent = try await server.client()
        #expect(try await silent.waitClosed())
        #expect(try await log.waitFor("no bytes within ssl.handshakeDetectionTimeoutMillis (200 ms)"))
    }

    @Test func clientAuthWantAcceptsAClientWithoutCertificate() async throws {
        let server = try await TestServer.start(extraConfig: TLSFixtures.secureConfig(extra: "ssl.clientAuth=want"))
        defer { Task { await server.stop() } }
        let secure = try #require(server.secureAddress)
        let anonymous = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: nil))
        _ = try await anonymous.handshake()
        #expect(Set(try await anonymous.whoAmI(xid: 1)) == Set(["ip:127.0.0.1"]))
        let identified = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        _ = try await identified.handshake()
        #expect(try await identified.whoAmI(xid: 1).contains("x509:CN=client,OU=clients,O=zk test"))
        // A presented certificate is still verified.
        let untrusted = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "untrusted.pem"))
        try? await untrusted.sendRaw([0, 0, 0, 0])
        #expect(try await untrusted.waitClosed())
        await anonymous.close()
        await identified.close()
    }

    @Test func certReloadTakesNewKeyMaterialForNewConnections() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zk-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyStore = directory + "/server.pem"
        try FileManager.default.copyItem(atPath: TLSFixtures.path("server.pem"), toPath: keyStore)
        let log = RecordingLog()
        let server = try await TestServer.start(
            extraConfig: TLSFixtures.secureConfig(extra: "ssl.keyStore.location=\(keyStore)\nclient.certReload=true"), logger: log.logger
        )
        defer { Task { await server.stop() } }
        let secure = try #require(server.secureAddress)
        let before = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        _ = try await before.handshake()

        // The new server certificate is from a CA the client does not trust.
        try Data(contentsOf: URL(fileURLWithPath: TLSFixtures.path("untrusted.pem"))).write(to: URL(fileURLWithPath: keyStore), options: .atomic)
        #expect(try await log.waitFor("reloaded the TLS key material"))
        let after = try await WireClient.connect(to: secure, group: server.group, tls: try TLSFixtures.clientContext(certificate: "client.pem"))
        try? await after.sendRaw([0, 0, 0, 0])
        #expect(try await after.waitClosed())
        // The connection made before the reload goes on.
        #expect(try await before.getData(xid: 1, "/zookeeper").err == .ok)

        // A file that no longer loads keeps the previous material.
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: keyStore), options: .atomic)
        #expect(try await log.waitFor("cannot reload the TLS key material"))
        await before.close()
    }

    @Test func badKeyMaterialStopsTheStartNamingKeyAndFile() async throws {
        let missing = TLSFixtures.path("no-such-keystore.pem")
        let cases: [(String, String)] = [
            (TLSFixtures.secureConfig(extra: "ssl.keyStore.location=\(missing)"), "ssl.keyStore.location: cannot read \(missing)"),
            (TLSFixtures.secureConfig(keyStore: "server.p12", extra: "ssl.keyStore.password=wrong"), "ssl.keyStore.location: cannot load the PKCS12 keystore"),
            (TLSFixtures.secureConfig(keyStore: "server.jks"), "JKS keystores are not read"),
            (TLSFixtures.secureConfig(extra: "ssl.keyStore.location=\(TLSFixtures.path("ca.pem"))"), "ssl.keyStore.location: cannot load the PEM keystore"),
            ("secureClientPort=2281\n", "ssl.keyStore.location is not"),
            (TLSFixtures.secureConfig(extra: "ssl.clientAuth=sometimes"), "ssl.clientAuth: sometimes"),
            (TLSFixtures.secureConfig(extra: "ssl.authProvider=custom"), "SSL authentication scheme 'custom'"),
            (TLSFixtures.secureConfig(extra: "ssl.crl=true"), "ssl.crl=true"),
            (TLSFixtures.secureConfig(extra: "ssl.enabledProtocols=SSLv3"), "ssl.enabledProtocols: unsupported protocol SSLv3"),
        ]
        for (config, message) in cases {
            do {
                let server = try await TestServer.start(extraConfig: config)
                await server.stop()
                Issue.record("started with \(config)")
            } catch let error as SecurityConfigurationError {
                #expect(error.description.contains(message), "\(error)")
            }
        }
    }
}
