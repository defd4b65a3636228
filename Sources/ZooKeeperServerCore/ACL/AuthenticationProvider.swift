/// One ACL scheme, as Java's `AuthenticationProvider`: it turns `addauth` data
/// into identities, says which ACL ids are well formed, and matches a
/// connection's identity against an ACL id. Pure: whatever it needs from the
/// connection (the peer address) is passed in.
public protocol AuthenticationProvider: Sendable {
    /// The scheme of the ids it handles (`digest`, `ip`, ...).
    var scheme: String { get }

    /// Whether its identities name a user, so that the "auth" ACL scheme expands to
    /// them (Java's `isAuthenticated`): true for `digest`, false for `ip`.
    var isAuthenticated: Bool { get }

    /// The identities `addauth <scheme> <auth>` gives a connection whose peer is
    /// `remoteAddress` (Java's `getHostAddress()` text, nil when unknown); nil when
    /// authentication fails.
    func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]?

    /// Whether `id` is a well-formed id of this scheme in an ACL (Java's `isValid`).
    func isValid(_ id: String) -> Bool

    /// Whether a connection identity `id` of this scheme is granted by the ACL id
    /// `aclExpression` (Java's `matches`).
    func matches(id: String, aclExpression: String) -> Bool
}
