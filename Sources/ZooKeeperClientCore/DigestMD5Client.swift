import Crypto

/// The client side of SASL DIGEST-MD5 (RFC 2831), qop `auth`, as the JDK's
/// DigestMD5Client answers a ZooKeeper server: the first (empty) token asks
/// for the challenge, the response proves the password, and the server's
/// `rspauth` proves the server knew it too. Pure: the cnonce comes from the caller.
public struct DigestMD5Client: Sendable {
    public enum Step: Sendable, Equatable { case challenge, rspauth, done, failed }

    public let credentials: SASLCredentials
    public let cnonce: String
    public private(set) var step = Step.challenge
    /// A2 of the server's rspauth, known once the response is sent.
    private var expectedRspauth: [UInt8]?

    public init(credentials: SASLCredentials, cnonce: String) {
        self.credentials = credentials
        self.cnonce = cnonce
    }

    public var digestURI: String { "\(credentials.serviceName)/\(credentials.serverName)" }
    public var isComplete: Bool { step == .done }

    /// The next client token for the server's token; nil once complete. Throws
    /// (and fails) on a challenge or rspauth it cannot accept.
    public mutating func evaluate(_ token: [UInt8]) throws(DigestMD5Error) -> [UInt8]? {
        do throws(DigestMD5Error) {
            switch step {
            case .challenge:
                let reply = try respond(to: token)
                step = .rspauth
                return reply
            case .rspauth:
                let directives = try DigestDirectives.parse(token)
                guard let rspauth = directives["rspauth"], Array(rspauth.utf8) == expectedRspauth else {
                    throw DigestMD5Error("DIGEST-MD5: Mismatched response value in the server's rspauth")
                }
                step = .done
                return nil
            case .done, .failed:
                throw DigestMD5Error("DIGEST-MD5: authentication already \(step == .done ? "complete" : "failed")")
            }
        } catch {
            step = .failed
            throw error
        }
    }

    private mutating func respond(to challenge: [UInt8]) throws(DigestMD5Error) -> [UInt8] {
        let directives = try DigestDirectives.parse(challenge)
        guard let nonce = directives["nonce"] else { throw DigestMD5Error("DIGEST-MD5: challenge has no nonce") }
        let qops = (directives["qop"] ?? "auth").split(separator: ",").map { $0.trimmingSpaces }
        guard qops.contains("auth") else { throw DigestMD5Error("DIGEST-MD5: server offers no qop auth") }
        if let algorithm = directives["algorithm"], algorithm != "md5-sess" {
            throw DigestMD5Error("DIGEST-MD5: unsupported algorithm \(algorithm)")
        }
        // The JDK takes the server's (first) realm; the server name when none is offered.
        let realm = directives["realm"] ?? credentials.serverName
        let nc = "00000001"
        let response = Self.responseValue(
            a2Prefix: "AUTHENTICATE", credentials: credentials, realm: realm, nonce: nonce, cnonce: cnonce, nc: nc, digestURI: digestURI)
        expectedRspauth = Self.responseValue(
            a2Prefix: "", credentials: credentials, realm: realm, nonce: nonce, cnonce: cnonce, nc: nc, digestURI: digestURI)
        // Directives in any order (RFC 2831 2.1.2); servers look them up by name.
        var text = directives["charset"] == "utf-8" ? "charset=utf-8," : ""
        text += "username=\(Self.quote(credentials.username)),realm=\(Self.quote(realm)),nonce=\(Self.quote(nonce)),nc=\(nc),"
        text += "cnonce=\(Self.quote(cnonce)),digest-uri=\(Self.quote(digestURI)),maxbuf=65536,"
        text += "response=\(String(decoding: response, as: UTF8.self)),qop=auth"
        return Array(text.utf8)
    }

    /// RFC 2831 2.1.2.1: HEX(KD(HEX(H(A1)), nonce:nc:cnonce:qop:HEX(H(A2)))),
    /// A1 = H(user:realm:password):nonce:cnonce, A2 = prefix:digest-uri.
    static func responseValue(
        a2Prefix: String, credentials: SASLCredentials, realm: String, nonce: String, cnonce: String, nc: String, digestURI: String
    ) -> [UInt8] {
        let secret = Array(Insecure.MD5.hash(data: Array("\(credentials.username):\(realm):\(credentials.password)".utf8)))
        let a1 = secret + Array(":\(nonce):\(cnonce)".utf8)
        let a2 = Array("\(a2Prefix):\(digestURI)".utf8)
        let kd = hex(md5(a1)) + Array(":\(nonce):\(nc):\(cnonce):auth:".utf8) + hex(md5(a2))
        return hex(md5(kd))
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    private static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }
    }

    private static func quote(_ value: String) -> String {
        var quoted = "\""
        for c in value {
            if c == "\\" || c == "\"" { quoted.append("\\") }
            quoted.append(c)
        }
        return quoted + "\""
    }
}

public struct DigestMD5Error: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// `name=value` and `name="quoted value"` pairs separated by commas (RFC 2831 7.1).
enum DigestDirectives {
    static func parse(_ token: [UInt8]) throws(DigestMD5Error) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Substring(String(decoding: token, as: UTF8.self))
        while !chars.isEmpty {
            chars = chars.drop { $0 == " " || $0 == "," }
            guard let equals = chars.firstIndex(of: "=") else {
                if chars.isEmpty { break }
                throw DigestMD5Error("DIGEST-MD5: directive without a value")
            }
            let name = String(chars[..<equals]).trimmingSpaces.lowercased()
            chars = chars[chars.index(after: equals)...]
            var value = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                var closed = false
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\\", let escaped = chars.first { value.append(escaped); chars = chars.dropFirst() }
                    else if c == "\"" { closed = true; break }
                    else { value.append(c) }
                }
                guard closed else { throw DigestMD5Error("DIGEST-MD5: unterminated quoted value") }
            } else {
                let end = chars.firstIndex(of: ",") ?? chars.endIndex
                value = String(chars[..<end]).trimmingSpaces
                chars = chars[end...]
            }
            // The first realm wins, as the JDK picks the first offered.
            if result[name] == nil { result[name] = value }
        }
        return result
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
