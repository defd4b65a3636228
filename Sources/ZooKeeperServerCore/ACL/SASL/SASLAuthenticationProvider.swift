/// Java's `SASLAuthenticationProvider`: the `sasl` ACL scheme. Its identities
/// come from the SASL exchange (opcode 102), never from `addauth`.
public struct SASLAuthenticationProvider: AuthenticationProvider {
    /// `zookeeper.letAnySaslUserDoX`: an ACL id any SASL identity matches.
    public var letAnySaslUserDoX: String?

    public init(letAnySaslUserDoX: String? = nil) {
        self.letAnySaslUserDoX = letAnySaslUserDoX
    }

    public var scheme: String { "sasl" }
    public var isAuthenticated: Bool { true }

    /// `addauth sasl ...` always fails in Java.
    public func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]? { nil }

    /// Valid when Java's KerberosName accepts it.
    public func isValid(_ id: String) -> Bool { KerberosName(id) != nil }

    public func matches(id: String, aclExpression: String) -> Bool {
        if id == "super" || id == aclExpression { return true }
        return letAnySaslUserDoX.map { $0 == aclExpression } ?? false
    }
}
