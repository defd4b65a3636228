import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol

/// Decodes the two byte streams of one connection of a known protocol.
///
/// An enum rather than a protocol existential: the decoder is called for every message, and
/// an existential's copies (boxed when large) and dynamic dispatch showed in profiles.
enum ConnectionDecoding: Sendable {
    case client(ClientPortDecoding)
    case election(ElectionPortDecoding)
    case quorum(QuorumPortDecoding)
    /// Only while `next` runs, so the payload it mutates is not also referenced from here.
    case moved

    init(_ proto: TrafficProtocol, midStream: Bool, limits: JuteLimits) {
        switch proto {
        case .client: self = .client(ClientPortDecoding(startedMidStream: midStream, limits: limits))
        case .election: self = .election(ElectionPortDecoding(limits: limits))
        case .quorum: self = .quorum(QuorumPortDecoding(limits: limits))
        }
    }

    /// The next message from `buffer` (which holds the stream's undecoded
    /// bytes), nil when more bytes are needed. On a throw nothing is consumed.
    mutating func next(_ direction: StreamDirection, from buffer: inout ByteBuffer) throws -> DecodedMessage.Content? {
        // Move the payload out so it is mutated uniquely (no copy-on-write of the decoders'
        // state), then put it back.
        switch self {
        case .client(var decoder):
            self = .moved
            defer { self = .client(decoder) }
            return try decoder.next(direction, from: &buffer)
        case .election(var decoder):
            self = .moved
            defer { self = .election(decoder) }
            return try decoder.next(direction, from: &buffer)
        case .quorum(var decoder):
            self = .moved
            defer { self = .quorum(decoder) }
            return try decoder.next(direction, from: &buffer)
        case .moved:
            return nil
        }
    }
}

/// The client port, via the protocol module's connection decoder.
struct ClientPortDecoding: Sendable {
    var decoder: ClientConnectionDecoder

    init(startedMidStream: Bool, limits: JuteLimits) {
        decoder = ClientConnectionDecoder(startedMidStream: startedMidStream, limits: limits)
    }

    mutating func next(_ direction: StreamDirection, from buffer: inout ByteBuffer) throws -> DecodedMessage.Content? {
        switch direction {
        case .clientToServer: try decoder.nextClientMessage(from: &buffer).map { .client($0) }
        case .serverToClient: try decoder.nextServerMessage(from: &buffer).map { .server($0) }
        }
    }
}

/// The election port: each direction is its own stream; the connecting peer
/// opens with its initial message.
struct ElectionPortDecoding: Sendable {
    var fromConnector: ElectionStreamDecoder
    var fromAcceptor: ElectionStreamDecoder

    init(limits: JuteLimits) {
        fromConnector = ElectionStreamDecoder(direction: .fromConnector, limits: limits)
        fromAcceptor = ElectionStreamDecoder(direction: .fromAcceptor, limits: limits)
    }

    mutating func next(_ direction: StreamDirection, from buffer: inout ByteBuffer) throws -> DecodedMessage.Content? {
        switch direction {
        case .clientToServer: try fromConnector.next(from: &buffer).map { .election($0) }
        case .serverToClient: try fromAcceptor.next(from: &buffer).map { .election($0) }
        }
    }
}

/// The quorum port: back-to-back QuorumPackets each way, a snapshot after SNAP.
struct QuorumPortDecoding: Sendable {
    var fromLearner: ZabStreamDecoder
    var fromLeader: ZabStreamDecoder

    init(limits: JuteLimits) {
        fromLearner = ZabStreamDecoder(limits: limits)
        fromLeader = ZabStreamDecoder(limits: limits)
    }

    mutating func next(_ direction: StreamDirection, from buffer: inout ByteBuffer) throws -> DecodedMessage.Content? {
        switch direction {
        case .clientToServer: try fromLearner.next(from: &buffer).map { .quorum($0) }
        case .serverToClient: try fromLeader.next(from: &buffer).map { .quorum($0) }
        }
    }
}
