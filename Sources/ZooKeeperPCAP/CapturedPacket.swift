import NIOCore

/// One packet record from a capture file, before any protocol decoding.
///
/// `data` is a slice of the file's buffer (no copy), so holding many packets costs no more than
/// holding the file.
public struct CapturedPacket: Sendable, Equatable {
    public var timestamp: CaptureTimestamp
    /// How to interpret the first bytes of `data`.
    public var linkType: LinkType
    /// The bytes that were captured; may be shorter than `originalLength` (snap length).
    public var data: ByteBuffer
    /// The packet's length on the wire.
    public var originalLength: Int
    /// Index of the pcapng interface in its section (always 0 for classic pcap).
    public var interfaceIndex: Int

    public init(timestamp: CaptureTimestamp, linkType: LinkType, data: ByteBuffer, originalLength: Int, interfaceIndex: Int = 0) {
        self.timestamp = timestamp
        self.linkType = linkType
        self.data = data
        self.originalLength = originalLength
        self.interfaceIndex = interfaceIndex
    }

    /// True when the capture dropped the end of the packet (snap length shorter than the packet).
    public var isTruncated: Bool {
        self.data.readableBytes < self.originalLength
    }
}
