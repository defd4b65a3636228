/// An IPv4 or IPv6 address (4 or 16 bytes) read from the text a socket library
/// prints (`127.0.0.1`, `::1`, `fe80::1%eth0`, `::ffff:10.0.0.1`) and printed the
/// way Java's `InetAddress.getHostAddress()` prints it, which is the text Java
/// ZooKeeper puts in a connection's `ip` identity.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Network byte order; 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Dotted IPv4, or IPv6 with optional `::` and an optional dotted IPv4 tail.
    /// A `%zone` suffix is dropped (Java prints it, ZooKeeper's identity must not
    /// carry it). Nil for anything else, including host names.
    public init?(_ text: String) {
        var ascii = Array(text.utf8)
        if let percent = ascii.firstIndex(of: UInt8(ascii: "%")) {
            ascii.removeSubrange(percent...)
        }
        if !ascii.contains(UInt8(ascii: ":")) {
            guard let v4 = Self.parseDottedQuad(ascii[...]) else { return nil }
            self.bytes = v4
        } else {
            guard let v6 = Self.parseIPv6(ascii) else { return nil }
            self.bytes = v6
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// `::ffff:a.b.c.d` as the IPv4 address `a.b.c.d`: the JDK turns a mapped peer
    /// address of a dual-stack socket into an `Inet4Address`; other addresses are
    /// returned unchanged.
    public var unmappingIPv4: IPAddress {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else {
            return self
        }
        return IPAddress(unchecked: Array(bytes[12..<16]))
    }

    /// `Inet4Address.getHostAddress()`: `a.b.c.d`; `Inet6Address.getHostAddress()`
    /// without a zone: eight lowercase hex groups without leading zeros, never
    /// compressed (`0:0:0:0:0:0:0:1`).
    public var javaHostAddress: String {
        if isIPv4 {
            return bytes.map { String($0) }.joined(separator: ".")
        }
        return stride(from: 0, to: 16, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    public var description: String { javaHostAddress }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static func parseDottedQuad(_ ascii: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = ascii.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    /// Groups of one to four hex digits; at most one `::` standing for one or more
    /// zero groups; the last group may be a dotted IPv4 address (two groups).
    private static func parseIPv6(_ ascii: [UInt8]) -> [UInt8]? {
        let colon = UInt8(ascii: ":")
        var gap: Int?
        for i in ascii.indices.dropLast() where ascii[i] == colon && ascii[i + 1] == colon {
            guard gap == nil else { return nil }
            gap = i
        }
        func groups(_ part: ArraySlice<UInt8>, tailMayBeIPv4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: colon, omittingEmptySubsequences: false)
            var bytes: [UInt8] = []
            for (index, piece) in pieces.enumerated() {
                if tailMayBeIPv4, index == pieces.count - 1, piece.contains(UInt8(ascii: ".")) {
                    guard let v4 = parseDottedQuad(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count) else { return nil }
                var value: UInt16 = 0
                for c in piece {
                    guard let digit = hexValue(c) else { return nil }
                    value = value << 4 | UInt16(digit)
                }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if let gap {
            guard let head = groups(ascii[..<gap], tailMayBeIPv4: false),
                  let tail = groups(ascii[(gap + 2)...], tailMayBeIPv4: true),
                  head.count + tail.count <= 14
            else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
        }
        guard let all = groups(ascii[...], tailMayBeIPv4: true), all.count == 16 else { return nil }
        return all
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
