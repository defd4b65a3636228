import Foundation
import NIOSSL

/// Java's keystore and truststore files (`ssl.keyStore.*`, `ssl.trustStore.*`):
/// PEM and PKCS12 keystores; truststores also JKS. BCFKS is refused.
enum KeyStore {
    enum FileType: String {
        case pem = "PEM", pkcs12 = "PKCS12", jks = "JKS", bcfks = "BCFKS"

        /// KeyStoreFileType.fromPropertyValueOrFileName: the `type` property when
        /// set, else the file's extension.
        static func of(_ property: String?, location: String, key: String) throws(SecurityConfigurationError) -> FileType {
            if let property, !property.isEmpty {
                guard let type = FileType(rawValue: property.uppercased()) else {
                    throw SecurityConfigurationError("\(key).type: unknown keystore type \(property) (PEM, PKCS12 or JKS)")
                }
                return type
            }
            switch (location as NSString).pathExtension.lowercased() {
            case "pem": return .pem
            case "p12", "pfx": return .pkcs12
            case "jks": return .jks
            case "bcfks": return .bcfks
            default:
                throw SecurityConfigurationError("\(key).location: unable to auto-detect store file type from file name: \(location); set \(key).type")
            }
        }
    }

    struct Identity {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    /// The server's certificate chain and key. `key` names the settings
    /// (`ssl.keyStore`) in errors.
    static func identity(location: String, password: String, type: FileType, key: String) throws(SecurityConfigurationError) -> Identity {
        let bytes = try read(location, key: key)
        do {
            switch type {
            case .pem:
                let chain = try NIOSSLCertificate.fromPEMBytes(bytes)
                guard !chain.isEmpty else { throw SecurityConfigurationError("no certificate in the file") }
                let privateKey = password.isEmpty
                    ? try NIOSSLPrivateKey(bytes: bytes, format: .pem)
                    : try NIOSSLPrivateKey(bytes: bytes, format: .pem) { $0(Array(password.utf8)) }
                return Identity(chain: chain, key: privateKey)
            case .pkcs12:
                let bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array(password.utf8))
                return Identity(chain: bundle.certificateChain, key: bundle.privateKey)
            case .jks:
                throw SecurityConfigurationError(
                    "JKS keystores are not read (their key protection is a cipher outside swift-crypto and BoringSSL); "
                        + "convert it once with keytool -importkeystore -srckeystore \(location) -destkeystore \(location).p12 "
                        + "-deststoretype PKCS12, then set \(key).location to the .p12 file and \(key).type=PKCS12"
                )
            case .bcfks:
                throw SecurityConfigurationError("BCFKS keystores are not supported; use PKCS12, PEM or JKS")
            }
        } catch {
            throw SecurityConfigurationError("\(key).location: cannot load the \(type.rawValue) keystore \(location): \(describe(error))")
        }
    }

    /// The certificates a truststore trusts.
    static func trusted(location: String, password: String, type: FileType, key: String) throws(SecurityConfigurationError) -> [NIOSSLCertificate] {
        let bytes = try read(location, key: key)
        do {
            let certificates: [NIOSSLCertificate]
            switch type {
            case .pem:
                certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
            case .pkcs12:
                // BoringSSL reads PKCS12 files that hold a key; certificate-only
                // truststores fail here with its error.
                let bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array(password.utf8))
                certificates = bundle.certificateChain
            case .jks:
                let store = try JKSKeyStore(bytes: bytes, password: password)
                let ders = store.trustedCertificates + store.privateKeys.compactMap(\.chain.first)
                certificates = try ders.map { try NIOSSLCertificate(bytes: $0, format: .der) }
            case .bcfks:
                throw SecurityConfigurationError("BCFKS truststores are not supported; use PKCS12, PEM or JKS")
            }
            guard !certificates.isEmpty else { throw SecurityConfigurationError("no certificate in the file") }
            return certificates
        } catch {
            throw SecurityConfigurationError("\(key).location: cannot load the \(type.rawValue) truststore \(location): \(describe(error))")
        }
    }

    private static func read(_ location: String, key: String) throws(SecurityConfigurationError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: location) else {
            throw SecurityConfigurationError("\(key).location: cannot read \(location)")
        }
        return Array(data)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? SecurityConfigurationError { return error.description }
        return "\(error)"
    }
}
