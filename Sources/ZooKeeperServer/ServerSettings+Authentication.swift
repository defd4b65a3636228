import Foundation
import ZooKeeperServerCore

extension ServerSettings {
    /// The ACL schemes beyond `ip` and `digest` and the enforcement settings, from
    /// the system properties (zoo.cfg's `authProvider.N` arrives as
    /// `zookeeper.authProvider.N`).
    mutating func applyAuthentication(_ properties: [String: String], secure: Bool) {
        let classes = properties.filter { $0.key.hasPrefix("zookeeper.authProvider.") }.map(\.value)
        if classes.contains(where: { $0.hasSuffix("SASLAuthenticationProvider") }) {
            saslProvider = SASLAuthenticationProvider(letAnySaslUserDoX: properties["zookeeper.letAnySaslUserDoX"])
        }
        // QuorumPeerConfig.configureSSLAuth registers the x509 provider whenever a
        // secure client port is configured.
        if secure || classes.contains(where: { $0.hasSuffix("X509AuthenticationProvider") }) {
            x509Provider = X509AuthenticationProvider(superUser: properties["zookeeper.X509AuthenticationProvider.superUser"])
        }
        enforceAuthSchemes = Self.enforcedSchemes(properties)
    }

    /// AuthenticationHelper: `sessionRequireClientSASLAuth=true` means `sasl`;
    /// otherwise `enforce.auth.enabled=true` with `enforce.auth.schemes`.
    static func enforcedSchemes(_ properties: [String: String]) -> [String] {
        if properties["zookeeper.sessionRequireClientSASLAuth"]?.lowercased() == "true" {
            return ["sasl"]
        }
        guard properties["zookeeper.enforce.auth.enabled"]?.lowercased() == "true" else { return [] }
        return (properties["zookeeper.enforce.auth.schemes"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Java refuses to start when enforcement names no scheme or a scheme
    /// without a provider.
    func enforcementProblem(_ properties: [String: String]) -> String? {
        let enforced = Self.enforcedSchemes(properties)
        if enforced.isEmpty && properties["zookeeper.enforce.auth.enabled"]?.lowercased() == "true"
            && properties["zookeeper.sessionRequireClientSASLAuth"]?.lowercased() != "true" {
            return "zookeeper.enforce.auth.enabled is true zookeeper.enforce.auth.schemes must be  configured."
        }
        let available: Set<String> = Set(["ip", "digest"] + [saslProvider?.scheme, x509Provider?.scheme].compactMap { $0 })
        for scheme in enforced where !available.contains(scheme) {
            return "Authentication scheme \(scheme) is not available."
        }
        return nil
    }
}
