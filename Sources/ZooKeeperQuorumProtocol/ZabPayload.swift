import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A QuorumPacket's `data`, read as its type calls for (what Leader,
/// LearnerHandler, Learner and Follower write and read there in 3.8).
public enum ZabPayload: Hashable, Sendable {
    /// Null data (ACK, COMMIT, UPTODATE, DIFF, TRUNC, SNAP, SYNC, a leader's PING...).
    case none
    /// PROPOSAL, INFORM: the transaction as marshalled for the log.
    /// (Out of line, as is INFORMANDACTIVATE's: a transaction is large and a
    /// decoded message is copied several times on its way out.)
    indirect case txn(TxnEntry)
    /// COMMITANDACTIVATE: the designated leader of the new config.
    case commitAndActivate(suggestedLeader: Int64)
    /// INFORMANDACTIVATE: the designated leader, then the reconfig transaction.
    indirect case informAndActivate(suggestedLeader: Int64, txn: TxnEntry)
    /// FOLLOWERINFO, OBSERVERINFO in the 20-byte layout of 3.5+.
    case learnerInfo(LearnerInfo)
    /// LEADERINFO: the leader's protocol version (0x10000).
    case leaderInfo(protocolVersion: Int32)
    /// ACKEPOCH: the learner's current epoch, or -1.
    case ackEpoch(Int32)
    case revalidateRequest(RevalidateRequest)
    case revalidateReply(RevalidateReply)
    case request(LearnerRequest)
    /// A learner's PING reply: the sessions it has seen.
    case sessionTouches([SessionTouch])
    /// NEWLEADER: the leader's quorum config text.
    case config(ByteBuffer)
    /// Data this decoder has no reading for (older FOLLOWERINFO forms, unknown types).
    case raw(ByteBuffer)

    /// The protocol version LEADERINFO and LearnerInfo carry since 3.4 (`0x10000`).
    public static let protocolVersion: Int32 = 0x10000

    /// Reads `data` for a packet of `type`.
    public init(type: QuorumPacketType, data: ByteBuffer?, limits: JuteLimits = .default) throws(QuorumProtocolError) {
        guard let data else {
            self = .none
            return
        }
        // One view of the bytes for the whole payload (see `JuteReader`).
        self = try data.peekJute { (reader: inout JuteReader) throws(QuorumProtocolError) -> ZabPayload in
            try ZabPayload(type: type, data: &reader, limits: limits)
        }
    }

    /// Reads the bytes of `data`, all of which are the payload.
    private init(type: QuorumPacketType, data: inout JuteReader, limits: JuteLimits) throws(QuorumProtocolError) {
        let size = data.readableBytes
        func invalid(_ detail: String, _ jute: JuteError? = nil) -> QuorumProtocolError {
            QuorumProtocolError(.invalidPayload, detail: "\(type) data: \(detail)", jute: jute)
        }
        func txn(_ reader: inout JuteReader) throws(QuorumProtocolError) -> TxnEntry {
            do throws(JuteError) {
                return try TxnEntry(juteWhole: &reader, limits: limits)
            } catch {
                throw invalid("not a transaction", error)
            }
        }
        // Every size is checked before the reads, so the reads below cannot
        // run short; `try?` only satisfies the reader's signature.
        switch type {
        case .proposal, .inform:
            self = .txn(try txn(&data))
        case .commitAndActivate:
            guard size == 8, let leader = try? data.readLong() else { throw invalid("\(size) bytes, expected 8") }
            self = .commitAndActivate(suggestedLeader: leader)
        case .informAndActivate:
            guard let leader = try? data.readLong() else { throw invalid("\(size) bytes, no leader id") }
            self = .informAndActivate(suggestedLeader: leader, txn: try txn(&data))
        case .followerInfo, .observerInfo:
            // Older learners send 8 or 12 bytes; those stay raw.
            var attempt = data
            guard size == LearnerInfo.juteMinimumSize, let info = try? LearnerInfo(juteReader: &attempt, limits: .default) else {
                self = .raw(data.readRest())
                return
            }
            self = .learnerInfo(info)
        case .leaderInfo, .ackEpoch:
            guard size == 4, let value = try? data.readInt() else { throw invalid("\(size) bytes, expected 4") }
            self = type == .leaderInfo ? .leaderInfo(protocolVersion: value) : .ackEpoch(value)
        case .revalidate:
            // The learner asks with id + timeout, the leader answers with id + boolean.
            switch size {
            case 12:
                guard let sessionId = try? data.readLong(), let timeout = try? data.readInt() else { throw invalid("\(size) bytes") }
                self = .revalidateRequest(RevalidateRequest(sessionId: sessionId, timeout: timeout))
            case 9:
                guard let sessionId = try? data.readLong(), let valid = try? data.readBool() else { throw invalid("\(size) bytes") }
                self = .revalidateReply(RevalidateReply(sessionId: sessionId, valid: valid))
            default:
                throw invalid("\(size) bytes, expected 12 or 9")
            }
        case .request:
            guard size >= 16, let sessionId = try? data.readLong(), let cxid = try? data.readInt(), let op = try? data.readInt() else {
                throw invalid("\(size) bytes, fewer than 16")
            }
            self = .request(LearnerRequest(sessionId: sessionId, cxid: cxid, type: OpCode(op), request: data.readRest()))
        case .ping:
            guard size % 12 == 0 else { throw invalid("\(size) bytes, not whole (session, timeout) pairs") }
            var touches: [SessionTouch] = []
            touches.reserveCapacity(size / 12)
            while data.readableBytes > 0 {
                guard let sessionId = try? data.readLong(), let timeout = try? data.readInt() else { break }
                touches.append(SessionTouch(sessionId: sessionId, timeout: timeout))
            }
            self = .sessionTouches(touches)
        case .newLeader:
            self = .config(data.readRest())
        default:
            self = .raw(data.readRest())
        }
    }

    /// The data bytes, nil for `.none`.
    public var data: ByteBuffer? {
        var buffer = ByteBuffer()
        switch self {
        case .none:
            return nil
        case .txn(let entry):
            entry.write(to: &buffer)
        case .commitAndActivate(let leader):
            buffer.writeJuteLong(leader)
        case .informAndActivate(let leader, let entry):
            buffer.writeJuteLong(leader)
            entry.write(to: &buffer)
        case .learnerInfo(let info):
            buffer.writeJuteRecord(info)
        case .leaderInfo(let value), .ackEpoch(let value):
            buffer.writeJuteInt(value)
        case .revalidateRequest(let request):
            buffer.writeJuteLong(request.sessionId)
            buffer.writeJuteInt(request.timeout)
        case .revalidateReply(let reply):
            buffer.writeJuteLong(reply.sessionId)
            buffer.writeJuteBool(reply.valid)
        case .request(let request):
            buffer.writeJuteLong(request.sessionId)
            buffer.writeJuteInt(request.cxid)
            buffer.writeJuteInt(request.type.rawValue)
            var body = request.request
            buffer.writeBuffer(&body)
        case .sessionTouches(let touches):
            for touch in touches {
                buffer.writeJuteLong(touch.sessionId)
                buffer.writeJuteInt(touch.timeout)
            }
        case .config(let bytes), .raw(let bytes):
            return bytes
        }
        return buffer
    }
}
