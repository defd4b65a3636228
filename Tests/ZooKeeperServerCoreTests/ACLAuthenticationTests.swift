import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore

/// `addauth`, digests and connection identities.
struct ACLAuthenticationTests {
    /// Golden values from Java's formula, computed independently with
    /// `base64(hashlib.sha1(text.encode()).digest())`.
    @Test(arguments: [
        ("super:test", "super:D/InIHSb7yEEbrWz8b9l71RjZJU="),
        ("bob:secret", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="),
        ("alice:pw", "alice:V55/p2T0OpjQ+low3NVAH4aLvm0="),
        ("bob", "bob:SBgazSKz7a68ikR4aKfffOYpkgo="),  // no colon: the whole text is the user
        ("", ":2jmj7l5rSw0yVb/vlWAYkK/YBwk="),
        ("user:pa:ss", "user:eGYxmOtrfaj/35Fq9lW7ol9psVU="),  // only the first colon splits
        ("ü:ß", "ü:vB6Co0vguxtrKN0lKrXliXiGJq4="),  // UTF-8 bytes are hashed
    ])
    func digest(_ idPassword: String, _ expected: String) {
        #expect(AccessControl.digest(idPassword) == expected)
    }

    @Test(arguments: [
        ([UInt8](), ""),
        ([0x66], "Zg=="),
        ([0x66, 0x6F], "Zm8="),
        ([0x66, 0x6F, 0x6F], "Zm9v"),
        ([0x66, 0x6F, 0x6F, 0x62], "Zm9vYg=="),
        ([0xFB, 0xFF, 0xBF], "+/+/"),
    ] as [([UInt8], String)])
    func base64(_ bytes: [UInt8], _ expected: String) {
        #expect(Base64.encode(bytes) == expected)
    }

    static let superDigest = "super:D/InIHSb7yEEbrWz8b9l71RjZJU="

    @Test func digestAuthentication() {
        let control = AccessControl()
        #expect(control.authenticate(scheme: "digest", auth: Array("bob:secret".utf8), remoteAddress: "127.0.0.1")
            == .authenticated([AuthIdentity(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")]))
        // Any bytes authenticate: there is no password store.
        #expect(control.authenticate(scheme: "digest", auth: [], remoteAddress: nil)
            == .authenticated([AuthIdentity(scheme: "digest", id: ":2jmj7l5rSw0yVb/vlWAYkK/YBwk=")]))
    }

    @Test func superDigestAddsSuper() {
        let control = AccessControl(superDigest: Self.superDigest)
        #expect(control.authenticate(scheme: "digest", auth: Array("super:test".utf8), remoteAddress: nil)
            == .authenticated([AuthIdentity(scheme: "super", id: ""), AuthIdentity(scheme: "digest", id: Self.superDigest)]))
        #expect(control.authenticate(scheme: "digest", auth: Array("super:wrong".utf8), remoteAddress: nil)
            == .authenticated([AuthIdentity(scheme: "digest", id: AccessControl.digest("super:wrong"))]))
        // Without the property, the same password is just a digest identity.
        #expect(AccessControl().authenticate(scheme: "digest", auth: Array("super:test".utf8), remoteAddress: nil)
            == .authenticated([AuthIdentity(scheme: "digest", id: Self.superDigest)]))
    }

    @Test func malformedUTF8IsReplaced() {
        // 0xFF is not UTF-8; Java's decoder, like Swift's, yields U+FFFD.
        #expect(AccessControl().authenticate(scheme: "digest", auth: [0x62, 0xFF, 0x3A, 0x70], remoteAddress: nil)
            == .authenticated([AuthIdentity(scheme: "digest", id: AccessControl.digest("b\u{FFFD}:p"))]))
    }

    @Test func ipAuthenticationUsesThePeer() {
        let control = AccessControl()
        #expect(control.authenticate(scheme: "ip", auth: Array("10.9.9.9".utf8), remoteAddress: "127.0.0.1")
            == .authenticated([AuthIdentity(scheme: "ip", id: "127.0.0.1")]))
        #expect(control.authenticate(scheme: "ip", auth: [], remoteAddress: "::1")
            == .authenticated([AuthIdentity(scheme: "ip", id: "0:0:0:0:0:0:0:1")]))
        #expect(control.authenticate(scheme: "ip", auth: [], remoteAddress: nil) == .failed)
    }

    @Test(arguments: ["super", "world", "auth", "sasl", "x509", "Digest", ""])
    func unknownScheme(_ scheme: String) {
        #expect(AccessControl().authenticate(scheme: scheme, auth: Array("a:b".utf8), remoteAddress: "127.0.0.1")
            == .unknownScheme)
    }

    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("10.20.30.40", "10.20.30.40"),
        ("::1", "0:0:0:0:0:0:0:1"),
        ("::", "0:0:0:0:0:0:0:0"),
        ("fe80::1%eth0", "fe80:0:0:0:0:0:0:1"),
        ("2001:DB8::A", "2001:db8:0:0:0:0:0:a"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8:0:0:0:ff00:42:8329"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1::", "1:0:0:0:0:0:0:0"),
        ("::ffff:10.0.0.1", "10.0.0.1"),  // the JDK reports mapped peers as IPv4
        ("::ffff:a00:1", "10.0.0.1"),
        ("::127.0.0.1", "0:0:0:0:0:0:7f00:1"),  // IPv4-compatible is not mapped
        ("64:ff9b::192.0.2.33", "64:ff9b:0:0:0:0:c000:221"),
        ("localhost", "localhost"),  // not an address: kept as given
        ("1::2::3", "1::2::3"),
        ("1.2.3.256", "1.2.3.256"),
        ("1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"),
        ("12345::", "12345::"),
    ])
    func connectionIdentity(_ nio: String, _ java: String) {
        #expect(AccessControl.connectionIdentity(ipAddress: nio) == AuthIdentity(scheme: "ip", id: java))
    }

    /// `Integer.parseInt`, which decides what Java's `ip` ids accept.
    @Test(arguments: [
        ("0", 0), ("010", 10), ("+7", 7), ("-0", 0), ("-12", -12),
        ("2147483647", 2147483647), ("-2147483648", -2147483648),
        ("２", 2), ("١٢", 12),
    ] as [(String, Int32)])
    func javaParseInt(_ text: String, _ value: Int32) {
        #expect(JavaText.parseInt(text) == value)
    }

    @Test(arguments: ["", "+", "-", "2147483648", "-2147483649", "1 ", " 1", "1a", "0x1", "𝟏"])
    func javaParseIntRefuses(_ text: String) {
        #expect(JavaText.parseInt(text) == nil)
    }

    @Test func javaParseIntHex() {
        #expect(JavaText.parseInt("ffff", radix: 16) == 0xFFFF)
        #expect(JavaText.parseInt("DB8", radix: 16) == 0xDB8)
        #expect(JavaText.parseInt("g", radix: 16) == nil)
        #expect(JavaText.parseInt("a", radix: 10) == nil)
    }

    @Test func javaSplit() {
        #expect(JavaText.split("a:b::", on: ":") == ["a", "b"])
        #expect(JavaText.split(":a", on: ":") == ["", "a"])
        #expect(JavaText.split("", on: ":") == [""])
        #expect(JavaText.split("::", on: ":") == [])
        #expect(JavaText.split("a/b/c", on: "/", limit: 2) == ["a", "b/c"])
        #expect(JavaText.splitKeepingEmpty("1.2..", on: ".") == ["1", "2", "", ""])
    }
}
