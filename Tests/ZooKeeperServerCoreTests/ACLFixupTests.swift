import Testing
import ZooKeeperProtocol
import ZooKeeperServerCore

/// `PrepRequestProcessor.fixupACL` as `AccessControl.fixup`.
struct ACLFixupTests {
    /// An ACL given to create/setACL, the connection's identities, and what Java
    /// stores (nil: InvalidACL).
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var acl: [ACL]
        var identities: [AuthIdentity] = []
        var stored: [ACL]?

        var testDescription: String { name }
    }

    static let bob = AccessControl.digest("bob:secret")
    static let alice = AccessControl.digest("alice:pw")
    static let ip = AuthIdentity(scheme: "ip", id: "127.0.0.1")
    static let bobIdentity = AuthIdentity(scheme: "digest", id: bob)
    static let aliceIdentity = AuthIdentity(scheme: "digest", id: alice)
    static let superIdentity = AuthIdentity(scheme: "super", id: "")

    static func entry(_ perms: Perms, _ scheme: String?, _ id: String?) -> ACL {
        ACL(perms: perms.rawValue, id: Id(scheme: scheme, id: id))
    }

    static let anyone = entry(.all, "world", "anyone")

    /// One entry `scheme:id` alone; `valid` says whether Java keeps it.
    static func single(_ scheme: String, _ id: String, valid: Bool) -> Case {
        let acl = [entry(.read, scheme, id)]
        return Case(name: "\(scheme):\(id)", acl: acl, stored: valid ? acl : nil)
    }

    static let cases: [Case] = [
        Case(name: "world:anyone", acl: [anyone], stored: [anyone]),
        Case(name: "empty", acl: [], identities: [ip, bobIdentity], stored: nil),
        Case(name: "auth with one digest identity", acl: [entry(.all, "auth", "")], identities: [ip, bobIdentity],
             stored: [entry(.all, "digest", bob)]),
        Case(name: "auth with two digest identities, in connection order", acl: [entry([.read, .admin], "auth", "ignored")],
             identities: [aliceIdentity, ip, bobIdentity],
             stored: [entry([.read, .admin], "digest", alice), entry([.read, .admin], "digest", bob)]),
        Case(name: "auth with only ip", acl: [entry(.all, "auth", "")], identities: [ip], stored: nil),
        Case(name: "auth with no identities", acl: [entry(.all, "auth", "")], stored: nil),
        Case(name: "auth skips super", acl: [entry(.read, "auth", "")], identities: [superIdentity, bobIdentity],
             stored: [entry(.read, "digest", bob)]),
        Case(name: "auth with only super", acl: [entry(.read, "auth", "")], identities: [superIdentity], stored: nil),
        Case(name: "auth with an unknown scheme's identity", acl: [entry(.read, "auth", "")],
             identities: [AuthIdentity(scheme: "token", id: "t")], stored: nil),
        Case(name: "auth among other entries keeps positions",
             acl: [anyone, entry(.write, "auth", ""), entry(.read, "ip", "10.0.0.0/8")], identities: [bobIdentity],
             stored: [anyone, entry(.write, "digest", bob), entry(.read, "ip", "10.0.0.0/8")]),
        Case(name: "duplicates removed keeping the first",
             acl: [entry(.read, "digest", bob), anyone, entry(.read, "digest", bob), anyone],
             stored: [entry(.read, "digest", bob), anyone]),
        Case(name: "same id with other perms is no duplicate",
             acl: [entry(.read, "digest", bob), entry(.write, "digest", bob)],
             stored: [entry(.read, "digest", bob), entry(.write, "digest", bob)]),
        Case(name: "expansion is not de-duplicated", acl: [entry(.read, "auth", ""), entry(.read, "digest", bob)],
             identities: [bobIdentity], stored: [entry(.read, "digest", bob), entry(.read, "digest", bob)]),
        Case(name: "perms are not checked", acl: [ACL(perms: 0, id: Id(scheme: "world", id: "anyone")),
                                                  ACL(perms: 999, id: Id(scheme: "ip", id: "1.2.3.4"))],
             stored: [ACL(perms: 0, id: Id(scheme: "world", id: "anyone")), ACL(perms: 999, id: Id(scheme: "ip", id: "1.2.3.4"))]),
        Case(name: "one bad entry spoils all", acl: [anyone, entry(.read, "digest", "bob")], stored: nil),

        single("digest", bob, valid: true),
        single("digest", "bob", valid: false),
        single("digest", "bob:", valid: false),
        single("digest", "a:b:c", valid: false),
        single("digest", "bob:hash:", valid: true),  // split drops the trailing empty piece
        single("digest", ":hash", valid: true),
        single("digest", "", valid: false),
        single("digest", ":", valid: false),
        single("ip", "10.0.0.1", valid: true),
        single("ip", "10.0.0.0/8", valid: true),
        single("ip", "0.0.0.0/0", valid: true),
        single("ip", "10.0.0.1/32", valid: true),
        single("ip", "10.0.0.1/33", valid: false),
        single("ip", "10.0.0.1/", valid: false),
        single("ip", "10.0.0.1/x", valid: false),
        single("ip", "10.0.0", valid: false),
        single("ip", "10.0.0.1.", valid: false),
        single("ip", "256.0.0.1", valid: false),
        single("ip", "-1.0.0.1", valid: false),
        single("ip", "-0.0.0.1", valid: true),
        single("ip", "０.0.0.1", valid: true),  // fullwidth digit: Character.digit accepts it
        single("ip", "host.example", valid: false),
        single("ip", "::1", valid: false),  // 3.8.0 has no IPv6 ids
        single("ip", "fe80::/10", valid: false),
        single("world", "someone", valid: false),
        single("world", "Anyone", valid: false),
        single("super", "", valid: false),
        single("x509", "CN=client", valid: false),
        single("sasl", "bob", valid: false),
        Case(name: "missing scheme", acl: [entry(.read, nil, "anyone")], stored: nil),
        Case(name: "missing digest id", acl: [entry(.read, "digest", nil)], stored: nil),
        Case(name: "missing world id", acl: [entry(.read, "world", nil)], stored: nil),
    ]

    @Test(arguments: cases)
    func fixup(_ c: Case) {
        #expect(AccessControl().fixup(c.acl, identities: c.identities) == c.stored)
    }

    @Test func ipv6IdsWhenEnabled() {
        let control = AccessControl(providers: [IPAuthenticationProvider(allowsIPv6: true)])
        for id in ["::1", "fe80::/10", "2001:db8:0:0:0:0:0:1/128", "1:2:3:4:5:6:7:8", "10.0.0.1"] {
            let acl = [Self.entry(.read, "ip", id)]
            #expect(control.fixup(acl, identities: []) == acl, "\(id)")
        }
        for id in ["1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "12345::", "::g", "::1/129", "::ffff:1.2.3.4", "abc"] {
            #expect(control.fixup([Self.entry(.read, "ip", id)], identities: []) == nil, "\(id)")
        }
    }

    /// A provider added to the registry takes part in validation and expansion.
    @Test func customProvider() {
        struct Token: AuthenticationProvider {
            var scheme: String { "token" }
            var isAuthenticated: Bool { true }
            func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]? {
                auth.isEmpty ? nil : [AuthIdentity(scheme: scheme, id: String(decoding: auth, as: UTF8.self))]
            }
            func isValid(_ id: String) -> Bool { id.hasPrefix("t-") }
            func matches(id: String, aclExpression: String) -> Bool { id == aclExpression }
        }
        let control = AccessControl(providers: [IPAuthenticationProvider(), Token()])
        let identities = [AuthIdentity(scheme: "ip", id: "1.1.1.1"), AuthIdentity(scheme: "token", id: "t-1")]
        #expect(control.fixup([Self.entry(.read, "auth", "")], identities: identities) == [Self.entry(.read, "token", "t-1")])
        #expect(control.fixup([Self.entry(.read, "token", "t-2")], identities: []) == [Self.entry(.read, "token", "t-2")])
        #expect(control.fixup([Self.entry(.read, "token", "x")], identities: []) == nil)
        #expect(control.allows(.read, acl: [Self.entry(.read, "token", "t-1")], identities: identities))
        #expect(control.authenticate(scheme: "token", auth: [], remoteAddress: nil) == .failed)
        #expect(control.authenticate(scheme: "digest", auth: Array("a:b".utf8), remoteAddress: nil) == .unknownScheme)
    }
}
