import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A QuorumPacket's `data`, read as its type calls for (what Leader,
/// LearnerHandler, Learner and Follower write and read there in 3.8).
public enum ZabPayload: Hashable, Sendable {
    /// Null data (ACK, COMMIT, UPTODATE, DIFF, TRUNC, SNAP, SYNC, a leader's PING...).
    case none
    /// PROPOSAL, INFORM: the transaction as marshalled for the log.
    case txn(TxnEntry)
    /// COMMITANDACTIVATE: the designated leader of the new config.
    case commitAndActivate(suggestedLeader: Int64)
    /// INFORMANDACTIVATE: the designated leader, then the reconfig transaction.
    case informAndActivate(suggestedLeader: Int64, txn: TxnEntry)
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
        guard var data else {
            self = .none
            return
        }
        let size = data.readableBytes
        func invalid(_ detail: String, _ jute: JuteError? = nil) -> QuorumProtocolError {
            QuorumProtocolError(.invalidPayload, detail: "\(type) data: \(detail)", jute: jute)
        }
        func txn(_ bytes: ByteBuffer) throws(QuorumProtocolError) -> TxnEntry {
            do throws(JuteError) {
                return try TxnEntry(juteBytes: bytes, limits: limits)
            } catch {
                throw invalid("not a transaction", error)
            }
        }
        switch type {
        case .proposal, .inform:
            self = .txn(try txn(data))
        case .commitAndActivate:
            guard size == 8 else { throw invalid("\(size) bytes, expected 8") }
            self = .commitAndActivate(suggestedLeader: data.readInteger(endianness: .big, as: Int64.self)!)
        case .informAndActivate:
            guard let leader = data.readInteger(endianness: .big, as: Int64.self) else { throw invalid("\(size) bytes, no leader id") }
            self = .informAndActivate(suggestedLeader: leader, txn: try txn(data))
        case .followerInfo, .observerInfo:
            // Older learners send 8 or 12 bytes; those stay raw.
            guard size == LearnerInfo.juteMinimumSize, let info = try? data.readJuteRecord(LearnerInfo.self) else {
                self = .raw(data)
                return
            }
            self = .learnerInfo(info)
        case .leaderInfo, .ackEpoch:
            guard size == 4 else { throw invalid("\(size) bytes, expected 4") }
            let value = data.readInteger(endianness: .big, as: Int32.self)!
            self = type == .leaderInfo ? .leaderInfo(protocolVersion: value) : .ackEpoch(value)
        case .revalidate:
            // The learner asks with id + timeout, the leader answers with id + boolean.
            switch size {
            case 12:
                self = .revalidateRequest(RevalidateRequest(
                    sessionId: data.readInteger(endianness: .big, as: Int64.self)!,
                    timeout: data.readInteger(endianness: .big, as: Int32.self)!
                ))
            case 9:
                self = .revalidateReply(RevalidateReply(
                    sessionId: data.readInteger(endianness: .big, as: Int64.self)!,
                    valid: data.readInteger(as: UInt8.self)! != 0
                ))
            default:
                throw invalid("\(size) bytes, expected 12 or 9")
            }
        case .request:
            guard size >= 16 else { throw invalid("\(size) bytes, fewer than 16") }
            self = .request(LearnerRequest(
                sessionId: data.readInteger(endianness: .big, as: Int64.self)!,
                cxid: data.readInteger(endianness: .big, as: Int32.self)!,
                type: OpCode(data.readInteger(endianness: .big, as: Int32.self)!),
                request: data
            ))
        case .ping:
            guard size % 12 == 0 else { throw invalid("\(size) bytes, not whole (session, timeout) pairs") }
            var touches: [SessionTouch] = []
            touches.reserveCapacity(size / 12)
            while data.readableBytes > 0 {
                touches.append(SessionTouch(
                    sessionId: data.readInteger(endianness: .big, as: Int64.self)!,
                    timeout: data.readInteger(endianness: .big, as: Int32.self)!
                ))
            }
            self = .sessionTouches(touches)
        case .newLeader:
            self = .config(data)
        default:
            self = .raw(data)
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
