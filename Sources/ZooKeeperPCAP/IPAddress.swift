/// An IPv4 or IPv6 address as found in a packet header.
///
/// Stored as integers so it is cheap to hash (it is part of every connection key) and has a
/// total order (used to normalise connection keys); `description` gives the usual text form.
public enum IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// IPv4 address in host order, e.g. `0x7F00_0001` for 127.0.0.1.
    case v4(UInt32)
    /// IPv6 address as its high and low 64 bits in host order.
    case v6(high: UInt64, low: UInt64)

    /// Convenience for the dotted-quad form, mainly for tests and filters.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
        .v4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// Builds an IPv6 address from its eight 16-bit groups (fewer groups are zero-filled at the end).
    public static func ipv6(_ groups: [UInt16]) -> IPAddress {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            let group = UInt64(index < groups.count ? groups[index] : 0)
            if index < 4 {
                high |= group << (UInt64(3 - index) * 16)
            } else {
                low |= group << (UInt64(7 - index) * 16)
            }
        }
        return .v6(high: high, low: low)
    }

    /// The eight 16-bit groups of an IPv6 address (empty for IPv4).
    public var ipv6Groups: [UInt16] {
        guard case .v6(let high, let low) = self else { return [] }
        return (0..<8).map { index in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (UInt64(3 - index % 4) * 16))
        }
    }

    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let ah, let al), .v6(let bh, let bl)): return (ah, al) < (bh, bl)
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return Self.dottedQuad(value)
        case .v6(let high, let low):
            // IPv4-mapped addresses read better in mixed notation (RFC 5952 section 5).
            if high == 0, low >> 32 == 0xFFFF {
                return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: low))
            }
            return Self.compressed(self.ipv6Groups)
        }
    }

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    /// RFC 5952 text: lowercase hex, longest run (>= 2) of zero groups replaced by "::".
    private static func compressed(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < groups.count {
            if groups[index] == 0 {
                var end = index
                while end < groups.count, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else {
            return hex.joined(separator: ":")
        }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// One end of a TCP connection.
public struct TCPEndpoint: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// The endpoint folded into one word, for hashing connection keys cheaply (equal endpoints
    /// give equal words; different ones rarely collide).
    var hashWord: UInt64 {
        switch self.address {
        case .v4(let value):
            return UInt64(value) << 16 | UInt64(self.port)
        case .v6(let high, let low):
            return (high &* 0x9E37_79B9_7F4A_7C15 ^ low) &* 0xBF58_476D_1CE4_E5B9 ^ UInt64(self.port) ^ 1 << 63
        }
    }

    public static func < (lhs: TCPEndpoint, rhs: TCPEndpoint) -> Bool {
        if lhs.address != rhs.address {
            return lhs.address < rhs.address
        }
        return lhs.port < rhs.port
    }

    public var description: String {
        switch self.address {
        case .v4: return "\(self.address):\(self.port)"
        case .v6: return "[\(self.address)]:\(self.port)"
        }
    }
}
