import NIOCore

/// TCP header flags that matter for following a connection.
public struct TCPFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)

    public var description: String {
        let names: [(TCPFlags, String)] = [(.syn, "S"), (.fin, "F"), (.rst, "R"), (.psh, "P"), (.ack, "."), (.urg, "U")]
        let text = names.filter { self.contains($0.0) }.map(\.1).joined()
        return text.isEmpty ? "none" : text
    }
}

/// A decoded TCP segment: what the reassembler needs, with the payload as a slice of the capture.
public struct TCPSegment: Sendable, Equatable {
    public var source: TCPEndpoint
    public var destination: TCPEndpoint
    public var sequenceNumber: UInt32
    public var acknowledgementNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var payload: ByteBuffer

    public init(
        source: TCPEndpoint, destination: TCPEndpoint, sequenceNumber: UInt32, acknowledgementNumber: UInt32 = 0,
        flags: TCPFlags, window: UInt16 = 65535, payload: ByteBuffer = ByteBuffer()
    ) {
        self.source = source
        self.destination = destination
        self.sequenceNumber = sequenceNumber
        self.acknowledgementNumber = acknowledgementNumber
        self.flags = flags
        self.window = window
        self.payload = payload
    }

    public static let protocolNumber: UInt8 = 6

    /// Decodes the TCP header in an IP packet's payload. Checksums are not verified: captures
    /// taken on the sending host routinely carry offloaded, not-yet-computed checksums.
    public static func decode(_ ip: IPPacket) -> Result<TCPSegment, SkipReason> {
        guard ip.transportProtocol == self.protocolNumber else {
            return .failure(.notTCP(protocolNumber: ip.transportProtocol))
        }
        let bytes = ip.payload.slice()
        guard let sourcePort = bytes.getInteger(at: 0, endianness: .big, as: UInt16.self),
              let destinationPort = bytes.getInteger(at: 2, endianness: .big, as: UInt16.self),
              let sequence = bytes.getInteger(at: 4, endianness: .big, as: UInt32.self),
              let acknowledgement = bytes.getInteger(at: 8, endianness: .big, as: UInt32.self),
              let offsetAndFlags = bytes.getInteger(at: 12, endianness: .big, as: UInt16.self),
              let window = bytes.getInteger(at: 14, endianness: .big, as: UInt16.self),
              bytes.readableBytes >= 20
        else {
            return .failure(.malformedTCPHeader)
        }
        let headerLength = Int(offsetAndFlags >> 12) * 4
        guard headerLength >= 20, headerLength <= bytes.readableBytes,
              let payload = bytes.getSlice(at: headerLength, length: bytes.readableBytes - headerLength)
        else {
            return .failure(.malformedTCPHeader)
        }
        return .success(
            TCPSegment(
                source: TCPEndpoint(address: ip.source, port: sourcePort),
                destination: TCPEndpoint(address: ip.destination, port: destinationPort),
                sequenceNumber: sequence,
                acknowledgementNumber: acknowledgement,
                flags: TCPFlags(rawValue: offsetAndFlags & 0x01FF),
                window: window,
                payload: payload
            )
        )
    }
}

/// Whole-packet decoding, link layer to TCP, in one call.
public enum PacketDecoder {
    public static func tcpSegment(in packet: CapturedPacket) -> Result<TCPSegment, SkipReason> {
        self.tcpSegment(inFrame: packet.data, linkType: packet.linkType)
    }

    public static func tcpSegment(inFrame frame: ByteBuffer, linkType: LinkType) -> Result<TCPSegment, SkipReason> {
        if let segment = self.commonCaseTCPSegment(inFrame: frame, linkType: linkType) {
            return .success(segment)
        }
        return LinkLayer.networkPacket(in: frame, linkType: linkType)
            .flatMap(IPPacket.decode)
            .flatMap(TCPSegment.decode)
    }
}
