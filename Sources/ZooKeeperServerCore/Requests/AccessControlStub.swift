// Temporary stand-in until the ACL module lands; same API.
import ZooKeeperProtocol
public struct AuthIdentity: Hashable, Sendable { public var scheme: String; public var id: String; public init(scheme: String, id: String) { self.scheme = scheme; self.id = id } }
public enum AuthOutcome: Sendable { case authenticated([AuthIdentity]); case failed; case unknownScheme }
public struct AccessControl: Sendable {
    public init(superDigest: String? = nil, skipACL: Bool = false) {}
    public func allows(_ perm: Perms, acl: [ACL], identities: [AuthIdentity]) -> Bool { true }
    public func authenticate(scheme: String, auth: [UInt8], remoteAddress: String?) -> AuthOutcome { .failed }
    public func fixup(_ acl: [ACL], identities: [AuthIdentity]) -> [ACL]? { acl }
    public static func connectionIdentity(ipAddress: String) -> AuthIdentity { AuthIdentity(scheme: "ip", id: ipAddress) }
}
public enum PathValidation {
    public static func validate(_ path: String) -> String? { nil }
    public static func validate(_ path: String, isSequential: Bool) -> String? { nil }
}
