import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperStorageFormat

@Suite struct ZabTests {
    /// A QuorumPacket: type, zxid, data, authinfo.
    static func packet(_ type: Int32, zxid: Int64, data: [UInt8]?, authinfo: [UInt8] = i32(-1)) -> [UInt8] {
        i32(type) + i64(zxid) + (data.map(lengthPrefixed) ?? i32(-1)) + authinfo
    }

    static let followerInfo: [UInt8] =
        [0x00, 0x00, 0x00, 0x0B]                             // type FOLLOWERINFO
        + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]   // zxid: accepted epoch 1
        + [0x00, 0x00, 0x00, 0x14]                           // data length 20
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02]   //   LearnerInfo.serverid 2
        + [0x00, 0x01, 0x00, 0x00]                           //   protocolVersion 0x10000
        + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]   //   configVersion 0x100000000
        + [0xFF, 0xFF, 0xFF, 0xFF]                           // authinfo: null

    static let leaderInfo: [UInt8] =
        [0x00, 0x00, 0x00, 0x11]                             // type LEADERINFO
        + [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00]   // zxid: new epoch 2
        + [0x00, 0x00, 0x00, 0x04]                           // data length 4
        + [0x00, 0x01, 0x00, 0x00]                           //   protocol version 0x10000
        + [0xFF, 0xFF, 0xFF, 0xFF]                           // authinfo: null

    static let ackEpoch = packet(18, zxid: 0x1_0000_0004, data: i32(1))
    static let snap = packet(15, zxid: 0x1_0000_0004, data: nil)
    static let newLeader = packet(10, zxid: 0x2_0000_0000, data: Array("server.1=a:2888:3888\nversion=100000000".utf8))
    static let upToDate = packet(12, zxid: -1, data: nil)
    static let proposalEntry = TxnEntryBytes.create
    static let proposal = packet(2, zxid: 0x2_0000_0001, data: proposalEntry)
    static let commit = packet(4, zxid: 0x2_0000_0001, data: nil)
    static let ping = packet(5, zxid: 0x2_0000_0001, data: i64(0x100) + i32(30000) + i64(0x101) + i32(4000))
    static let request = packet(
        1, zxid: -1,
        data: i64(0x100) + i32(7) + i32(1) + [1, 2, 3],      // session, cxid, type create, request bytes
        authinfo: i32(1) + ustr("digest") + ustr("u:h")      // one Id
    )
    static let revalidate = packet(6, zxid: -1, data: i64(0x100) + i32(30000))
    static let revalidateReply = packet(6, zxid: -1, data: i64(0x100) + [0x01])
    static let commitAndActivate = packet(9, zxid: 0x2_0000_0002, data: i64(3))
    static let informAndActivate = packet(19, zxid: 0x2_0000_0002, data: i64(3) + TxnEntryBytes.reconfig)

    func message(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> ZabMessage {
        var buffer = ByteBuffer(bytes)
        var decoder = ZabStreamDecoder()
        guard case .packet(let message) = try decoder.next(from: &buffer) else {
            Issue.record("no packet", sourceLocation: sourceLocation)
            throw QuorumProtocolError(.invalidPacket)
        }
        #expect(buffer.readableBytes == 0, sourceLocation: sourceLocation)
        #expect(message.payloadError == nil, sourceLocation: sourceLocation)
        // The payload alone re-encodes the data.
        #expect(message.payload.data?.bytes == message.packet.data?.bytes, sourceLocation: sourceLocation)
        var encoded = ByteBuffer()
        message.write(to: &encoded)
        #expect(encoded.bytes == bytes, sourceLocation: sourceLocation)
        try expectEveryPrefixNeedsMore(bytes, sourceLocation: sourceLocation) { b in
            var fresh = ZabStreamDecoder()
            return try fresh.next(from: &b)
        }
        return message
    }

    @Test func handshakePackets() throws {
        let info = try message(Self.followerInfo)
        #expect(info.type == .followerInfo)
        #expect(info.zxid == 0x1_0000_0000)
        #expect(info.payload == .learnerInfo(LearnerInfo(serverid: 2, protocolVersion: 0x10000, configVersion: 0x1_0000_0000)))
        #expect(try message(Self.leaderInfo).payload == .leaderInfo(protocolVersion: 0x10000))
        #expect(try message(Self.ackEpoch).payload == .ackEpoch(1))
        #expect(try message(Self.snap).payload == ZabPayload.none)
        #expect(try message(Self.upToDate).payload == ZabPayload.none)
        guard case .config(let config) = try message(Self.newLeader).payload else { Issue.record("no config"); return }
        #expect(String(buffer: config).hasPrefix("server.1="))
    }

    @Test func broadcastPackets() throws {
        let proposal = try message(Self.proposal)
        guard case .txn(let entry) = proposal.payload else { Issue.record("\(proposal.payload)"); return }
        #expect(entry.type == .create)
        #expect(entry.digest != nil)
        #expect(try message(Self.commit).payload == ZabPayload.none)
        #expect(try message(Self.ping).payload == .sessionTouches([
            SessionTouch(sessionId: 0x100, timeout: 30000), SessionTouch(sessionId: 0x101, timeout: 4000),
        ]))
        let request = try message(Self.request)
        #expect(request.payload == .request(LearnerRequest(sessionId: 0x100, cxid: 7, type: .create, request: ByteBuffer([1, 2, 3]))))
        #expect(request.packet.authinfo == [Id(scheme: "digest", id: "u:h")])
        #expect(try message(Self.revalidate).payload == .revalidateRequest(RevalidateRequest(sessionId: 0x100, timeout: 30000)))
        #expect(try message(Self.revalidateReply).payload == .revalidateReply(RevalidateReply(sessionId: 0x100, valid: true)))
        #expect(try message(Self.commitAndActivate).payload == .commitAndActivate(suggestedLeader: 3))
        guard case .informAndActivate(3, let reconfig) = try message(Self.informAndActivate).payload,
              case .setData(let config) = reconfig.body else { Issue.record("no reconfig"); return }
        #expect(config.path == "/zookeeper/config")
    }

    @Test func packetTypes() {
        #expect(QuorumPacketType.known.map(\.0.rawValue) == Array(1...19))
        #expect(QuorumPacketType.informAndActivate.description == "INFORMANDACTIVATE")
        #expect(QuorumPacketType(42).description == "UNKNOWN42")
        #expect(ZabMessage(type: .ackEpoch, zxid: 5, payload: .ackEpoch(-1)).packet.data?.bytes == i32(-1))
    }

    /// Leader to learner with a SNAP sync: the snapshot body, then the signature.
    static let snapBody =
        i32(1) + i64(0x100) + i32(30000)                     // one session
        + i32(0)                                             // empty ACL cache
        + i32(0) + i32(0) + i64(-1) + [UInt8](repeating: 0, count: 60)      // root ""
        + ustr("/zookeeper") + i32(0) + i64(-1) + [UInt8](repeating: 0, count: 60)
        + ustr("/")                                          // end of nodes
    static let leaderStream = leaderInfo + snap + snapBody + ustr("BenWasHere") + newLeader + upToDate + proposal + commit

    @Test func leaderStreamWithSnapshot() throws {
        var decoder = ZabStreamDecoder()
        var buffer = ByteBuffer(Self.leaderStream)
        var items: [ZabStreamItem] = []
        while let item = try decoder.next(from: &buffer) { items.append(item) }
        #expect(buffer.readableBytes == 0)
        let kinds = items.map { item -> String in
            switch item {
            case .packet(let message): "\(message.type)"
            case .snapshot(let piece): "\(piece)".prefix(while: { $0 != "(" }).description
            case .snapshotSignature(let signature): signature
            case .quorumAuth: "auth"
            }
        }
        #expect(kinds == [
            "LEADERINFO", "SNAP", "sessionCount", "session", "aclCacheCount", "node", "node", "endOfNodes",
            "BenWasHere", "NEWLEADER", "UPTODATE", "PROPOSAL", "COMMIT",
        ])
        #expect(decoder.snapshotDecoder.nodeCount == 2)

        var byByte = ZabStreamDecoder()
        let (fed, leftover) = try feedByteAtATime(Self.leaderStream) { try byByte.next(from: &$0) }
        #expect(fed == items)
        #expect(leftover == 0)
    }

    @Test func largeSnapshotArrivesInPieces() throws {
        // 5000 nodes of 1 KiB, fed 4 KiB at a time: never more than a chunk
        // and one node are buffered.
        var snapshot = ByteBuffer()
        snapshot.writeBytes(Self.snap)
        SnapshotBody(nodes: (0..<5000).map { index in
            SnapshotNode(
                path: index == 0 ? "" : "/n\(index)", data: ByteBuffer(repeating: UInt8(index % 251), count: 1024), acl: -1,
                stat: StatPersisted(czxid: Int64(index), mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, pzxid: 0)
            )
        }).write(to: &snapshot)
        snapshot.writeBytes(ustr("BenWasHere") + Self.upToDate)
        var decoder = ZabStreamDecoder()
        var buffer = ByteBuffer()
        var nodes = 0
        var maxBuffered = 0
        var last: ZabStreamItem?
        while snapshot.readableBytes > 0 {
            var chunk = snapshot.readSlice(length: min(4096, snapshot.readableBytes))!
            buffer.writeBuffer(&chunk)
            maxBuffered = max(maxBuffered, buffer.readableBytes)
            while let item = try decoder.next(from: &buffer) {
                if case .snapshot(.node) = item { nodes += 1 }
                last = item
            }
            buffer.discardReadBytes()
        }
        #expect(nodes == 5000)
        #expect(maxBuffered < 4096 + 1200)
        guard case .packet(let message) = last else { Issue.record("\(String(describing: last))"); return }
        #expect(message.type == .upToDate)
    }

    @Test func badStreams() throws {
        func error(_ bytes: [UInt8]) -> QuorumProtocolError? {
            var decoder = ZabStreamDecoder()
            var buffer = ByteBuffer(bytes)
            do {
                while try decoder.next(from: &buffer) != nil {}
                return nil
            } catch {
                return error
            }
        }
        // Negative and oversized data lengths, a negative authinfo count.
        #expect(error(i32(2) + i64(1) + i32(-2))?.jute?.kind == .negativeLength)
        #expect(error(i32(2) + i64(1) + i32(0x7FFF_FFFF))?.jute?.kind == .lengthExceedsLimit)
        #expect(error(i32(2) + i64(1) + i32(-1) + i32(-3))?.jute?.kind == .negativeLength)
        // A wrong signature after the snapshot.
        #expect(error(Self.snap + Self.snapBody + ustr("BenWasNotHere"))?.kind == .badSnapshotSignature)
        #expect(error(Self.snap + Self.snapBody + i32(-1))?.kind == .badSnapshotSignature)
        // A broken snapshot.
        #expect(error(Self.snap + i32(-4))?.kind == .invalidSnapshot)
        // Truncated input is not an error, just not done.
        #expect(error(Array(Self.leaderStream.dropLast(5))) == nil)
    }

    @Test func payloadsThatDoNotFitTheirType() throws {
        let cases: [[UInt8]] = [
            Self.packet(17, zxid: 0, data: [0, 1, 0]),             // LEADERINFO of 3 bytes
            Self.packet(6, zxid: -1, data: i64(1)),               // REVALIDATE of 8 bytes
            Self.packet(5, zxid: 0, data: i64(1) + [0]),          // PING, not whole pairs
            Self.packet(2, zxid: 0, data: [1, 2, 3]),             // PROPOSAL, no transaction
            Self.packet(1, zxid: 0, data: i64(1)),                // REQUEST of 8 bytes
        ]
        for bytes in cases {
            var decoder = ZabStreamDecoder()
            var buffer = ByteBuffer(bytes + Self.commit)
            guard case .packet(let bad) = try decoder.next(from: &buffer) else { Issue.record("no packet"); continue }
            #expect(bad.payloadError?.kind == .invalidPayload)
            var encoded = ByteBuffer()
            bad.write(to: &encoded)
            #expect(encoded.bytes == bytes)
            // The stream goes on.
            guard case .packet(let next) = try decoder.next(from: &buffer) else { Issue.record("stream stopped"); continue }
            #expect(next.type == .commit)
        }
    }

    @Test func quorumAuthFirst() throws {
        let stream = ElectionTests.authPacket + Self.followerInfo
        var decoder = ZabStreamDecoder()
        let (items, leftover) = try feedByteAtATime(stream) { try decoder.next(from: &$0) }
        #expect(leftover == 0)
        #expect(items.count == 2)
        guard case .quorumAuth(let auth) = items[0] else { Issue.record("\(items)"); return }
        #expect(auth.magic == QuorumAuth.magic)
    }
}

/// TxnEntry bytes for payloads.
enum TxnEntryBytes {
    static func header(type: Int32) -> [UInt8] {
        i64(0x100) + i32(1) + i64(0x2_0000_0001) + i64(1_700_000_000_000) + i32(type)
    }

    static let digest = i32(2) + i64(77)

    static let create = header(type: 1)
        + ustr("/a") + lengthPrefixed([0x68, 0x69])          // path, data
        + i32(1) + i32(31) + ustr("world") + ustr("anyone")  // acl
        + [0x00] + i32(1)                                    // ephemeral, parentCVersion
        + digest

    static let reconfig = header(type: 16)
        + ustr("/zookeeper/config") + lengthPrefixed(Array("server.1=a:2888:3888".utf8)) + i32(-1)
        + digest
}
