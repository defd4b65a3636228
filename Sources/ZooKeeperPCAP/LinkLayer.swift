import NIOCore

/// The network-layer packet found inside a link-layer frame.
public enum NetworkPacket: Sendable, Equatable {
    /// An IPv4 packet, starting at its IP header (may carry link-layer padding at the end).
    case ipv4(ByteBuffer)
    /// An IPv6 packet, starting at its IP header (may carry link-layer padding at the end).
    case ipv6(ByteBuffer)
}

/// Strips link-layer headers so IP decoding does not depend on how the capture was taken
/// (Ethernet, Linux "any" device, raw IP, BSD/macOS loopback).
public enum LinkLayer {
    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86DD
    /// 802.1Q, 802.1ad (QinQ) and the legacy 0x9100 tag.
    static let vlanEtherTypes: Set<UInt16> = [0x8100, 0x88A8, 0x9100]

    /// Finds the IP packet in a frame of the given link type.
    public static func networkPacket(in frame: ByteBuffer, linkType: LinkType) -> Result<NetworkPacket, SkipReason> {
        let frame = frame.slice()
        switch linkType {
        case .ethernet:
            guard let type = frame.getInteger(at: 12, endianness: .big, as: UInt16.self) else {
                return .failure(.truncatedLinkHeader)
            }
            return self.byEtherType(type, frame: frame, payloadOffset: 14)
        case .linuxSLL:
            guard frame.readableBytes >= 16, let type = frame.getInteger(at: 14, endianness: .big, as: UInt16.self) else {
                return .failure(.truncatedLinkHeader)
            }
            return self.byEtherType(type, frame: frame, payloadOffset: 16)
        case .linuxSLL2:
            guard frame.readableBytes >= 20, let type = frame.getInteger(at: 0, endianness: .big, as: UInt16.self) else {
                return .failure(.truncatedLinkHeader)
            }
            return self.byEtherType(type, frame: frame, payloadOffset: 20)
        case .raw, .rawDLT12, .rawDLT14:
            return self.byVersionNibble(frame)
        case .ipv4:
            return .success(.ipv4(frame))
        case .ipv6:
            return .success(.ipv6(frame))
        case .null, .loop:
            return self.byAddressFamily(frame, linkType: linkType)
        default:
            return .failure(.unsupportedLinkType(linkType.rawValue))
        }
    }

    /// Dispatches on an EtherType, unwrapping any number of VLAN tags.
    private static func byEtherType(_ etherType: UInt16, frame: ByteBuffer, payloadOffset: Int) -> Result<NetworkPacket, SkipReason> {
        var type = etherType
        var offset = payloadOffset
        while self.vlanEtherTypes.contains(type) {
            // A tag is 2 bytes of priority/VLAN ID followed by the inner EtherType.
            guard let inner = frame.getInteger(at: offset + 2, endianness: .big, as: UInt16.self) else {
                return .failure(.truncatedLinkHeader)
            }
            type = inner
            offset += 4
        }
        guard let payload = frame.getSlice(at: offset, length: frame.readableBytes - offset) else {
            return .failure(.truncatedLinkHeader)
        }
        switch type {
        case self.etherTypeIPv4: return .success(.ipv4(payload))
        case self.etherTypeIPv6: return .success(.ipv6(payload))
        default: return .failure(.notIP)
        }
    }

    private static func byVersionNibble(_ packet: ByteBuffer) -> Result<NetworkPacket, SkipReason> {
        guard let first = packet.getInteger(at: 0, as: UInt8.self) else {
            return .failure(.truncatedLinkHeader)
        }
        switch first >> 4 {
        case 4: return .success(.ipv4(packet))
        case 6: return .success(.ipv6(packet))
        default: return .failure(.notIP)
        }
    }

    /// BSD loopback: a 4-byte address family. DLT_NULL writes it in the capturing host's byte
    /// order, DLT_LOOP in network order; families are small, so a value above 0xFFFF means the
    /// other byte order.
    private static func byAddressFamily(_ frame: ByteBuffer, linkType: LinkType) -> Result<NetworkPacket, SkipReason> {
        let order: Endianness = linkType == .loop ? .big : .little
        guard var family = frame.getInteger(at: 0, endianness: order, as: UInt32.self),
              let payload = frame.getSlice(at: 4, length: frame.readableBytes - 4)
        else {
            return .failure(.truncatedLinkHeader)
        }
        if family > 0xFFFF {
            family = family.byteSwapped
        }
        switch family {
        case 2:  // AF_INET everywhere
            return .success(.ipv4(payload))
        case 10, 24, 28, 30:  // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, Darwin
            return .success(.ipv6(payload))
        default:
            return .failure(.notIP)
        }
    }
}
