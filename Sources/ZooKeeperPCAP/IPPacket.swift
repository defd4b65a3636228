import NIOCore

/// The transport-layer view of an IP packet, the same for IPv4 and IPv6.
public struct IPPacket: Sendable, Equatable {
    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 protocol / IPv6 final next-header value (6 for TCP).
    public var transportProtocol: UInt8
    /// Transport header and data, trimmed to the length the IP header declares.
    public var payload: ByteBuffer

    public init(source: IPAddress, destination: IPAddress, transportProtocol: UInt8, payload: ByteBuffer) {
        self.source = source
        self.destination = destination
        self.transportProtocol = transportProtocol
        self.payload = payload
    }

    /// Decodes either IP version.
    public static func decode(_ packet: NetworkPacket) -> Result<IPPacket, SkipReason> {
        switch packet {
        case .ipv4(let bytes): return IPv4.decode(bytes)
        case .ipv6(let bytes): return IPv6.decode(bytes)
        }
    }
}
