import Foundation
import Logging
import NIOCore
import NIOSSL

/// TLS on the client port, from Java's `ssl.*` keys (ClientX509Util: zoo.cfg's
/// `ssl.X` arrives as the property `zookeeper.ssl.X`, as a `-D` flag would).
struct ClientTLS: Sendable {
    enum ClientAuth: String, Sendable { case none = "NONE", want = "WANT", need = "NEED" }

    let context: NIOSSLContext
    let clientAuth: ClientAuth
    /// `ssl.handshakeDetectionTimeoutMillis`: how long a unified port waits for
    /// the first bytes (X509Util default 5000).
    let handshakeDetectionTimeout: TimeAmount
    /// `client.portUnification`: TLS and plain text on the plain client port.
    let portUnification: Bool
    /// Whether `ssl.trustStore.location` is set: Java's X509AuthenticationProvider
    /// refuses every client certificate without one.
    let hasTrustStore: Bool

    static let prefix = "zookeeper.ssl."

    /// Java names → TLS versions (`ssl.protocol`, `ssl.enabledProtocols`).
    static let protocols: [String: TLSVersion] = [
        "TLSv1": .tlsv1, "TLSv1.1": .tlsv11, "TLSv1.2": .tlsv12, "TLSv1.3": .tlsv13,
    ]

    /// The cipher suites BoringSSL offers for TLS 1.2 and earlier, by their IANA
    /// (and Java) names; TLS 1.3's suites are not configurable there.
    static let ciphers: [String: NIOTLSCipher] = [
        "TLS_RSA_WITH_AES_128_CBC_SHA": .TLS_RSA_WITH_AES_128_CBC_SHA,
        "TLS_RSA_WITH_AES_256_CBC_SHA": .TLS_RSA_WITH_AES_256_CBC_SHA,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": .TLS_RSA_WITH_AES_128_GCM_SHA256,
        "TLS_RSA_WITH_AES_256_GCM_SHA384": .TLS_RSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": .TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": .TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": .TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": .TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    static func load(_ properties: [String: String], logger: Logger) throws(SecurityConfigurationError) -> ClientTLS {
        func value(_ name: String) -> String? {
            properties[prefix + name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func password(_ store: String) throws(SecurityConfigurationError) -> String {
            if let path = value("\(store).passwordPath") {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw SecurityConfigurationError("ssl.\(store).passwordPath: cannot read \(path)")
                }
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
            return value("\(store).password") ?? ""
        }

        guard let keyStore = value("keyStore.location") else {
            throw SecurityConfigurationError("secureClientPort is set but ssl.keyStore.location is not: the server has no certificate")
        }
        let keyType = try KeyStore.FileType.of(value("keyStore.type"), location: keyStore, key: "ssl.keyStore")
        let identity = try KeyStore.identity(location: keyStore, password: try password("keyStore"), type: keyType, key: "ssl.keyStore")

        var trusted: [NIOSSLCertificate]?
        if let trustStore = value("trustStore.location") {
            let type = try KeyStore.FileType.of(value("trustStore.type"), location: trustStore, key: "ssl.trustStore")
            trusted = try KeyStore.trusted(location: trustStore, password: try password("trustStore"), type: type, key: "ssl.trustStore")
        }

        let clientAuthText = value("clientAuth") ?? "need"
        guard let clientAuth = ClientAuth(rawValue: clientAuthText.uppercased()) else {
            throw SecurityConfigurationError("ssl.clientAuth: \(clientAuthText) is not none, want or need")
        }
        // QuorumPeerConfig.configureSSLAuth: another scheme needs its own provider
        // class, and only Java classes could be named there.
        if let scheme = value("authProvider"), scheme != "x509" {
            throw SecurityConfigurationError(
                "ssl.authProvider: No auth provider configured for the SSL authentication scheme '\(scheme)' (only x509 is built in)"
            )
        }
        for flag in ["crl", "ocsp"] where value(flag)?.lowercased() == "true" {
            throw SecurityConfigurationError("ssl.\(flag)=true: certificate revocation checking is not supported")
        }

        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.chain.map { .certificate($0) }, privateKey: .privateKey(identity.key)
        )
        // ClientX509Util never checks a client certificate against the client's
        // host name, whatever ssl.hostnameVerification says.
        switch clientAuth {
        case .none: configuration.certificateVerification = .none
        case .want: configuration.certificateVerification = .optionalVerification
        case .need: configuration.certificateVerification = .noHostnameVerification
        }
        configuration.trustRoots = trusted.map { .certificates($0) } ?? .default
        configuration.sendCANameList = trusted != nil

        let protocolName = value("protocol") ?? "TLSv1.2"
        let enabledNames = value("enabledProtocols").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } ?? [protocolName]
        var versions: [TLSVersion] = []
        for name in enabledNames {
            guard let version = protocols[name] else {
                throw SecurityConfigurationError("ssl.enabledProtocols: unsupported protocol \(name) (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)")
            }
            versions.append(version)
        }
        let order: [TLSVersion] = [.tlsv1, .tlsv11, .tlsv12, .tlsv13]
        let indices = versions.compactMap { order.firstIndex(of: $0) }
        configuration.minimumTLSVersion = order[indices.min() ?? 2]
        configuration.maximumTLSVersion = order[indices.max() ?? 2]

        if let suites = value("ciphersuites") {
            let names = suites.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let known = names.compactMap { ciphers[$0] }
            let unknown = names.filter { ciphers[$0] == nil }
            if !unknown.isEmpty {
                logger.warning("ssl.ciphersuites: not available here, ignored: \(unknown.joined(separator: ","))")
            }
            if known.isEmpty && !(configuration.minimumTLSVersion == .tlsv13) {
                throw SecurityConfigurationError("ssl.ciphersuites: none of \(suites) is available")
            }
            if !known.isEmpty { configuration.cipherSuiteValues = known }
        }

        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SecurityConfigurationError("ssl.keyStore.location: cannot use the key material of \(keyStore): \(error)")
        }
        var timeout = Int64(value("handshakeDetectionTimeoutMillis") ?? "") ?? 5000
        if timeout < 1 { timeout = 5000 }
        let unified = properties["zookeeper.client.portUnification"]?.lowercased() == "true"
        logger.info(
            "TLS on the client port",
            metadata: [
                "keyStore": "\(keyStore)", "trustStore": "\(value("trustStore.location") ?? "system default")",
                "clientAuth": "\(clientAuth.rawValue.lowercased())", "protocols": "\(enabledNames.joined(separator: ","))",
            ]
        )
        return ClientTLS(
            context: context, clientAuth: clientAuth, handshakeDetectionTimeout: .milliseconds(timeout), portUnification: unified,
            hasTrustStore: trusted != nil
        )
    }
}
