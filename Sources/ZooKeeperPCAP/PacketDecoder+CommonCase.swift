import NIOCore

extension PacketDecoder {
    /// Decodes the common case in one pass over the bytes: Ethernet (untagged), Linux cooked or
    /// raw IP, then IPv4 (not fragmented) or IPv6 (no extension headers), then TCP.
    ///
    /// Returns nil for anything else, including every packet that would be skipped; the general
    /// path then decodes it and names the reason. Both paths give the same segment: this one only
    /// avoids the per-field bounds-checked reads and intermediate slices, which dominate the cost
    /// of small packets.
    static func commonCaseTCPSegment(inFrame frame: ByteBuffer, linkType: LinkType) -> TCPSegment? {
        self.commonCaseTCPSegment(in: frame, at: 0, length: frame.readableBytes, linkType: linkType)
    }

    /// A record's segment in the common case, decoded straight from the file's bytes (no slice
    /// for the frame); nil for anything else (`tcpSegment(in:)` then says why).
    static func commonCaseTCPSegment(in record: PacketRecord, of file: FileBytes, slicer: inout PacketSlicer) -> TCPSegment? {
        let start = record.dataStart
        let length = record.dataLength
        guard start >= 0, length >= 0, length <= file.count - start,
            let header = CommonCaseHeader(raw: file.raw(start..<(start + length)), linkType: record.linkType),
            let payload = slicer.slice(of: file, at: start + header.payloadStart, length: header.payloadLength)
        else {
            return nil
        }
        return header.segment(payload: payload)
    }

    /// The frame is `length` bytes at `start` (counted from the readable bytes) of `buffer`.
    private static func commonCaseTCPSegment(in buffer: ByteBuffer, at start: Int, length: Int, linkType: LinkType) -> TCPSegment? {
        guard start >= 0, length >= 0, length <= buffer.readableBytes - start,
              let header = buffer.withUnsafeReadableBytes({
                  CommonCaseHeader(raw: UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]), linkType: linkType)
              }),
              let payload = buffer.getSlice(at: buffer.readerIndex + start + header.payloadStart, length: header.payloadLength)
        else {
            return nil
        }
        return header.segment(payload: payload)
    }
}

/// The fields of a frame's IP and TCP headers, read with the checks of the general path.
private struct CommonCaseHeader {
    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16
    var sequence: UInt32
    var acknowledgement: UInt32
    var offsetAndFlags: UInt16
    var window: UInt16
    var payloadStart: Int
    var payloadLength: Int

    func segment(payload: ByteBuffer) -> TCPSegment {
        TCPSegment(
            source: TCPEndpoint(address: self.source, port: self.sourcePort),
            destination: TCPEndpoint(address: self.destination, port: self.destinationPort),
            sequenceNumber: self.sequence,
            acknowledgementNumber: self.acknowledgement,
            flags: TCPFlags(rawValue: self.offsetAndFlags & 0x01FF),
            window: self.window,
            payload: payload
        )
    }

    init?(raw: UnsafeRawBufferPointer, linkType: LinkType) {
        let count = raw.count
        func u16(_ at: Int) -> UInt16 { UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        func u32(_ at: Int) -> UInt32 { UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }

        // Where the IP header starts and which version the link layer says it is (0: the nibble says).
        let ip: Int
        var version: UInt8 = 0
        switch linkType {
        case .ethernet, .linuxSLL, .linuxSLL2:
            let (start, typeOffset) = linkType == .ethernet ? (14, 12) : linkType == .linuxSLL ? (16, 14) : (20, 0)
            guard count >= start else { return nil }
            switch u16(typeOffset) {
            case LinkLayer.etherTypeIPv4: version = 4
            case LinkLayer.etherTypeIPv6: version = 6
            default: return nil
            }
            ip = start
        case .raw, .rawDLT12, .rawDLT14: ip = 0
        case .ipv4: (ip, version) = (0, 4)
        case .ipv6: (ip, version) = (0, 6)
        default: return nil
        }
        guard ip < count else { return nil }
        let nibble = raw[ip] >> 4
        guard version == 0 || nibble == version else { return nil }

        let tcp: Int
        let tcpLength: Int
        switch nibble {
        case 4:
            guard count - ip >= 20 else { return nil }
            let headerLength = Int(raw[ip] & 0x0F) * 4
            let totalLength = Int(u16(ip + 2))
            let length = totalLength == 0 ? count - ip : totalLength
            guard headerLength >= 20, length >= headerLength, length <= count - ip,
                  u16(ip + 6) & 0x3FFF == 0,  // neither "more fragments" nor a fragment offset
                  raw[ip + 9] == TCPSegment.protocolNumber
            else { return nil }
            self.source = .v4(u32(ip + 12))
            self.destination = .v4(u32(ip + 16))
            tcp = ip + headerLength
            tcpLength = length - headerLength
        case 6:
            guard count - ip >= 40, raw[ip + 6] == TCPSegment.protocolNumber else { return nil }
            let payloadLength = Int(u16(ip + 4))
            let end = payloadLength == 0 ? count - ip : 40 + payloadLength
            guard end <= count - ip else { return nil }
            self.source = .v6(high: u64(ip + 8), low: u64(ip + 16))
            self.destination = .v6(high: u64(ip + 24), low: u64(ip + 32))
            tcp = ip + 40
            tcpLength = end - 40
        default:
            return nil
        }

        guard tcpLength >= 20 else { return nil }
        self.offsetAndFlags = u16(tcp + 12)
        let headerLength = Int(self.offsetAndFlags >> 12) * 4
        guard headerLength >= 20, headerLength <= tcpLength else { return nil }
        self.sourcePort = u16(tcp)
        self.destinationPort = u16(tcp + 2)
        self.sequence = u32(tcp + 4)
        self.acknowledgement = u32(tcp + 8)
        self.window = u16(tcp + 14)
        self.payloadStart = tcp + headerLength
        self.payloadLength = tcpLength - headerLength
    }
}
