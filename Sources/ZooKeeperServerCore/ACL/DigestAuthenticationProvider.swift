import Crypto

/// The `digest` scheme: `addauth digest user:password` gives the identity
/// `digest:user:base64(SHA-1("user:password"))`, and an ACL id matches when it is
/// that exact text.
public struct DigestAuthenticationProvider: AuthenticationProvider {
    public var scheme: String { "digest" }
    public var isAuthenticated: Bool { true }

    /// `zookeeper.DigestAuthenticationProvider.superDigest` (`super:<base64>`):
    /// whoever authenticates to exactly this digest also becomes `super`.
    public var superDigest: String?

    public init(superDigest: String? = nil) {
        self.superDigest = superDigest
    }

    /// `generateDigest`: the text before the first colon (all of it when there is
    /// none), a colon, and the base64 SHA-1 of the whole UTF-8 text.
    public static func digest(_ idPassword: String) -> String {
        let user = idPassword.unicodeScalars.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { String($0) } ?? ""
        let hash = Insecure.SHA1.hash(data: Array(idPassword.utf8))
        return user + ":" + Base64.encode(Array(hash))
    }

    /// Java decodes the bytes with the platform charset (UTF-8 on the usual
    /// deployments; malformed bytes become U+FFFD) and never fails.
    public func authenticate(auth: [UInt8], remoteAddress: String?) -> [AuthIdentity]? {
        let digest = Self.digest(String(decoding: auth, as: UTF8.self))
        var identities: [AuthIdentity] = []
        if digest == superDigest {
            identities.append(AuthIdentity(scheme: "super", id: ""))
        }
        identities.append(AuthIdentity(scheme: scheme, id: digest))
        return identities
    }

    /// Java's `id.split(":").length == 2`: exactly two pieces once trailing empty
    /// pieces are dropped, so `bob:hash:` and `:hash` pass while `bob:` and
    /// `a:b:c` do not. The hash part is not checked at all.
    public func isValid(_ id: String) -> Bool {
        JavaText.split(id, on: ":").count == 2
    }

    public func matches(id: String, aclExpression: String) -> Bool {
        id == aclExpression
    }
}

/// RFC 4648 base64 with padding, what Java's hand-written encoder produces.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                if position <= count {
                    out.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 0x3F)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
