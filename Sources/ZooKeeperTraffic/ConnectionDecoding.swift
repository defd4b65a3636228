import NIOCore
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol

/// Decodes the two byte streams of one connection of a known protocol.
///
/// One optional per protocol rather than a protocol existential or an enum with payloads: the
/// decoder runs for every message, and this way it is mutated in place, with no copy of its
/// state and no dynamic dispatch.
struct ConnectionDecoding: Sendable {
    private var client: ClientPortDecoding?
    private var election: ElectionPortDecoding?
    private var quorum: QuorumPortDecoding?

    init(_ proto: TrafficProtocol, midStream: Bool, limits: JuteLimits) {
        switch proto {
        case .client: client = ClientPortDecoding(startedMidStream: midStream, limits: limits)
        case .election: election = ElectionPortDecoding(limits: limits)
        case .quorum: quorum = QuorumPortDecoding(limits: limits)
        }
    }

    /// The next message from `buffer` (which holds the stream's undecoded
    /// bytes), nil when more bytes are needed. On a throw nothing is consumed.
    mutating func next(_ direction: StreamDirection, from buffer: inout ByteBuffer) throws -> DecodedMessage.Content? {
        if client != nil { return try client!.next(direction, from: &buffer) }
        if election != nil { return try election!.next(direction, from: &buffer) }
        return try quorum?.next(direction, from: &buffer)
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
