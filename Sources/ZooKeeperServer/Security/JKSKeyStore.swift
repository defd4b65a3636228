import Crypto

/// A Java KeyStore (JKS) file read as a truststore: its certificates, with the
/// file's integrity check (a SHA-1 over the password and the contents, from
/// swift-crypto). Private keys stay sealed: their protection (Sun's
/// KeyProtector) is a cipher neither swift-crypto nor BoringSSL offers, and
/// this project writes no cipher of its own; JKS keystores are converted to
/// PKCS12 with keytool instead.
struct JKSKeyStore {
    struct PrivateKeyEntry {
        var alias: String
        /// Certificate DERs, the entry's own first.
        var chain: [[UInt8]]
    }

    var privateKeys: [PrivateKeyEntry] = []
    /// Trusted certificate DERs.
    var trustedCertificates: [[UInt8]] = []

    static func isJKS(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0xFE, 0xED, 0xFE, 0xED]) }

    init(bytes: [UInt8], password: String) throws(JKSError) {
        let passwordBytes = password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        guard bytes.count >= 32, Self.isJKS(bytes) else { throw .notJKS }
        // The digest covers everything before it, keyed with the password.
        let body = bytes[..<(bytes.count - 20)]
        var hasher = Insecure.SHA1()
        hasher.update(data: passwordBytes)
        hasher.update(data: Array("Mighty Aphrodite".utf8))
        hasher.update(data: body)
        guard Array(hasher.finalize()) == Array(bytes[(bytes.count - 20)...]) else { throw .wrongPassword }

        var reader = Reader(bytes: body)
        _ = try reader.u32() // magic
        let version = try reader.u32()
        guard version == 1 || version == 2 else { throw .malformed("version \(version)") }
        let count = try reader.u32()
        for _ in 0..<count {
            let tag = try reader.u32()
            let alias = try reader.utf()
            _ = try reader.bytes(8) // creation date
            switch tag {
            case 1:
                let protected = try reader.bytes(Int(try reader.u32()))
                let chainLength = try reader.u32()
                var chain: [[UInt8]] = []
                for _ in 0..<chainLength {
                    if version == 2 { _ = try reader.utf() }
                    chain.append(try reader.bytes(Int(try reader.u32())))
                }
                _ = protected
                privateKeys.append(PrivateKeyEntry(alias: alias, chain: chain))
            case 2:
                if version == 2 { _ = try reader.utf() }
                trustedCertificates.append(try reader.bytes(Int(try reader.u32())))
            default:
                throw .malformed("entry tag \(tag)")
            }
        }
    }

    private struct Reader {
        var bytes: ArraySlice<UInt8>

        mutating func bytes(_ count: Int) throws(JKSError) -> [UInt8] {
            guard count >= 0, bytes.count >= count else { throw .malformed("truncated") }
            defer { bytes = bytes.dropFirst(count) }
            return Array(bytes.prefix(count))
        }

        mutating func u32() throws(JKSError) -> UInt32 {
            try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
        }

        /// Java's writeUTF: a 16-bit length, then modified UTF-8.
        mutating func utf() throws(JKSError) -> String {
            let length = try bytes(2).reduce(0) { $0 << 8 | Int($1) }
            return String(decoding: try bytes(length), as: UTF8.self)
        }
    }
}

enum JKSError: Error, Equatable, CustomStringConvertible {
    case notJKS
    case wrongPassword
    case wrongKeyPassword(String)
    case malformed(String)

    var description: String {
        switch self {
        case .notJKS: "not a JKS keystore"
        case .wrongPassword: "Keystore was tampered with, or password was incorrect"
        case .wrongKeyPassword(let alias): "cannot recover the key of \(alias): wrong password"
        case .malformed(let what): "malformed JKS keystore: \(what)"
        }
    }
}
