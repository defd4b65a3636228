import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperStorageFormat
import ZooKeeperTraffic

/// Election and ZAB traffic of the ensemble captures: every item decodes,
/// re-encodes to the captured bytes, and every prefix needs more bytes.
@Suite struct QuorumCaptureTests {
    static let ensembleCaptures = Captures.names.filter { $0.hasPrefix("ensemble") }

    @Test func ensembleCapturesArePresent() {
        #expect(Self.ensembleCaptures.count >= 3)
    }

    @Test(arguments: ensembleCaptures)
    func everyQuorumAndElectionItemRoundTrips(capture: String) throws {
        let decoded = try Captures.decode(capture)
        var election: [StreamID: ElectionStreamDecoder] = [:]
        var zab: [StreamID: ZabStreamDecoder] = [:]
        var counts: [TrafficProtocol: Int] = [:]
        for message in decoded.messages where message.proto != .client {
            counts[message.proto, default: 0] += 1
            var again = ByteBuffer()
            switch message.content {
            case .election(let item):
                item.write(to: &again)
                var decoder = election[message.stream, default: ElectionStreamDecoder(
                    direction: message.stream.direction == .clientToServer ? .fromConnector : .fromAcceptor)]
                try checkPrefixes(message, capture, { (decoder, bytes) in try decoder.next(from: &bytes) != nil }, on: decoder)
                var whole = message.wireBytes
                #expect(try decoder.next(from: &whole) == item)
                election[message.stream] = decoder
            case .quorum(let item):
                item.write(to: &again)
                var decoder = zab[message.stream, default: ZabStreamDecoder()]
                try checkPrefixes(message, capture, { (decoder, bytes) in try decoder.next(from: &bytes) != nil }, on: decoder)
                var whole = message.wireBytes
                #expect(try decoder.next(from: &whole) == item)
                zab[message.stream] = decoder
            case .closed:
                continue
            default:
                Issue.record("\(capture): \(message.proto) \(message.summary)")
                continue
            }
            #expect(again == message.wireBytes, "\(capture): \(message.summary)")
        }
        #expect(counts[.election, default: 0] > 0 && counts[.quorum, default: 0] > 0, "\(capture): \(counts)")
    }

    /// The ensemble captures cover the learner protocol's packets, a SNAP with
    /// its snapshot, and notifications from every server state in play.
    @Test func ensembleCapturesCoverTheLearnerProtocol() throws {
        var types: Set<QuorumPacketType> = []
        var states: Set<ServerState> = []
        var snapshotNodes = 0
        var signatures = 0
        for capture in Self.ensembleCaptures {
            for message in try Captures.decode(capture).messages {
                switch message.content {
                case .quorum(.packet(let packet)):
                    types.insert(packet.type)
                    #expect(packet.payloadError == nil, "\(capture): \(message.summary)")
                case .quorum(.snapshot(.node)): snapshotNodes += 1
                case .quorum(.snapshotSignature(let signature)):
                    #expect(signature == "BenWasHere")
                    signatures += 1
                case .election(.notification(let notification)): states.insert(notification.state)
                default: break
                }
            }
        }
        let expected: Set<QuorumPacketType> = [
            .proposal, .ack, .commit, .ping, .inform, .newLeader, .followerInfo, .observerInfo,
            .upToDate, .diff, .snap, .leaderInfo, .ackEpoch,
        ]
        #expect(expected.isSubset(of: types), "missing: \(expected.subtracting(types))")
        #expect(snapshotNodes >= 30 && signatures >= 1, "\(snapshotNodes) nodes, \(signatures) signatures")
        #expect([ServerState.looking, .following, .leading].allSatisfy(states.contains), "\(states)")
    }
}

/// Feeds every prefix of `message` to a copy of `decoder`; each must need more bytes.
private func checkPrefixes<Decoder>(
    _ message: DecodedMessage,
    _ capture: String,
    _ decodes: (inout Decoder, inout ByteBuffer) throws -> Bool,
    on decoder: Decoder
) throws {
    let bytes = message.wireBytes
    for cut in prefixLengths(bytes.readableBytes) {
        var trial = decoder
        var prefix = bytes.getSlice(at: bytes.readerIndex, length: cut)!
        #expect(try decodes(&trial, &prefix) == false, "\(capture): \(cut)-byte prefix of \(message.summary)")
        #expect(prefix.readerIndex == 0)
    }
}
