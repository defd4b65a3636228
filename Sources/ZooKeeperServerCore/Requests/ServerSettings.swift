/// What the request logic needs from the configuration, with Java's defaults.
public struct ServerSettings: Sendable {
    public var tickTime: Int32 = 2000
    /// -1 means the default: 2 × tickTime and 20 × tickTime.
    public var minSessionTimeout: Int32 = -1
    public var maxSessionTimeout: Int32 = -1
    /// `myid`; 0 in standalone. Goes in the top byte of session ids.
    public var serverID: Int64 = 0
    /// `zookeeper.extendedTypesEnabled`: TTL nodes.
    public var extendedTypesEnabled = false
    /// `zookeeper.DigestAuthenticationProvider.superDigest`.
    public var superDigest: String?
    /// `zookeeper.skipACL=yes`.
    public var skipACL = false
    /// `reconfigEnabled`; a standalone server answers Unimplemented instead of ReconfigDisabled when on.
    public var reconfigEnabled = false
    /// `zookeeper.closeSessionTxn.enabled`: closeSession txns name the ephemerals they delete.
    public var closeSessionTxnEnabled = true
    /// `zookeeper.enforceQuota`: hard quota limits fail writes with QuotaExceeded.
    public var enforceQuota = false
    /// `zookeeper.digest.enabled`: tree digests in the txn log and snapshots.
    public var digestEnabled = true
    /// `authProvider.N=...SASLAuthenticationProvider`: the `sasl` ACL scheme.
    public var saslProvider: SASLAuthenticationProvider?
    /// The `x509` ACL scheme, registered when a secure client port is configured.
    public var x509Provider: X509AuthenticationProvider?
    /// `enforce.auth.enabled` + `enforce.auth.schemes` (or `sessionRequireClientSASLAuth`,
    /// which means `sasl`): a connection holding no identity of these schemes is
    /// answered SessionClosedRequireSaslAuth and closed. Empty: not enforced.
    public var enforceAuthSchemes: [String] = []

    public init() {}

    public var effectiveMinSessionTimeout: Int32 { minSessionTimeout == -1 ? tickTime * 2 : minSessionTimeout }
    public var effectiveMaxSessionTimeout: Int32 { maxSessionTimeout == -1 ? tickTime * 20 : maxSessionTimeout }

    /// Java clamps the requested timeout into [min, max].
    public func negotiate(timeout requested: Int32) -> Int32 {
        min(max(requested, effectiveMinSessionTimeout), effectiveMaxSessionTimeout)
    }
}
