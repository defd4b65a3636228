/// The `name=value,name="quoted value"` lists of RFC 2831 (section 7.1 of its
/// grammar): what a DIGEST-MD5 client sends in its response.
struct DigestMD5Directives {
    /// Values by lowercased name, unquoted and unescaped.
    private(set) var values: [String: [UInt8]] = [:]

    subscript(name: String) -> [UInt8]? { values[name] }

    /// Names the JDK's server reads (DigestMD5Server's directive keys); a repeat
    /// of one of them is refused, as it refuses it. Others are ignored.
    static let known: Set<String> = [
        "username", "realm", "nonce", "cnonce", "nonce-count", "qop", "digest-uri", "response",
        "maxbuf", "charset", "cipher", "authzid", "auth-param",
    ]

    init(parsing bytes: [UInt8]) throws(DigestMD5Error) {
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A {
                index += 1
            }
        }
        while true {
            skipSpace()
            // Empty elements (",,") are allowed by the #rule.
            while index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipSpace()
            }
            guard index < bytes.count else { break }
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ",") {
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw .format("directive without a value: \(String(decoding: bytes[nameStart..<index], as: UTF8.self))")
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
                .trimmingCharacters(in: " \t").lowercased()
            index += 1
            skipSpace()
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\\"), index < bytes.count {
                        value.append(bytes[index])
                        index += 1
                    } else if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { throw .format("unterminated quoted value of \(name)") }
                skipSpace()
            } else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ",") {
                    value.append(bytes[index])
                    index += 1
                }
                while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
            }
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else {
                    throw .format("expected ',' after the value of \(name)")
                }
                index += 1
            }
            if Self.known.contains(name) {
                guard values[name] == nil else { throw .format("peer sent more than one \(name) value") }
                values[name] = value
            }
        }
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
