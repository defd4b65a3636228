import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol

/// One thing seen on a ZooKeeper connection in a capture.
public struct DecodedMessage: Sendable {
    public enum Content: Hashable, Sendable {
        /// Client port, client to server.
        case client(ClientMessage)
        /// Client port, server to client.
        case server(ServerMessage)
        /// Election port, either direction.
        case election(ElectionStreamItem)
        /// Quorum port, either direction.
        case quorum(ZabStreamItem)
        /// Bytes of a recognised protocol that break it, and how: an oversized or
        /// negative frame length, a body that does not decode, a connection that
        /// ended inside a message. Java refuses these too. Decoding goes on at the
        /// next message boundary that can be found.
        case malformed(reason: String)
        /// Bytes that could not be made sense of at all (no recognisable protocol,
        /// nothing decodable within the resynchronisation window).
        case undecoded(reason: String)
        /// Bytes missing from the capture.
        case gap(bytesMissing: UInt64)
        /// Decoding skipped `skippedBytes` to find a message boundary (a capture that
        /// began mid-connection, or after a gap).
        case resynchronised(skippedBytes: Int)
        /// The connection is over (FIN, RST, or the end of the capture).
        case closed(CloseReason)
    }

    public var time: CaptureTimestamp
    public var stream: StreamID
    public var proto: TrafficProtocol
    public var content: Content
    /// The message's bytes exactly as captured (empty for gaps and closes).
    public var wireBytes: ByteBuffer
    /// Where the message starts in its direction's byte stream, counted from the
    /// first captured byte (missing bytes of gaps included).
    public var streamOffset: Int

    public init(
        time: CaptureTimestamp, stream: StreamID, proto: TrafficProtocol, content: Content,
        wireBytes: ByteBuffer, streamOffset: Int = 0
    ) {
        self.time = time
        self.stream = stream
        self.proto = proto
        self.content = content
        self.wireBytes = wireBytes
        self.streamOffset = streamOffset
    }
}
