/// The link-layer header type of a capture interface (the tcpdump.org LINKTYPE_ value).
///
/// A struct rather than an enum so that unknown values survive reading and can be reported.
public struct LinkType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// BSD loopback: 4-byte address family in the capturing host's byte order.
    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// DLT_RAW as written by most systems.
    public static let rawDLT12 = LinkType(rawValue: 12)
    /// DLT_RAW as written by OpenBSD.
    public static let rawDLT14 = LinkType(rawValue: 14)
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: like `.null` but the family is in network byte order.
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .rawDLT12, .rawDLT14, .raw: return "RAW"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .linuxSLL2: return "LINUX_SLL2"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        default: return "LINKTYPE(\(self.rawValue))"
        }
    }
}
