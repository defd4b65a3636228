import ZooKeeperProtocol

/// One identity a connection holds: `ip:127.0.0.1` from the socket,
/// `digest:bob:<base64 sha1>` after `addauth digest bob:secret`, `super:` for the
/// super user. Java keeps them as `Id` records in a set on the connection.
public struct AuthIdentity: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    public var id: String

    public init(scheme: String, id: String) {
        self.scheme = scheme
        self.id = id
    }

    /// The same identity as an ACL `Id`, e.g. for the "auth" scheme's expansion.
    public var aclId: Id { Id(scheme: scheme, id: id) }

    /// `scheme:id`, as zkCli prints an `Id`.
    public var description: String { "\(scheme):\(id)" }
}

/// What an `AuthPacket` leads to.
public enum AuthOutcome: Hashable, Sendable {
    /// The provider accepted the data; add these identities to the connection
    /// (Java's set of ids: adding one already present changes nothing).
    case authenticated([AuthIdentity])
    /// The provider refused (Java: AuthFailed, then the connection is closed).
    case failed
    /// No provider for the scheme (Java: also AuthFailed and closed, with a
    /// different log line).
    case unknownScheme
}
