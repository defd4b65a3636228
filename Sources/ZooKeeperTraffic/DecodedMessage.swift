import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol

/// One thing seen on a ZooKeeper connection in a capture.
public struct DecodedMessage: Sendable {
    public enum Content: Sendable {
        /// Client port, client to server.
        case client(ClientMessage)
        /// Client port, server to client.
        case server(ServerMessage)
        /// Election port, either direction.
        case election(ElectionStreamItem)
        /// Quorum port, either direction.
        case quorum(ZabStreamItem)
        /// Bytes that could not be decoded, and why. The stream is skipped to its end
        /// or to the next point where decoding resynchronises.
        case undecoded(reason: String)
        /// Bytes missing from the capture.
        case gap(bytesMissing: UInt64)
        /// Decoding skipped `skippedBytes` to find a message boundary (a capture that
        /// began mid-connection, or after a gap).
        case resynchronised(skippedBytes: Int)
    }

    public var time: CaptureTimestamp
    public var stream: StreamID
    public var proto: TrafficProtocol
    public var content: Content
    /// The message's bytes exactly as captured (empty for gaps).
    public var wireBytes: ByteBuffer

    public init(time: CaptureTimestamp, stream: StreamID, proto: TrafficProtocol, content: Content, wireBytes: ByteBuffer) {
        self.time = time
        self.stream = stream
        self.proto = proto
        self.content = content
        self.wireBytes = wireBytes
    }
}
