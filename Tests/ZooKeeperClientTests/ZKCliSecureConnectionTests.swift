import Foundation
import Testing
import ZooKeeperCLI
import ZooKeeperClient

/// A `-client-configuration` file as Java's zkCli takes it, used for real:
/// TLS with a client certificate, and a DIGEST-MD5 login from a JAAS file.
@Suite struct ZKCliSecureConnectionTests {
    /// Writes `files` into a fresh directory and loads `client.properties` from it.
    static func load(_ files: [String: String]) throws -> ClientConfigurationFile {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zkcli-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files {
            try text.replacingOccurrences(of: "DIR", with: dir.path).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try ClientConfigurationFile.load(path: dir.appendingPathComponent("client.properties").path)
    }

    static func whoami(_ connect: String, _ settings: ClientConfigurationFile) async throws -> String {
        let client = try ZooKeeperClient(connectString: connect, tls: settings.tls, sasl: settings.sasl)
        try await client.waitUntilConnected()
        let shell = Shell(client: client, server: connect, sessionTimeout: .seconds(30), tls: settings.tls, sasl: settings.sasl)
        let output = await shell.process("whoami")
        await client.close()
        return output.out
    }

    @Test func tlsWithAClientCertificate() async throws {
        let fixtures = ClientSecurityTests.fixtures
        let settings = try Self.load(["client.properties": """
            zookeeper.client.secure=true
            zookeeper.ssl.keyStore.location=\(fixtures)/client.pem
            zookeeper.ssl.trustStore.location=\(fixtures)/ca.pem
            """])
        try await ClientSecurityTests.withSecureServer { connect in
            let out = try await Self.whoami(connect, settings)
            #expect(out.contains("x509: \(ClientSecurityTests.clientDN)\n"), "\(out)")
        }
    }

    @Test func saslLoginFromTheJAASFile() async throws {
        let settings = try Self.load([
            "client.properties": "java.security.auth.login.config=DIR/jaas.conf\n",
            "jaas.conf": """
                Client {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    username="jaasuser"
                    password="jaas_password";
                };
                """,
        ])
        try await ClientSecurityTests.withSASLServer { connect in
            let out = try await Self.whoami(connect, settings)
            #expect(out.contains("sasl: jaasuser\n"), "\(out)")
        }
    }
}
