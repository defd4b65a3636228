import Foundation
import NIOCore
import NIOSSL
import ZooKeeperProtocol

/// The test-only key material in TLSFixtures (see its README) and helpers
/// around it.
enum TLSFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("TLSFixtures").path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// zoo.cfg lines for a secure port with the PEM server key and the test CA.
    static func secureConfig(keyStore: String = "server.pem", extra: String = "") -> String {
        """
        4lw.commands.whitelist=*
        secureClientPort=2281
        secureClientPortAddress=127.0.0.1
        ssl.keyStore.location=\(path(keyStore))
        ssl.keyStore.password=secret
        ssl.trustStore.location=\(path("ca.pem"))
        \(extra)
        """
    }

    /// A client context trusting the test CA, presenting `certificate` (a PEM
    /// file holding key and certificate) when given.
    static func clientContext(certificate: String?) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path("ca.pem")))
        configuration.certificateVerification = .noHostnameVerification
        if let certificate {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(path(certificate)).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: path(certificate), format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

extension WireClient {
    /// whoAmI's `scheme:user` list.
    func whoAmI(xid: Int32) async throws -> [String] {
        guard case .reply(let reply) = try await request(xid, .whoAmI, .none), case .whoAmI(let response) = reply.body else {
            throw WireError.unexpected("no whoAmI reply")
        }
        return (response.clientInfo ?? []).map { "\($0.authScheme ?? ""):\($0.user ?? "")" }
    }

    func getData(xid: Int32, _ path: String) async throws -> ServerReply {
        guard case .reply(let reply) = try await request(xid, .getData, .getData(GetDataRequest(path: path, watch: false))) else {
            throw WireError.unexpected("no getData reply")
        }
        return reply
    }
}
