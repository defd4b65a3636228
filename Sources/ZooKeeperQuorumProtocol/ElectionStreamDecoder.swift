import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// One thing read from an election-port connection.
public enum ElectionStreamItem: Hashable, Sendable {
    case initialMessage(InitialMessage)
    case quorumAuth(QuorumAuthPacket)
    case notification(ElectionNotification)
    /// A well-framed body Java would skip (too short, cut fields, bad config
    /// length); the connection goes on.
    case malformedNotification(ByteBuffer, QuorumProtocolError)
}

/// Decodes one direction of one election-port (3888) connection: the
/// connecting peer's direction starts with an initial message, then (with
/// quorum SASL) auth packets, then length-prefixed notifications.
///
/// `next` returns nil and consumes nothing until a whole item is buffered.
public struct ElectionStreamDecoder: Sendable {
    public enum Direction: Hashable, Sendable {
        /// Bytes sent by the peer that opened the connection.
        case fromConnector
        /// Bytes sent by the peer that accepted it.
        case fromAcceptor
    }

    private enum Phase: Hashable, Sendable {
        case initialMessage
        case authOrNotification
        case notifications
    }

    /// `QuorumCnxManager.PACKETMAXSIZE`: the largest message length accepted.
    public static let maxMessageLength = 512 * 1024

    private var phase: Phase
    private let limits: JuteLimits

    public init(direction: Direction, limits: JuteLimits = .default) {
        self.phase = direction == .fromConnector ? .initialMessage : .authOrNotification
        self.limits = limits
    }

    public mutating func next(from buffer: inout ByteBuffer) throws(QuorumProtocolError) -> ElectionStreamItem? {
        switch phase {
        case .initialMessage:
            guard let message = try InitialMessage.read(from: &buffer) else { return nil }
            phase = .authOrNotification
            return .initialMessage(message)
        case .authOrNotification:
            guard let isAuth = QuorumAuth.startsWithAuthPacket(buffer) else { return nil }
            if isAuth {
                return try QuorumAuth.read(from: &buffer, limits: limits).map { .quorumAuth($0) }
            }
            guard let item = try readNotification(from: &buffer) else { return nil }
            phase = .notifications
            return item
        case .notifications:
            return try readNotification(from: &buffer)
        }
    }

    private func readNotification(from buffer: inout ByteBuffer) throws(QuorumProtocolError) -> ElectionStreamItem? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else { return nil }
        guard length > 0, Int(length) <= Self.maxMessageLength else {
            throw QuorumProtocolError(.invalidMessageLength, detail: "\(length), limit \(Self.maxMessageLength)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readSlice(length: Int(length))!
        do throws(QuorumProtocolError) {
            return .notification(try ElectionNotification(body: body))
        } catch {
            return .malformedNotification(body, error)
        }
    }
}
