/// What the Java server reads for SASL DIGEST-MD5: the JAAS `Server` section's
/// `user_NAME="password"` options and the `zookeeper.*` properties around them.
public struct SASLSettings: Sendable, Equatable {
    /// User name → password, from the JAAS section (SaslServerCallbackHandler).
    public var credentials: [String: String]
    /// `zookeeper.superUser` and `zookeeper.superUser.*`: authorization ids that
    /// also become `super:` (ZooKeeperServer.isSaslSuperUser).
    public var superUsers: Set<String> = []
    /// `zookeeper.allowSaslFailedClients=true`: a failed exchange keeps the
    /// connection (unless SASL is required).
    public var allowFailedClients = false
    /// `zookeeper.kerberos.removeHostFromPrincipal` / `removeRealmFromPrincipal`.
    public var removeHostFromPrincipal = false
    public var removeRealmFromPrincipal = false

    /// - Parameter superPassword: `zookeeper.SASLAuthenticationProvider.superPassword`,
    ///   which replaces the password of a `super` user listed in the section.
    public init(credentials: [String: String], superPassword: String? = nil) {
        var credentials = credentials
        if let superPassword, credentials["super"] != nil {
            credentials["super"] = superPassword
        }
        self.credentials = credentials
    }

    /// The authorization id of an authenticated user: SaslServerCallbackHandler
    /// keeps a Kerberos-style name's short name, and its host and realm unless
    /// told to remove them. A plain DIGEST user name stays as it is.
    public func authorizationID(for user: String) -> String {
        guard let name = KerberosName(user), name.host != nil || name.realm != nil else { return user }
        var id = name.service
        if let host = name.host, !removeHostFromPrincipal { id += "/" + host }
        if let realm = name.realm, !removeRealmFromPrincipal { id += "@" + realm }
        return id
    }
}

/// `service[/host]@realm` (Java's KerberosName pattern); a name with neither
/// `/` nor `@` is a bare service name. Nil for a name Java refuses (an `@` that
/// does not fit the pattern).
struct KerberosName: Equatable {
    var service: String
    var host: String?
    var realm: String?

    init?(_ text: String) {
        guard let at = text.firstIndex(of: "@") else {
            // No realm: the whole text is the service name, slashes and all.
            service = text
            return
        }
        let principal = text[..<at]
        let realmPart = text[text.index(after: at)...]
        guard !realmPart.contains("/"), !realmPart.contains("@") else { return nil }
        let parts = principal.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        service = String(parts[0])
        host = parts.count == 2 ? String(parts[1]) : nil
        realm = String(realmPart)
    }
}
