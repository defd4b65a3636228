import ZooKeeperProtocol

/// The server's ACL rules: checking a request's permission against a node's ACL
/// (`ZooKeeperServer.checkACL`), checking and expanding the ACL a client sets
/// (`PrepRequestProcessor.fixupACL`), and `addauth` (`ProviderRegistry` and the
/// providers it holds).
public struct AccessControl: Sendable {
    /// The providers by scheme. Java 3.8.0 registers `ip` and `digest` unless told
    /// otherwise; `sasl`, `x509` and custom ones come from configuration.
    public var providers: [String: any AuthenticationProvider]
    /// `zookeeper.skipACL=yes`: every permission check passes (ACLs set are still
    /// checked by `fixup`).
    public var skipACL: Bool

    /// Java's default registry: `ip` and `digest`.
    /// - Parameters:
    ///   - superDigest: `zookeeper.DigestAuthenticationProvider.superDigest`, the
    ///     `super:<base64>` digest that makes its holder `super`; nil when unset.
    ///   - skipACL: `zookeeper.skipACL=yes`.
    public init(superDigest: String? = nil, skipACL: Bool = false) {
        self.init(
            providers: [IPAuthenticationProvider(), DigestAuthenticationProvider(superDigest: superDigest)],
            skipACL: skipACL
        )
    }

    /// A registry of exactly `providers`; a later provider replaces an earlier one
    /// of the same scheme, as in Java's map.
    public init(providers: [any AuthenticationProvider], skipACL: Bool = false) {
        var byScheme: [String: any AuthenticationProvider] = [:]
        for provider in providers {
            byScheme[provider.scheme] = provider
        }
        self.providers = byScheme
        self.skipACL = skipACL
    }

    /// Whether connection `identities` may do `perm` on a node whose ACL is `acl`.
    ///
    /// In Java's order: skipACL allows; an empty ACL allows; any `super` identity
    /// allows; otherwise an entry whose perms share a bit with `perm` allows when it
    /// is `world:anyone`, or when its scheme has a provider and one of the
    /// identities of that scheme matches its id. Entries with a missing scheme or
    /// id (where Java would throw) grant nothing.
    public func allows(_ perm: Perms, acl: [ACL], identities: [AuthIdentity]) -> Bool {
        if skipACL || acl.isEmpty {
            return true
        }
        if identities.contains(where: { $0.scheme == "super" }) {
            return true
        }
        for entry in acl where entry.perms & perm.rawValue != 0 {
            guard let scheme = entry.id.scheme, let expression = entry.id.id else { continue }
            if scheme == "world" && expression == "anyone" {
                return true
            }
            guard let provider = providers[scheme] else { continue }
            for identity in identities where identity.scheme == scheme {
                if provider.matches(id: identity.id, aclExpression: expression) {
                    return true
                }
            }
        }
        return false
    }

    /// `addauth`: the identities to add to the connection, `.failed` when the
    /// provider refuses, `.unknownScheme` when no provider has the scheme. Java
    /// answers both failures with AuthFailed and closes the connection.
    /// - Parameter remoteAddress: the peer address as `connectionIdentity` prints
    ///   it (or as the socket library does; it is normalised again).
    public func authenticate(scheme: String, auth: [UInt8], remoteAddress: String?) -> AuthOutcome {
        guard let provider = providers[scheme] else {
            return .unknownScheme
        }
        guard let identities = provider.authenticate(auth: auth, remoteAddress: remoteAddress) else {
            return .failed
        }
        return .authenticated(identities)
    }

    /// The ACL a create or setACL stores, or nil for InvalidACL.
    ///
    /// Duplicates are dropped first, keeping the first of each; an empty result is
    /// invalid. Then, in order: `world:anyone` is kept; an entry of scheme `auth`
    /// (whatever its id) becomes one entry with its perms for every identity whose
    /// provider is authenticated (digest, not ip, not super), invalid when there is
    /// none; any other entry is kept when its scheme has a provider that finds the
    /// id valid, and is invalid otherwise (`world` with another id included).
    /// Perms are not checked, and entries produced by the expansion are not
    /// de-duplicated again.
    ///
    /// Java iterates the connection's ids as a hash set; here the expansion follows
    /// the order of `identities`.
    public func fixup(_ acl: [ACL], identities: [AuthIdentity]) -> [ACL]? {
        var unique: [ACL] = []
        for entry in acl where !unique.contains(entry) {
            unique.append(entry)
        }
        if unique.isEmpty {
            return nil
        }
        var result: [ACL] = []
        for entry in unique {
            guard let scheme = entry.id.scheme else { return nil }
            if scheme == "world" && entry.id.id == "anyone" {
                result.append(entry)
            } else if scheme == "auth" {
                let expanded = identities.filter { providers[$0.scheme]?.isAuthenticated == true }
                if expanded.isEmpty {
                    return nil
                }
                result += expanded.map { ACL(perms: entry.perms, id: $0.aclId) }
            } else {
                guard let provider = providers[scheme], let id = entry.id.id, provider.isValid(id) else {
                    return nil
                }
                result.append(entry)
            }
        }
        return result
    }

    /// The `ip` identity a connection starts with, from the peer address a socket
    /// library prints (`127.0.0.1`, `::1`, `fe80::1%eth0`, `::ffff:10.0.0.1`), in
    /// the text of Java's `InetAddress.getHostAddress()`: dotted IPv4, IPv6 as eight
    /// uncompressed lowercase hex groups, no zone, and IPv4-mapped IPv6 as plain
    /// IPv4. Text that is not an address is kept as given.
    public static func connectionIdentity(ipAddress: String) -> AuthIdentity {
        let text = IPAddress(ipAddress).map { $0.unmappingIPv4.javaHostAddress } ?? ipAddress
        return AuthIdentity(scheme: "ip", id: text)
    }

    /// `DigestAuthenticationProvider.generateDigest`: `user:base64(SHA-1("user:password"))`.
    public static func digest(_ idPassword: String) -> String {
        DigestAuthenticationProvider.digest(idPassword)
    }
}
