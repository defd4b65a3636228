/// The id of an `ip` ACL: an address, optionally followed by `/bits`, read the way
/// Java's `IPAuthenticationProvider` reads it.
///
/// ZooKeeper 3.8.0 knows only IPv4 here (its IPv6 parser is a TODO): `::1` or
/// `fe80::/10` is not a valid `ip` id, and a client connected over IPv6 matches no
/// `ip` ACL. `allowingIPv6` turns on the IPv6 reading added later by ZOOKEEPER-4240
/// (not in any 3.8 release).
public struct IPAddressPattern: Hashable, Sendable {
    /// 4 bytes, or 16 when IPv6 is allowed and the expression is IPv6.
    public let address: [UInt8]
    /// How many leading bits must agree; the whole address when no `/bits` is given.
    public let prefixLength: Int

    /// Nil where Java's `isValid` says false: the address part must be four
    /// dot-separated `Integer.parseInt` values in 0...255 (so `010`, `+1` and `-0`
    /// pass), and `bits`, when present, an `Integer.parseInt` value in 0...32.
    public init?(_ expression: String, allowingIPv6: Bool = false) {
        let parts = JavaText.split(expression, on: "/", limit: 2)
        guard let address = Self.addressBytes(parts[0], allowingIPv6: allowingIPv6) else { return nil }
        var bits = address.count * 8
        if parts.count == 2 {
            guard let parsed = JavaText.parseInt(parts[1]), parsed >= 0, Int(parsed) <= address.count * 8 else {
                return nil
            }
            bits = Int(parsed)
        }
        self.address = address
        self.prefixLength = bits
    }

    /// Whether `candidate` (bytes of the same family) agrees with the pattern on the
    /// first `prefixLength` bits. Addresses of the other family never match.
    public func matches(_ candidate: [UInt8]) -> Bool {
        guard candidate.count == address.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address, candidate) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// Java's `addr2Bytes`: a connection's `ip` id or the address part of an ACL
    /// id, as bytes; nil when Java's parser refuses it.
    static func addressBytes(_ text: String, allowingIPv6: Bool) -> [UInt8]? {
        if allowingIPv6 {
            if text.unicodeScalars.contains(":") { return ipv6Bytes(text) }
            if !text.unicodeScalars.contains(".") { return nil }
        }
        return ipv4Bytes(text)
    }

    /// Exactly four pieces between dots, each an `Integer.parseInt` in 0...255.
    private static func ipv4Bytes(_ text: String) -> [UInt8]? {
        let parts = JavaText.splitKeepingEmpty(text, on: ".")
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = JavaText.parseInt(part), (0...255).contains(value) else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    /// ZOOKEEPER-4240's reading: eight groups, or fewer around a single `::`; each
    /// group one to four characters parsed as `Integer.parseInt(group, 16)`. No
    /// dotted IPv4 tail, no zone.
    private static func ipv6Bytes(_ text: String) -> [UInt8]? {
        let scalars = Array(text.unicodeScalars)
        var halves: [[Unicode.Scalar]] = [[]]
        var i = 0
        while i < scalars.count {
            if scalars[i] == ":", i + 1 < scalars.count, scalars[i + 1] == ":" {
                halves.append([])
                i += 2
            } else {
                halves[halves.count - 1].append(scalars[i])
                i += 1
            }
        }
        func groups(_ half: [Unicode.Scalar]) -> [String] {
            JavaText.splitKeepingEmpty(String(String.UnicodeScalarView(half)), on: ":")
        }
        var head: [String]
        var tail: [String] = []
        switch halves.count {
        case 1:
            head = groups(halves[0])
            guard head.count == 8 else { return nil }
        case 2:
            head = halves[0].isEmpty ? [] : groups(halves[0])
            tail = halves[1].isEmpty ? [] : groups(halves[1])
            guard head.count + tail.count < 8 else { return nil }
        default:
            return nil
        }
        func bytes(_ groups: [String]) -> [UInt8]? {
            var result: [UInt8] = []
            for group in groups {
                guard (1...4).contains(group.utf16.count), let value = JavaText.parseInt(group, radix: 16) else {
                    return nil
                }
                result += [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
            }
            return result
        }
        guard let first = bytes(head), let last = bytes(tail) else { return nil }
        return first + [UInt8](repeating: 0, count: 16 - first.count - last.count) + last
    }
}
