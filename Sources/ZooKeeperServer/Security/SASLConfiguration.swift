import Foundation
import Logging
import ZooKeeperServerConfig
import ZooKeeperServerCore

/// The SASL DIGEST-MD5 users, as ServerCnxnFactory.configureSaslLogin finds
/// them: the JAAS file of `java.security.auth.login.config`, section
/// `zookeeper.sasl.serverconfig` (default "Server").
enum SASLConfiguration {
    /// Nil when no JAAS file is configured or it has no such section (Java then
    /// runs without SASL); throws when the file cannot be read or parsed.
    static func load(_ properties: [String: String], logger: Logger) throws(SecurityConfigurationError) -> SASLSettings? {
        guard let path = properties["java.security.auth.login.config"], !path.isEmpty else { return nil }
        let section = properties["zookeeper.sasl.serverconfig"] ?? "Server"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecurityConfigurationError("java.security.auth.login.config: cannot read the JAAS file \(path)")
        }
        let jaas: JAASConfiguration
        do {
            jaas = try JAASConfiguration(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw SecurityConfigurationError("java.security.auth.login.config: \(path): \(error)")
        }
        guard let users = jaas.digestUsers(section: section) else {
            logger.info("no JAAS section '\(section)' in \(path): SASL is off")
            return nil
        }
        if !(jaas[section] ?? []).contains(where: { $0.loginModule.hasSuffix("DigestLoginModule") }) {
            // A Kerberos section: GSSAPI is not offered, clients are answered as by
            // a DIGEST-MD5 server with no users.
            logger.warning("JAAS section '\(section)' in \(path) has no DigestLoginModule; only SASL DIGEST-MD5 is supported")
        }
        var settings = SASLSettings(credentials: users, superPassword: properties["zookeeper.SASLAuthenticationProvider.superPassword"])
        settings.superUsers = Set(properties.filter { $0.key == "zookeeper.superUser" || $0.key.hasPrefix("zookeeper.superUser.") }.map(\.value))
        settings.allowFailedClients = properties["zookeeper.allowSaslFailedClients"]?.lowercased() == "true"
        settings.removeHostFromPrincipal = properties["zookeeper.kerberos.removeHostFromPrincipal"] == "true"
        settings.removeRealmFromPrincipal = properties["zookeeper.kerberos.removeRealmFromPrincipal"] == "true"
        logger.info("SASL DIGEST-MD5 on", metadata: ["jaas": "\(path)", "section": "\(section)", "users": "\(users.count)"])
        return settings
    }

    /// The JDK's nonce: 30 random bytes in base64, 40 characters.
    static func makeNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<30).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Array(Data(raw).base64EncodedString().utf8)
    }
}
