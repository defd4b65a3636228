/// The `ip` scheme: every connection starts with `ip:<peer address>`, and an ACL
/// id `a.b.c.d` or `a.b.c.d/bits` matches peers in that network. Not an
/// authenticated scheme: "auth" ACLs never expand to it.
public struct IPAuthenticationProvider: AuthenticationProvider {
    public var scheme: String { "ip" }
    public var isAuthenticated: Bool { false }

    /// Off in ZooKeeper 3.8.0, where only IPv4 ids are valid and only IPv4 peers
    /// match; on gives ZOOKEEPER-4240's IPv6 reading (see `IPAddressPattern`).
    public var allowsIPv6: Bool

    public init(allowsIPv6: Bool = false) {
        self.allowsIPv6 = allowsIPv6
    }

    /// `addauth ip <anything>` ignores the data and adds the peer's address again;
    /// with no known peer Java's handler throws, which it answers as AuthFailed.
    public func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]? {
        guard let remoteAddress else { return nil }
        return [AccessControl.connectionIdentity(ipAddress: remoteAddress)]
    }

    public func isValid(_ id: String) -> Bool {
        IPAddressPattern(id, allowingIPv6: allowsIPv6) != nil
    }

    public func matches(id: String, aclExpression: String) -> Bool {
        guard let pattern = IPAddressPattern(aclExpression, allowingIPv6: allowsIPv6),
              let peer = IPAddressPattern.addressBytes(id, allowingIPv6: allowsIPv6)
        else { return false }
        return pattern.matches(peer)
    }
}
