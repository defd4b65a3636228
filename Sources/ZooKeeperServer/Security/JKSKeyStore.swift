import Crypto

/// A Java KeyStore (JKS) file: private key entries with their certificate
/// chains, and trusted certificates. Its integrity check and its key
/// protection (Sun's KeyProtector: a SHA-1 keystream XORed with the key, then a
/// SHA-1 check) use swift-crypto's SHA-1; nothing else is needed to read it.
struct JKSKeyStore {
    struct PrivateKeyEntry {
        var alias: String
        /// PKCS#8 PrivateKeyInfo DER.
        var key: [UInt8]
        /// Certificate DERs, the entry's own first.
        var chain: [[UInt8]]
    }

    var privateKeys: [PrivateKeyEntry] = []
    /// Trusted certificate DERs.
    var trustedCertificates: [[UInt8]] = []

    /// The key protector's algorithm identifier (1.3.6.1.4.1.42.2.17.1.1).
    static let keyProtectorOID: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0x2A, 0x02, 0x11, 0x01, 0x01]

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
                let key = try Self.recoverKey(protected, password: passwordBytes, alias: alias)
                privateKeys.append(PrivateKeyEntry(alias: alias, key: key, chain: chain))
            case 2:
                if version == 2 { _ = try reader.utf() }
                trustedCertificates.append(try reader.bytes(Int(try reader.u32())))
            default:
                throw .malformed("entry tag \(tag)")
            }
        }
    }

    /// EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING salt|data|check }.
    private static func recoverKey(_ protected: [UInt8], password: [UInt8], alias: String) throws(JKSError) -> [UInt8] {
        let encrypted: ArraySlice<UInt8>
        do {
            var der = DER(protected)
            let info = try der.next().children()
            guard info.count == 2, let oid = try info[0].children().first, oid.tag == 0x06 else {
                throw JKSError.malformed("key of \(alias)")
            }
            guard Array(oid.contents) == keyProtectorOID else {
                throw JKSError.malformed("key of \(alias) is not protected with the JKS key protector")
            }
            encrypted = info[1].contents
        } catch let error as JKSError {
            throw error
        } catch {
            throw .malformed("key of \(alias): \(error)")
        }
        guard encrypted.count > 40 else { throw .malformed("key of \(alias)") }
        let salt = Array(encrypted.prefix(20))
        let data = Array(encrypted.dropFirst(20).dropLast(20))
        let check = Array(encrypted.suffix(20))
        var key: [UInt8] = []
        key.reserveCapacity(data.count)
        var digest = salt
        while key.count < data.count {
            digest = Array(Insecure.SHA1.hash(data: password + digest))
            for byte in digest where key.count < data.count {
                key.append(data[key.count] ^ byte)
            }
        }
        guard Array(Insecure.SHA1.hash(data: password + key)) == check else { throw .wrongKeyPassword(alias) }
        return key
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
