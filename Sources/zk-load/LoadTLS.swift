import NIOCore
import NIOSSL

/// TLS on every session's connection, as a client of a server's secureClientPort.
struct LoadTLS: Sendable {
    /// PEM file of the CAs the server's certificate must chain to; the system's roots when nil.
    var caFile: String?
    /// PEM certificate chain to present (Java's default `ssl.clientAuth=need` asks for one).
    var certificateFile: String?
    /// PEM private key of that certificate; may be the same file as the chain.
    var keyFile: String?
    /// Sent as SNI and checked against the certificate; nil skips the host name check,
    /// since a loopback address is what the benchmark dials.
    var serverName: String?

    /// One context for all sessions: it is built once so every connection pays
    /// only for its handshake, not for reading the key files again.
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        }
        if serverName == nil { configuration.certificateVerification = .noHostnameVerification }
        if let certificateFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile ?? certificateFile, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The protocol version the handshake agreed on, as Java names it, for the report.
    static func negotiatedVersion(of pipeline: ChannelPipeline.SynchronousOperations) -> String? {
        guard let version = try? pipeline.nioSSL_tlsVersion() else { return nil }
        switch version {
        case .tlsv1: return "TLSv1"
        case .tlsv11: return "TLSv1.1"
        case .tlsv12: return "TLSv1.2"
        case .tlsv13: return "TLSv1.3"
        }
    }
}
