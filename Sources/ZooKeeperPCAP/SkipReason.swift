/// Why a captured packet did not yield a TCP segment.
///
/// Callers count these (e.g. `[SkipReason: Int]`) to tell "not our traffic" apart from "our
/// traffic we failed to decode", which would explain gaps in reassembled streams.
public enum SkipReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// The capture interface's link type is not one this module decodes.
    case unsupportedLinkType(UInt32)
    /// The frame is shorter than its link-layer header.
    case truncatedLinkHeader
    /// The link layer carries something other than IPv4/IPv6 (ARP, LLDP, ...).
    case notIP
    /// The IP header is inconsistent (bad version, header length, total length).
    case malformedIPHeader
    /// The capture holds fewer bytes than the IP header says the packet has (snap length).
    case truncatedIPPacket
    /// An IP fragment; fragments are not reassembled.
    case ipFragment
    /// An IP packet whose transport protocol is not TCP (e.g. 17 for UDP).
    case notTCP(protocolNumber: UInt8)
    /// The TCP header is shorter than its data offset or otherwise inconsistent.
    case malformedTCPHeader

    /// Whether the packet may have carried TCP data, i.e. skipping it could leave a stream gap.
    public var mayHaveBeenTCP: Bool {
        switch self {
        case .notIP, .notTCP: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .unsupportedLinkType(let value): return "unsupported link type \(LinkType(rawValue: value))"
        case .truncatedLinkHeader: return "truncated link-layer header"
        case .notIP: return "not IP"
        case .malformedIPHeader: return "malformed IP header"
        case .truncatedIPPacket: return "IP packet truncated by capture"
        case .ipFragment: return "IP fragment"
        case .notTCP(let number): return "IP protocol \(number), not TCP"
        case .malformedTCPHeader: return "malformed TCP header"
        }
    }
}
