import NIOCore

/// IPv6 header decoding, including the extension-header chain.
public enum IPv6 {
    static let headerLength = 40

    /// Decodes the fixed header, skips hop-by-hop, routing, destination-options and AH
    /// extension headers, and refuses real fragments (no reassembly).
    public static func decode(_ bytes: ByteBuffer) -> Result<IPPacket, SkipReason> {
        let bytes = bytes.slice()
        guard bytes.readableBytes >= self.headerLength,
              let first = bytes.getInteger(at: 0, as: UInt8.self),
              let payloadLength = bytes.getInteger(at: 4, endianness: .big, as: UInt16.self),
              var nextHeader = bytes.getInteger(at: 6, as: UInt8.self),
              let sourceHigh = bytes.getInteger(at: 8, endianness: .big, as: UInt64.self),
              let sourceLow = bytes.getInteger(at: 16, endianness: .big, as: UInt64.self),
              let destinationHigh = bytes.getInteger(at: 24, endianness: .big, as: UInt64.self),
              let destinationLow = bytes.getInteger(at: 32, endianness: .big, as: UInt64.self)
        else {
            return .failure(.truncatedIPPacket)
        }
        guard first >> 4 == 6 else {
            return .failure(.malformedIPHeader)
        }
        // Payload length 0 means a jumbogram (or offload); use what was captured.
        let end = payloadLength == 0 ? bytes.readableBytes : self.headerLength + Int(payloadLength)
        guard end <= bytes.readableBytes else {
            return .failure(.truncatedIPPacket)
        }
        var offset = self.headerLength
        // Bounded: every extension header is at least 8 bytes, so the loop ends within the packet.
        while true {
            switch nextHeader {
            case 0, 43, 60:  // hop-by-hop, routing, destination options
                guard let following = bytes.getInteger(at: offset, as: UInt8.self), offset + 2 <= end,
                      let units = bytes.getInteger(at: offset + 1, as: UInt8.self)
                else {
                    return .failure(.malformedIPHeader)
                }
                nextHeader = following
                offset += (Int(units) + 1) * 8
            case 51:  // authentication header: length in 4-byte units, minus 2
                guard let following = bytes.getInteger(at: offset, as: UInt8.self), offset + 2 <= end,
                      let units = bytes.getInteger(at: offset + 1, as: UInt8.self)
                else {
                    return .failure(.malformedIPHeader)
                }
                nextHeader = following
                offset += (Int(units) + 2) * 4
            case 44:  // fragment header: only an "atomic" fragment (offset 0, no more) is whole
                guard offset + 8 <= end,
                      let following = bytes.getInteger(at: offset, as: UInt8.self),
                      let field = bytes.getInteger(at: offset + 2, endianness: .big, as: UInt16.self)
                else {
                    return .failure(.malformedIPHeader)
                }
                guard field & 0xFFF9 == 0 else {
                    return .failure(.ipFragment)
                }
                nextHeader = following
                offset += 8
            default:
                guard offset <= end, let payload = bytes.getSlice(at: offset, length: end - offset) else {
                    return .failure(.malformedIPHeader)
                }
                return .success(
                    IPPacket(
                        source: .v6(high: sourceHigh, low: sourceLow),
                        destination: .v6(high: destinationHigh, low: destinationLow),
                        transportProtocol: nextHeader,
                        payload: payload
                    )
                )
            }
            guard offset <= end else {
                return .failure(.malformedIPHeader)
            }
        }
    }
}
