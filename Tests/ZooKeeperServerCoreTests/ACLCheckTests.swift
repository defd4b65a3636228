import Testing
import ZooKeeperProtocol
import ZooKeeperServerCore

/// `ZooKeeperServer.checkACL` as `AccessControl.allows`.
struct ACLCheckTests {
    /// One permission check and Java's verdict.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var perm: Perms
        var acl: [ACL]
        var identities: [AuthIdentity]
        var allowed: Bool
        var control = AccessControl()

        var testDescription: String { name }
    }

    static let bob = AccessControl.digest("bob:secret")  // bob:fyVmFCwVbTJYrznoSu1koqYEYF0=
    static let alice = AccessControl.digest("alice:pw")
    static let ipv6 = AccessControl(providers: [IPAuthenticationProvider(allowsIPv6: true), DigestAuthenticationProvider()])

    static func entry(_ perms: Perms, _ scheme: String?, _ id: String?) -> ACL {
        ACL(perms: perms.rawValue, id: Id(scheme: scheme, id: id))
    }

    static func ip(_ id: String) -> AuthIdentity { AuthIdentity(scheme: "ip", id: id) }
    static func digest(_ id: String) -> AuthIdentity { AuthIdentity(scheme: "digest", id: id) }

    /// `ip` ACL `pattern` against a connection from `peer`, all perms.
    static func ipCase(_ pattern: String, _ peer: String, _ allowed: Bool,
                       control: AccessControl = AccessControl()) -> Case {
        Case(name: "ip \(pattern) vs \(peer)", perm: .read, acl: [entry(.all, "ip", pattern)],
             identities: [ip(peer)], allowed: allowed, control: control)
    }

    static let cases: [Case] = [
        Case(name: "empty ACL allows all", perm: .admin, acl: [], identities: [], allowed: true),
        Case(name: "world:anyone", perm: .read, acl: [entry(.all, "world", "anyone")], identities: [], allowed: true),
        Case(name: "world:anyone without the bit", perm: .write, acl: [entry(.read, "world", "anyone")],
             identities: [ip("127.0.0.1")], allowed: false),
        Case(name: "world:someone grants nothing", perm: .read, acl: [entry(.all, "world", "someone")],
             identities: [AuthIdentity(scheme: "world", id: "someone")], allowed: false),
        Case(name: "digest match", perm: .read, acl: [entry(.all, "digest", bob)], identities: [ip("10.0.0.1"), digest(bob)],
             allowed: true),
        Case(name: "digest mismatch", perm: .read, acl: [entry(.all, "digest", bob)], identities: [digest(alice)],
             allowed: false),
        Case(name: "digest id under another scheme", perm: .read, acl: [entry(.all, "digest", bob)],
             identities: [AuthIdentity(scheme: "ip", id: bob)], allowed: false),
        Case(name: "digest is exact text, not re-hashed", perm: .read, acl: [entry(.all, "digest", "bob:secret")],
             identities: [digest(bob)], allowed: false),
        Case(name: "no identities", perm: .read, acl: [entry(.all, "digest", bob)], identities: [], allowed: false),

        ipCase("127.0.0.1", "127.0.0.1", true),
        ipCase("127.0.0.1", "127.0.0.2", false),
        ipCase("10.0.0.0/8", "10.200.3.4", true),
        ipCase("10.0.0.0/8", "11.0.0.1", false),
        ipCase("10.1.2.3/8", "10.9.9.9", true),  // host bits of the pattern are masked too
        ipCase("192.168.1.0/24", "192.168.1.77", true),
        ipCase("192.168.1.0/24", "192.168.2.1", false),
        ipCase("192.168.1.5/32", "192.168.1.5", true),
        ipCase("192.168.1.5/32", "192.168.1.6", false),
        ipCase("1.2.3.4/0", "200.1.1.1", true),
        ipCase("172.16.0.0/12", "172.31.255.255", true),
        ipCase("172.16.0.0/12", "172.32.0.0", false),
        ipCase("192.168.1.5/33", "192.168.1.5", false),
        ipCase("192.168.1.5/-1", "192.168.1.5", false),
        ipCase("192.168.1.5/", "192.168.1.5", false),
        ipCase("010.0.0.1", "10.0.0.1", true),  // Integer.parseInt: leading zeros are decimal
        ipCase("+10.0.0.1", "10.0.0.1", true),
        ipCase("10.0.0", "10.0.0.1", false),
        ipCase("10.0.0.256", "10.0.0.0", false),
        ipCase("localhost", "127.0.0.1", false),

        // 3.8.0: no IPv6 at all, not even /0.
        ipCase("1.2.3.4/0", "0:0:0:0:0:0:0:1", false),
        ipCase("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", false),
        ipCase("::1", "0:0:0:0:0:0:0:1", false),
        // ZOOKEEPER-4240's IPv6 reading, when enabled.
        ipCase("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", true, control: ipv6),
        ipCase("::1", "0:0:0:0:0:0:0:1", true, control: ipv6),
        ipCase("::1", "0:0:0:0:0:0:0:2", false, control: ipv6),
        ipCase("2001:db8::/32", "2001:db8:0:0:0:0:0:5", true, control: ipv6),
        ipCase("2001:db8::/32", "2001:db9:0:0:0:0:0:5", false, control: ipv6),
        ipCase("fe80::/10", "febf:0:0:0:0:0:0:1", true, control: ipv6),
        ipCase("fe80::/10", "fec0:0:0:0:0:0:0:1", false, control: ipv6),
        ipCase("::/0", "127.0.0.1", false, control: ipv6),  // families never match each other
        ipCase("10.0.0.0/8", "10.1.1.1", true, control: ipv6),
        ipCase("2001:db8::/129", "2001:db8:0:0:0:0:0:5", false, control: ipv6),

        Case(name: "super allows without a matching entry", perm: .admin, acl: [entry(.read, "digest", bob)],
             identities: [ip("1.1.1.1"), AuthIdentity(scheme: "super", id: "")], allowed: true),
        Case(name: "super allows even with zero perms", perm: .delete, acl: [entry([], "world", "anyone")],
             identities: [AuthIdentity(scheme: "super", id: "anything")], allowed: true),
        Case(name: "super ACL entry grants nothing", perm: .read, acl: [entry(.all, "super", "")],
             identities: [ip("1.1.1.1")], allowed: false),

        Case(name: "read|write entry, write asked", perm: .write, acl: [entry([.read, .write], "digest", bob)],
             identities: [digest(bob)], allowed: true),
        Case(name: "read|write entry, delete asked", perm: .delete, acl: [entry([.read, .write], "digest", bob)],
             identities: [digest(bob)], allowed: false),
        Case(name: "read|write entry, admin asked", perm: .admin, acl: [entry([.read, .write], "digest", bob)],
             identities: [digest(bob)], allowed: false),
        Case(name: "create bit", perm: .create, acl: [entry(.create, "world", "anyone")], identities: [], allowed: true),
        Case(name: "any shared bit suffices", perm: [.read, .admin], acl: [entry(.read, "world", "anyone")],
             identities: [], allowed: true),
        Case(name: "no perm asked", perm: [], acl: [entry(.all, "world", "anyone")], identities: [], allowed: false),
        Case(name: "second entry grants", perm: .write,
             acl: [entry(.read, "digest", bob), entry(.write, "ip", "127.0.0.0/8"), entry(.admin, "digest", alice)],
             identities: [ip("127.0.0.1")], allowed: true),
        Case(name: "matching id but bit on another entry", perm: .write,
             acl: [entry(.read, "digest", bob), entry(.write, "digest", alice)],
             identities: [digest(bob)], allowed: false),
        Case(name: "unknown scheme", perm: .read, acl: [entry(.all, "token", "abc")],
             identities: [AuthIdentity(scheme: "token", id: "abc")], allowed: false),
        Case(name: "entry without scheme or id", perm: .read, acl: [entry(.all, nil, "anyone"), entry(.all, "world", nil)],
             identities: [], allowed: false),
        Case(name: "skipACL", perm: .admin, acl: [entry(.read, "digest", bob)], identities: [], allowed: true,
             control: AccessControl(skipACL: true)),
    ]

    @Test(arguments: cases)
    func allows(_ c: Case) {
        #expect(c.control.allows(c.perm, acl: c.acl, identities: c.identities) == c.allowed)
    }

    /// A digest provider removed from the registry (Java:
    /// `zookeeper.DigestAuthenticationProvider.enabled=false`) matches nothing.
    @Test func registryDecidesWhichSchemesMatch() {
        let ipOnly = AccessControl(providers: [IPAuthenticationProvider()])
        let acl = [Self.entry(.all, "digest", Self.bob)]
        #expect(!ipOnly.allows(.read, acl: acl, identities: [Self.digest(Self.bob)]))
        #expect(AccessControl().allows(.read, acl: acl, identities: [Self.digest(Self.bob)]))
    }
}
