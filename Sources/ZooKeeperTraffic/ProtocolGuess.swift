import NIOCore
import ZooKeeperProtocol

/// Recognises a connection's protocol from the first bytes its initiator sent,
/// for captures on ports other than the configured ones.
enum ProtocolGuess {
    static func guess(initiatorBytes bytes: ByteBuffer) -> TrafficProtocol? {
        guard let first = bytes.getInteger(at: bytes.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        if FourLetterWord(rawValue: first).isKnown { return .client }
        // A ConnectRequest frame: 44 or 45 bytes, protocol version 0.
        if first == 44 || first == 45,
            bytes.getInteger(at: bytes.readerIndex + 4, endianness: .big, as: Int32.self) == 0
        {
            return .client
        }
        // Election: the initial message starts with a negative protocol version
        // (-65536, -65535) as a long, or with the bare server id in old versions.
        if let long = bytes.getInteger(at: bytes.readerIndex, endianness: .big, as: Int64.self),
            long == -65536 || long == -65535
        {
            return .election
        }
        // ZAB: a learner opens with FOLLOWERINFO (11) or OBSERVERINFO (16).
        if first == 11 || first == 16 { return .quorum }
        return nil
    }
}
