import NIOCore

/// IPv4 header decoding.
public enum IPv4 {
    /// Decodes the header, trims link-layer padding using the total length, and refuses
    /// fragments (they cannot be decoded without reassembly).
    public static func decode(_ bytes: ByteBuffer) -> Result<IPPacket, SkipReason> {
        let bytes = bytes.slice()
        guard let versionAndLength = bytes.getInteger(at: 0, as: UInt8.self),
              let totalLength = bytes.getInteger(at: 2, endianness: .big, as: UInt16.self),
              let fragmentField = bytes.getInteger(at: 6, endianness: .big, as: UInt16.self),
              let protocolNumber = bytes.getInteger(at: 9, as: UInt8.self),
              let source = bytes.getInteger(at: 12, endianness: .big, as: UInt32.self),
              let destination = bytes.getInteger(at: 16, endianness: .big, as: UInt32.self)
        else {
            return .failure(.truncatedIPPacket)
        }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard versionAndLength >> 4 == 4, headerLength >= 20 else {
            return .failure(.malformedIPHeader)
        }
        // A total length of 0 is what TCP segmentation offload leaves in captures taken on the
        // sending host; the captured bytes are then the best available length.
        let length = totalLength == 0 ? bytes.readableBytes : Int(totalLength)
        guard length >= headerLength else {
            return .failure(.malformedIPHeader)
        }
        guard length <= bytes.readableBytes else {
            return .failure(.truncatedIPPacket)
        }
        let moreFragments = fragmentField & 0x2000 != 0
        let fragmentOffset = fragmentField & 0x1FFF
        guard !moreFragments, fragmentOffset == 0 else {
            return .failure(.ipFragment)
        }
        guard let payload = bytes.getSlice(at: headerLength, length: length - headerLength) else {
            return .failure(.malformedIPHeader)
        }
        return .success(IPPacket(source: .v4(source), destination: .v4(destination), transportProtocol: protocolNumber, payload: payload))
    }
}
