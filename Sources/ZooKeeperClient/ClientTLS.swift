import NIOCore
import NIOSSL

/// TLS for the client port (Java's `zookeeper.client.secure=true` with the
/// `zookeeper.ssl.*` properties of ClientX509Util).
public struct ClientTLS: Sendable {
    /// A key or trust store file (Java's `ssl.keyStore.type` PEM or PKCS12; JKS is Java-only).
    public enum Store: Sendable {
        /// PEM: certificates, and for a key store the private key too, in one
        /// file; `password` decrypts an encrypted private key (PKCS#8), as
        /// Java's PemReader does with `ssl.keyStore.password`.
        case pem(path: String, password: String = "")
        case pkcs12(path: String, password: String)
    }

    /// The client certificate and key (`zookeeper.ssl.keyStore.*`); nil sends none.
    public var keyStore: Store?
    /// The CAs trusted for the server's certificate (`zookeeper.ssl.trustStore.*`);
    /// nil uses the system's roots, as Java falls back to the JDK's.
    public var trustStore: Store?
    /// Check that the server's certificate names the host connected to
    /// (`zookeeper.ssl.hostnameVerification`, true by default in X509Util).
    public var hostnameVerification: Bool

    public init(keyStore: Store? = nil, trustStore: Store? = nil, hostnameVerification: Bool = true) {
        self.keyStore = keyStore
        self.trustStore = trustStore
        self.hostnameVerification = hostnameVerification
    }

    /// The NIOSSL context these settings describe; throws when a file cannot be read.
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = hostnameVerification ? .fullVerification : .noHostnameVerification
        switch trustStore {
        case .pem(let path, _):
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
        case .pkcs12(let path, let password):
            let bundle = try NIOSSLPKCS12Bundle(file: path, passphrase: Array(password.utf8))
            configuration.trustRoots = .certificates(bundle.certificateChain)
        case nil:
            configuration.trustRoots = .default
        }
        switch keyStore {
        case .pem(let path, let password):
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(path).map { .certificate($0) }
            let key = password.isEmpty
                ? try NIOSSLPrivateKey(file: path, format: .pem)
                : try NIOSSLPrivateKey(file: path, format: .pem) { setPassphrase in setPassphrase(Array(password.utf8)) }
            configuration.privateKey = .privateKey(key)
        case .pkcs12(let path, let password):
            let bundle = try NIOSSLPKCS12Bundle(file: path, passphrase: Array(password.utf8))
            configuration.certificateChain = bundle.certificateChain.map { .certificate($0) }
            configuration.privateKey = .privateKey(bundle.privateKey)
        case nil:
            break
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// A TLS handler for one connection to `host`: SNI and the name checked are the
/// host when it is a name; for an IP address NIOSSL checks the peer's address.
func makeTLSHandler(context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
    let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
    return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
}
