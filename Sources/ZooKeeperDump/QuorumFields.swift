import NIOCore
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperStorageFormat

/// The fields of election and ZAB records, as zkdump shows them.
enum QuorumFields {
    static func election(_ item: ElectionStreamItem, into record: inout TrafficRecord) {
        switch item {
        case .initialMessage(let m):
            record.op = "initial"
            record.fields.set("protocol_version", m.protocolVersion.map { Int64($0.rawValue) } ?? 0)
            record.fields.set("sid", m.serverId)
            record.fields.set("addresses", .array(m.addresses.map(JSONLine.Value.string)))
        case .quorumAuth(let p):
            record.op = "auth"
            record.fields.set("status", p.status)
            record.fields.set("token_len", p.token.map { $0.readableBytes } ?? -1)
        case .notification(let n):
            record.op = "notification"
            record.zxid = n.zxid
            record.fields.set("state", "\(n.state)")
            record.fields.set("leader", n.leader)
            record.fields.set("election_epoch", Preview.hex(n.electionEpoch))
            record.fields.set("peer_epoch", Preview.hex(n.effectivePeerEpoch))
            if let version = n.version { record.fields.set("version", version) }
            if let config = n.config { record.fields.set("config", configLines(config)) }
        case .malformedNotification(let body, let error):
            record.op = "notification"
            record.fields.set("malformed", "\(error)")
            record.fields.set("body_len", body.readableBytes)
        }
    }

    static func zab(_ item: ZabStreamItem, into record: inout TrafficRecord) {
        switch item {
        case .quorumAuth(let p):
            record.op = "auth"
            record.fields.set("status", p.status)
        case .packet(let m):
            record.op = "\(m.type)"
            record.zxid = m.zxid
            payload(m.payload, into: &record)
            if let error = m.payloadError { record.fields.set("payload_error", "\(error)") }
        case .snapshot(let item):
            record.op = "snapshot"
            switch item {
            case .sessionCount(let n): record.fields.set("sessions", n)
            case .session(let s):
                record.session = s.sessionId
                record.fields.set("timeout", s.timeout)
            case .aclCacheCount(let n): record.fields.set("acl_lists", n)
            case .aclCacheEntry(let e):
                record.fields.set("acl_index", e.index)
                record.fields.set("acl", ClientFields(secrets: false).acl(e.acl))
            case .node(let node):
                record.path = node.path
                record.fields.set("data_len", node.data.map { $0.readableBytes } ?? -1)
                record.fields.set("acl_index", node.acl)
                record.fields.set("mzxid", Preview.hex(node.stat.mzxid))
            case .endOfNodes:
                record.fields.set("end", "nodes")
            }
        case .snapshotSignature(let signature):
            record.op = "snapshot"
            record.fields.set("signature", signature)
        }
    }

    private static func payload(_ payload: ZabPayload, into record: inout TrafficRecord) {
        switch payload {
        case .none: break
        case .txn(let entry): txn(entry, into: &record)
        case .commitAndActivate(let leader): record.fields.set("suggested_leader", leader)
        case .informAndActivate(let leader, let entry):
            record.fields.set("suggested_leader", leader)
            txn(entry, into: &record)
        case .learnerInfo(let info):
            record.fields.set("sid", info.serverid)
            record.fields.set("protocol_version", Preview.hex(Int64(info.protocolVersion)))
            record.fields.set("config_version", Preview.hex(info.configVersion))
        case .leaderInfo(let version): record.fields.set("protocol_version", Preview.hex(Int64(version)))
        case .ackEpoch(let epoch): record.fields.set("epoch", epoch)
        case .revalidateRequest(let r):
            record.session = r.sessionId
            record.fields.set("timeout", r.timeout)
        case .revalidateReply(let r):
            record.session = r.sessionId
            record.fields.set("valid", r.valid)
        case .request(let r):
            record.session = r.sessionId
            record.fields.set("cxid", r.cxid)
            record.fields.set("request_op", r.type.name ?? "\(r.type.rawValue)")
            record.fields.set("request_len", r.request.readableBytes)
        case .sessionTouches(let touches):
            record.fields.set("sessions", .array(touches.map { .string("\(Preview.hex($0.sessionId)):\($0.timeout)") }))
        case .config(let text):
            record.fields.set("config", configLines(text))
        case .raw(let bytes): record.fields.set("data_len", bytes.readableBytes)
        }
    }

    /// A quorum config (`server.1=...` lines) as a list, split on bytes.
    private static func configLines(_ text: ByteBuffer) -> JSONLine.Value {
        .array(text.readableBytesView.split(separator: UInt8(ascii: "\n")).map { .string(String(decoding: $0, as: UTF8.self)) })
    }

    private static func txn(_ entry: TxnEntry, into record: inout TrafficRecord) {
        record.session = entry.header.clientId
        record.fields.set("txn", entry.type.name ?? "\(entry.type.rawValue)")
        record.fields.set("cxid", entry.header.cxid)
        record.fields.set("txn_time", iso8601(milliseconds: entry.header.time))
        if let path = entry.body.path { record.path = path }
    }
}

extension TxnBody {
    /// The znode path a txn names, if it names one.
    var path: String? {
        switch self {
        case .create(let t): t.path
        case .createV0(let t): t.path
        case .createTTL(let t): t.path
        case .createContainer(let t): t.path
        case .delete(let t): t.path
        case .setData(let t): t.path
        case .setACL(let t): t.path
        case .checkVersion(let t): t.path
        default: nil
        }
    }
}
