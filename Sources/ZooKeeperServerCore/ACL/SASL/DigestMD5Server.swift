import Crypto

/// The server side of SASL DIGEST-MD5 (RFC 2831) as the JDK's `DigestMD5Server`
/// runs it for ZooKeeper: qop `auth` only, charset utf-8, one realm (the server
/// name, "zk-sasl-md5"), and the digest-uri `zookeeper/zk-sasl-md5`.
///
/// Two steps: an empty first token is answered with the challenge; the client's
/// response is checked and answered with `rspauth=...`, which completes it. Any
/// other call fails, as the JDK's does. Pure: the nonce comes from the caller.
public struct DigestMD5Server: Sendable {
    public enum Step: Sendable, Equatable { case challenge, response, done, failed }

    /// Users and their passwords (the JAAS `user_NAME="password"` options).
    public var credentials: [String: String]
    public var realm: String
    public var digestURI: String
    /// The challenge's nonce, quoted as is (the JDK sends 40 base64 characters).
    public let nonce: [UInt8]
    public private(set) var step = Step.challenge
    /// The user name whose password matched, once complete.
    public private(set) var authenticationID: String?

    /// The JDK refuses longer client responses.
    static let maxResponseLength = 4096

    public init(credentials: [String: String], nonce: [UInt8], protocol: String = "zookeeper", serverName: String = "zk-sasl-md5") {
        self.credentials = credentials
        self.nonce = nonce
        self.realm = serverName
        self.digestURI = "\(`protocol`)/\(serverName)"
    }

    public var isComplete: Bool { step == .done }

    /// The next server token for the client token `token`; throws when the
    /// exchange fails (the connection is then answered AuthFailed and closed).
    public mutating func evaluate(_ token: [UInt8]) throws(DigestMD5Error) -> [UInt8] {
        guard token.count <= Self.maxResponseLength else {
            step = .failed
            throw DigestMD5Error("DIGEST-MD5: Invalid digest response length. Got:  \(token.count) Expected < \(Self.maxResponseLength)")
        }
        switch step {
        case .challenge:
            guard token.isEmpty else {
                step = .failed
                throw DigestMD5Error("DIGEST-MD5 must not have an initial response")
            }
            step = .response
            return challenge
        case .response:
            do {
                let reply = try validate(token)
                step = .done
                return reply
            } catch {
                step = .failed
                throw error
            }
        case .done, .failed:
            step = .failed
            throw DigestMD5Error("DIGEST-MD5: Server at illegal state")
        }
    }

    /// `realm="...",nonce="...",charset=utf-8,algorithm=md5-sess`: the JDK's order.
    /// ZooKeeper sets no qop property, so the JDK names none (the client then
    /// chooses `auth`, RFC 2831's default).
    public var challenge: [UInt8] {
        var out: [UInt8] = []
        out += Array("realm=\"".utf8) + Self.quoted(Array(realm.utf8)) + Array("\",".utf8)
        out += Array("nonce=\"".utf8) + Self.quoted(nonce) + Array("\",".utf8)
        out += Array("charset=utf-8,algorithm=md5-sess".utf8)
        return out
    }

    private static func quoted(_ value: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in value {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        return out
    }

    /// The JDK's checks, in its order and with its messages.
    private mutating func validate(_ token: [UInt8]) throws(DigestMD5Error) -> [UInt8] {
        let directives = try DigestMD5Directives(parsing: token)
        if let charset = directives["charset"], String(decoding: charset, as: UTF8.self) != "utf-8" {
            throw .format("Incompatible charset value: \(String(decoding: charset, as: UTF8.self))")
        }
        if let maxbuf = directives["maxbuf"], Int(String(decoding: maxbuf, as: UTF8.self)) == nil {
            throw .format("Invalid maxbuf value: \(String(decoding: maxbuf, as: UTF8.self))")
        }
        guard let userBytes = directives["username"] else { throw .format("Missing username.") }
        let username = String(decoding: userBytes, as: UTF8.self)
        let negotiatedRealm = directives["realm"].map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard negotiatedRealm == realm else { throw .format("Nonexistent realm: \(negotiatedRealm)") }
        guard let clientNonce = directives["nonce"] else { throw .format("Missing nonce.") }
        guard clientNonce == nonce else { throw .format("Mismatched nonce.") }
        guard let cnonce = directives["cnonce"] else { throw .format("Missing cnonce.") }
        // The JDK reads the count under the name "nonce-count" only (so a
        // client's "nc" is not read) and computes with a count of 1.
        if let count = directives["nonce-count"], Int(String(decoding: count, as: UTF8.self), radix: 16) != 1 {
            throw .format("Nonce count does not match: \(String(decoding: count, as: UTF8.self))")
        }
        let qop = directives["qop"].map { String(decoding: $0, as: UTF8.self) } ?? "auth"
        switch qop {
        case "auth": break
        case "auth-int", "auth-conf": throw DigestMD5Error("DIGEST-MD5: server does not support  qop: \(qop)")
        default: throw .format("Invalid QOP: \(qop)")
        }
        let uri = directives["digest-uri"].map { String(decoding: $0, as: UTF8.self) }
        guard let uri, uri.lowercased() == digestURI.lowercased() else {
            throw .format("Mismatched URI: \(uri ?? "null"); expecting: \(digestURI)")
        }
        guard let response = directives["response"] else {
            throw DigestMD5Error("DIGEST-MD5: digest response format  violation. Missing response.")
        }
        guard let password = credentials[username] else {
            throw DigestMD5Error("DIGEST-MD5: cannot acquire password for \(username) in realm : \(negotiatedRealm)")
        }
        let authzid = directives["authzid"]
        let expected = Self.responseValue(
            method: "AUTHENTICATE", digestURI: uri, qop: qop, username: username, realm: negotiatedRealm,
            password: password, nonce: nonce, cnonce: cnonce, authzid: authzid
        )
        guard expected == response else { throw .format("Mismatched response.") }
        authenticationID = username
        let auth = Self.responseValue(
            method: "", digestURI: uri, qop: qop, username: username, realm: negotiatedRealm,
            password: password, nonce: nonce, cnonce: cnonce, authzid: authzid
        )
        return Array("rspauth=".utf8) + auth
    }

    /// RFC 2831 2.1.2.1, the lowercase hex `response-value` with a nonce count of 1:
    /// HEX(H(HEX(H(A1)) ":" nonce ":" nc ":" cnonce ":" qop ":" HEX(H(A2)))), where
    /// A1 = H(user ":" realm ":" password) ":" nonce ":" cnonce [":" authzid] and
    /// A2 = method ":" digest-uri. `method` is "AUTHENTICATE" for the client's
    /// response and "" for the server's rspauth.
    public static func responseValue(
        method: String, digestURI: String, qop: String, username: String, realm: String, password: String,
        nonce: [UInt8], cnonce: [UInt8], authzid: [UInt8]?
    ) -> [UInt8] {
        let colon = UInt8(ascii: ":")
        var secret = latin1IfPossible(username)
        secret.append(colon)
        secret += latin1IfPossible(realm)
        secret.append(colon)
        secret += latin1IfPossible(password)
        var a1 = Array(Insecure.MD5.hash(data: secret))
        a1.append(colon)
        a1 += nonce
        a1.append(colon)
        a1 += cnonce
        if let authzid {
            a1.append(colon)
            a1 += authzid
        }
        let a2 = Array("\(method):\(digestURI)".utf8)
        var kd = hex(Insecure.MD5.hash(data: a1))
        kd += [colon] + nonce + [colon] + Array("00000001".utf8) + [colon] + cnonce + [colon]
        kd += Array(qop.utf8) + [colon] + hex(Insecure.MD5.hash(data: a2))
        return hex(Insecure.MD5.hash(data: kd))
    }

    /// With charset=utf-8, RFC 2831 hashes the user, realm and password in
    /// ISO 8859-1 when every character fits, in UTF-8 otherwise.
    static func latin1IfPossible(_ text: String) -> [UInt8] {
        let scalars = text.unicodeScalars
        if scalars.allSatisfy({ $0.value <= 0xFF }) {
            return scalars.map { UInt8($0.value) }
        }
        return Array(text.utf8)
    }

    static func hex<D: Sequence>(_ digest: D) -> [UInt8] where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}
