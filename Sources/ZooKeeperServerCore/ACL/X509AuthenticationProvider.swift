/// Java's `X509AuthenticationProvider`: the `x509` ACL scheme. Its identity is
/// the subject DN of the certificate a client presents on the secure port
/// (RFC 2253 text, as X500Principal.getName() prints it), set when the TLS
/// handshake completes, never by `addauth`.
public struct X509AuthenticationProvider: AuthenticationProvider {
    /// `zookeeper.X509AuthenticationProvider.superUser`: the DN that is also `super`.
    public var superUser: String?

    public init(superUser: String? = nil) {
        self.superUser = superUser
    }

    public var scheme: String { "x509" }
    public var isAuthenticated: Bool { true }

    /// `addauth x509 ...`: Java finds no client certificate through it and fails.
    public func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]? { nil }

    /// Java accepts what X500Principal parses; any non-empty `attr=value` list here.
    public func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.contains("=")
    }

    public func matches(id: String, aclExpression: String) -> Bool {
        if let superUser, id == superUser { return true }
        return id == aclExpression
    }

    /// The identities a verified client certificate with subject `dn` gives:
    /// `x509:<dn>`, and `super:<dn>` first when it is the configured super user.
    public func identities(subject dn: String) -> [AuthIdentity] {
        var result: [AuthIdentity] = []
        if let superUser, dn == superUser { result.append(AuthIdentity(scheme: "super", id: dn)) }
        result.append(AuthIdentity(scheme: "x509", id: dn))
        return result
    }
}
