import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// Turns decoded messages into dump records: pairs each reply with its request
/// (for the op, path and latency), follows each connection's session, and at a
/// connection's close reports the requests that were never answered.
public struct TrafficTracker: Sendable {
    struct Pending: Sendable {
        var op: OpCode
        var path: String?
        var time: CaptureTimestamp
        var xid: Int32
    }

    struct Connection: Sendable {
        /// The endpoints as text, made once per connection rather than per message.
        var client: String
        var server: String
        var session: Int64?
        /// Unanswered requests in the order sent; replies come in that order.
        var pending: [Pending] = []
    }

    public var secrets: Bool
    private var connections: [ConnectionID: Connection] = [:]

    public init(secrets: Bool = false) {
        self.secrets = secrets
    }

    /// The records for one message (usually one; a close can add unanswered requests).
    public mutating func records(for message: DecodedMessage) -> [TrafficRecord] {
        let id = message.stream.connection
        if connections[id] == nil {
            connections[id] = Connection(client: "\(id.client)", server: "\(id.server)")
        }
        let (src, dst) = message.stream.direction == .clientToServer
            ? (connections[id]!.client, connections[id]!.server) : (connections[id]!.server, connections[id]!.client)
        var record = TrafficRecord(time: message.time, src: src, dst: dst, proto: message.proto, kind: message.kindName)
        let fields = ClientFields(secrets: secrets)
        switch message.content {
        case .client(.connect(let frame)):
            let r = frame.request
            if r.sessionId != 0 { connections[id]!.session = r.sessionId }
            record.session = r.sessionId
            record.fields.set("protocol_version", r.protocolVersion)
            record.fields.set("last_zxid_seen", Preview.hex(r.lastZxidSeen))
            record.fields.set("timeout", r.timeOut)
            record.fields.set("passwd_len", r.passwd.map { $0.readableBytes } ?? -1)
            if secrets { record.fields.set("passwd", Preview.hex(r.passwd)) }
            record.fields.set("readonly", frame.hasReadOnlyByte ? .bool(r.readOnly) : .null)
        case .server(.connect(let frame)):
            let r = frame.response
            if r.sessionId != 0 { connections[id]!.session = r.sessionId }
            record.session = r.sessionId
            record.fields.set("protocol_version", r.protocolVersion)
            record.fields.set("timeout", r.timeOut)
            record.fields.set("passwd_len", r.passwd.map { $0.readableBytes } ?? -1)
            if secrets { record.fields.set("passwd", Preview.hex(r.passwd)) }
            record.fields.set("readonly", frame.hasReadOnlyByte ? .bool(r.readOnly) : .null)
            if frame.sessionExpired { record.fields.set("expired", true) }
        case .client(.request(let request)):
            record.session = connections[id]?.session
            record.xid = request.xid
            record.op = request.op.name ?? "\(request.op.rawValue)"
            record.path = request.body.path
            fields.request(request.body, into: &record.fields)
            connections[id]!.pending.append(
                Pending(op: request.op, path: request.body.path, time: message.time, xid: request.xid))
        case .server(.reply(let reply)):
            record.session = connections[id]?.session
            record.xid = reply.xid
            record.err = reply.err
            record.zxid = reply.zxid
            // Java answers every ping with xid -2, whatever xid it carried.
            let index = connections[id]?.pending.firstIndex {
                reply.xid == Xid.ping ? $0.op == .ping : $0.xid == reply.xid
            }
            if let index, let request = connections[id]?.pending.remove(at: index) {
                record.op = request.op.name ?? "\(request.op.rawValue)"
                record.path = request.path
                record.latencyMicros = message.time.micros(since: request.time)
            } else {
                record.op = reply.op.map { $0.name ?? "\($0.rawValue)" }
            }
            fields.response(reply.body, into: &record.fields)
        case .server(.event(let header, let event)):
            record.session = connections[id]?.session
            record.xid = header.xid
            record.zxid = header.zxid
            record.path = event.path
            record.fields.set("event_type", "\(EventType(rawValue: event.type))")
            record.fields.set("state", "\(KeeperState(rawValue: event.state))")
        case .client(.fourLetterWord(let word)):
            record.op = word.word
        case .client(.raw(let bytes)):
            record.fields.set("bytes_after_word", bytes.readableBytes)
        case .server(.fourLetterReply(let text)):
            record.fields.set("text", String(buffer: text))
        case .election(let item):
            QuorumFields.election(item, into: &record)
        case .quorum(let item):
            QuorumFields.zab(item, into: &record)
        case .malformed(let reason), .undecoded(let reason):
            record.offset = message.streamOffset
            record.byteCount = message.wireBytes.readableBytes
            record.fields.set("reason", reason)
        case .gap(let missing):
            record.offset = message.streamOffset
            record.byteCount = Int(clamping: missing)
        case .resynchronised(let skipped):
            record.offset = message.streamOffset
            record.byteCount = skipped
            record.fields.set("reason", "skipped to the next message boundary")
        case .closed(let reason):
            record.session = connections[id]?.session
            record.fields.set("reason", "\(reason)")
            var records = [record]
            for request in connections.removeValue(forKey: id)?.pending ?? [] {
                var unanswered = TrafficRecord(time: message.time, src: src, dst: dst, proto: message.proto, kind: "unanswered")
                unanswered.session = records[0].session
                unanswered.xid = request.xid
                unanswered.op = request.op.name ?? "\(request.op.rawValue)"
                unanswered.path = request.path
                unanswered.fields.set("sent", request.time.iso8601)
                records.append(unanswered)
            }
            return records
        }
        return [record]
    }
}

extension DecodedMessage {
    /// The `kind` zkdump reports for this message.
    public var kindName: String {
        switch content {
        case .client(.connect), .server(.connect): "connect"
        case .client(.request(let r)): r.op == .ping ? "ping" : r.op == .auth ? "auth" : "request"
        case .server(.reply(let r)): r.op == .ping || r.xid == Xid.ping ? "ping" : r.op == .auth ? "auth" : "response"
        case .server(.event): "event"
        case .client(.fourLetterWord), .client(.raw), .server(.fourLetterReply): "fourletter"
        case .election: "election"
        case .quorum: "quorum"
        case .malformed: "malformed"
        case .undecoded, .resynchronised: "undecoded"
        case .gap: "gap"
        case .closed: "close"
        }
    }
}
