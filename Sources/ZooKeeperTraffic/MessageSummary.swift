import NIOCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperStorageFormat

extension DecodedMessage {
    /// What kind of thing this is, in the words zkdump's `kind` field uses.
    public var kind: String {
        switch content {
        case .client(.connect), .server(.connect): "connect"
        case .client(.request(let r)): r.op == .ping ? "ping" : r.op == .auth ? "auth" : "request"
        case .server(.reply(let r)): r.op == .ping ? "ping" : r.op == .auth ? "auth" : "response"
        case .server(.event): "event"
        case .client(.fourLetterWord), .client(.raw), .server(.fourLetterReply): "fourletter"
        case .election: "election"
        case .quorum: "quorum"
        case .malformed: "malformed"
        case .closed: "close"
        case .undecoded, .resynchronised: "undecoded"
        case .gap: "gap"
        }
    }

    /// One line describing the message, without time or endpoints.
    public var summary: String {
        switch content {
        case .client(.connect(let frame)):
            let r = frame.request
            return "connect protocolVersion=\(r.protocolVersion) lastZxidSeen=\(hex(r.lastZxidSeen)) timeOut=\(r.timeOut)"
                + " sessionId=\(hex(r.sessionId)) passwd=\(r.passwd?.readableBytes ?? -1)B"
                + (frame.hasReadOnlyByte ? " readOnly=\(r.readOnly)" : " (no readOnly byte)")
        case .server(.connect(let frame)):
            let r = frame.response
            return "connected protocolVersion=\(r.protocolVersion) timeOut=\(r.timeOut) sessionId=\(hex(r.sessionId))"
                + " passwd=\(r.passwd?.readableBytes ?? -1)B"
                + (frame.hasReadOnlyByte ? " readOnly=\(r.readOnly)" : " (no readOnly byte)")
                + (frame.sessionExpired ? " SESSION EXPIRED" : "")
        case .client(.request(let r)):
            return "xid=\(r.xid) \(r.op)" + describe(r.body)
        case .server(.reply(let r)):
            let op = r.op.map { "\($0)" } ?? "?"
            return "xid=\(r.xid) \(op) err=\(r.err) zxid=\(hex(r.zxid))" + describe(r.body)
        case .server(.event(let header, let event)):
            return "\(EventType(rawValue: event.type)) state=\(KeeperState(rawValue: event.state))"
                + " path=\(event.path ?? "null") zxid=\(hex(header.zxid))"
        case .client(.fourLetterWord(let word)):
            return "four-letter word \(word)"
        case .client(.raw(let bytes)):
            return "\(bytes.readableBytes) bytes after a four-letter word"
        case .server(.fourLetterReply(let text)):
            return "\(text.readableBytes) bytes of text: " + preview(text)
        case .election(let item):
            return describe(item)
        case .quorum(let item):
            return describe(item)
        case .malformed(let reason):
            return "\(wireBytes.readableBytes) malformed bytes: \(reason)"
        case .closed(let reason):
            return "connection closed (\(reason))"
        case .undecoded(let reason):
            return "\(wireBytes.readableBytes) undecoded bytes: \(reason)"
        case .gap(let missing):
            return "\(missing) bytes missing from the capture"
        case .resynchronised(let skipped):
            return "skipped \(skipped) bytes to the next message boundary"
        }
    }

    /// `src > dst` in ZooKeeper's terms.
    public var endpoints: String { "\(stream.source) > \(stream.destination)" }
}

private func hex(_ value: Int64) -> String { "0x" + String(UInt64(bitPattern: value), radix: 16) }

private func preview(_ bytes: ByteBuffer, limit: Int = 48) -> String {
    let view = bytes.readableBytesView.prefix(limit)
    let text = String(decoding: view.map { (0x20..<0x7f).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    return bytes.readableBytes > limit ? text + "…" : text
}

private func describe(_ body: RequestBody) -> String {
    var parts: [String] = []
    if let path = body.path { parts.append("path=\(path)") }
    switch body {
    case .create(let r): parts.append("data=\(r.data?.readableBytes ?? -1)B flags=\(CreateMode(rawValue: r.flags))")
    case .createTTL(let r): parts.append("data=\(r.data?.readableBytes ?? -1)B flags=\(CreateMode(rawValue: r.flags)) ttl=\(r.ttl)")
    case .delete(let r): parts.append("version=\(r.version)")
    case .setData(let r): parts.append("data=\(r.data?.readableBytes ?? -1)B version=\(r.version)")
    case .getData(let r): parts.append("watch=\(r.watch)")
    case .exists(let r): parts.append("watch=\(r.watch)")
    case .getChildren(let r): parts.append("watch=\(r.watch)")
    case .getChildren2(let r): parts.append("watch=\(r.watch)")
    case .setACL(let r): parts.append("version=\(r.version) acl=\(describe(r.acl))")
    case .multi(let m): parts.append("ops=[" + m.ops.map { "\($0.op) \($0.body.path ?? "")" }.joined(separator: ", ") + "]")
    case .auth(let a): parts.append("scheme=\(a.scheme ?? "null") auth=\(a.auth?.readableBytes ?? -1)B")
    case .setWatches(let s): parts.append("relativeZxid=\(hex(s.relativeZxid)) data=\(s.dataWatches?.count ?? 0) exist=\(s.existWatches?.count ?? 0) child=\(s.childWatches?.count ?? 0)")
    case .setWatches2(let s): parts.append("relativeZxid=\(hex(s.relativeZxid)) data=\(s.dataWatches?.count ?? 0) exist=\(s.existWatches?.count ?? 0) child=\(s.childWatches?.count ?? 0) persistent=\(s.persistentWatches?.count ?? 0) recursive=\(s.persistentRecursiveWatches?.count ?? 0)")
    case .addWatch(let r): parts.append("mode=\(AddWatchMode(rawValue: r.mode))")
    case .checkWatches(let r): parts.append("type=\(WatcherType(rawValue: r.type))")
    case .removeWatches(let r): parts.append("type=\(WatcherType(rawValue: r.type))")
    case .reconfig(let r): parts.append("joining=\(r.joiningServers ?? "null") leaving=\(r.leavingServers ?? "null") newMembers=\(r.newMembers ?? "null") curConfigId=\(r.curConfigId)")
    case .unknown(let bytes): parts.append("\(bytes.readableBytes) body bytes")
    default: break
    }
    return parts.isEmpty ? "" : " " + parts.joined(separator: " ")
}

private func describe(_ body: ResponseBody) -> String {
    var parts: [String] = []
    switch body {
    case .create(let r): parts.append("path=\(r.path ?? "null")")
    case .create2(let r): parts.append("path=\(r.path ?? "null")")
    case .getData(let r): parts.append("data=\(r.data?.readableBytes ?? -1)B")
    case .getChildren(let r): parts.append("children=\(r.children ?? [])")
    case .getChildren2(let r): parts.append("children=\(r.children ?? [])")
    case .getACL(let r): parts.append("acl=\(describe(r.acl))")
    case .sync(let r): parts.append("path=\(r.path ?? "null")")
    case .multi(let m): parts.append("results=[" + m.results.map { $0.op == .error ? "error \($0.err)" : "\($0.op)" }.joined(separator: ", ") + "]")
    case .getEphemerals(let r): parts.append("ephemerals=\(r.ephemerals ?? [])")
    case .getAllChildrenNumber(let r): parts.append("totalNumber=\(r.totalNumber)")
    case .whoAmI(let r): parts.append("clientInfo=" + (r.clientInfo ?? []).map { "\($0.authScheme ?? "null"):\($0.user ?? "null")" }.joined(separator: ","))
    case .error(let r): parts.append("err=\(ErrorCode(r.err))")
    case .unknown(let bytes): parts.append("\(bytes.readableBytes) body bytes")
    default: break
    }
    if let stat = body.stat {
        parts.append("stat={czxid=\(hex(stat.czxid)) mzxid=\(hex(stat.mzxid)) version=\(stat.version) cversion=\(stat.cversion) aversion=\(stat.aversion) ephemeralOwner=\(hex(stat.ephemeralOwner)) dataLength=\(stat.dataLength) numChildren=\(stat.numChildren) pzxid=\(hex(stat.pzxid))}")
    }
    return parts.isEmpty ? "" : " " + parts.joined(separator: " ")
}

private func describe(_ acl: [ACL]?) -> String {
    guard let acl else { return "null" }
    return "[" + acl.map { "\($0.id.scheme ?? "null"):\($0.id.id ?? "null") \(Perms(rawValue: $0.perms))" }.joined(separator: ", ") + "]"
}

private func describe(_ item: ElectionStreamItem) -> String {
    switch item {
    case .initialMessage(let m):
        return "initial message version=\(m.protocolVersion.map { "\($0)" } ?? "old") sid=\(m.serverId) addresses=\(m.addresses)"
    case .quorumAuth(let p):
        return "quorum auth status=\(p.status) token=\(p.token?.readableBytes ?? -1)B"
    case .notification(let n):
        return "notification state=\(n.state) leader=\(n.leader) zxid=\(hex(n.zxid)) electionEpoch=\(hex(n.electionEpoch))"
            + " peerEpoch=\(hex(n.effectivePeerEpoch))" + (n.version.map { " version=\($0)" } ?? "")
            + (n.configText.map { " config=\($0.split(separator: "\n").joined(separator: ";"))" } ?? "")
    case .malformedNotification(let body, let error):
        return "malformed notification (\(body.readableBytes) bytes, skipped as Java skips it): \(error)"
    }
}

private func describe(_ item: ZabStreamItem) -> String {
    switch item {
    case .quorumAuth(let p):
        return "quorum auth status=\(p.status) token=\(p.token?.readableBytes ?? -1)B"
    case .packet(let m):
        var text = "\(m.type) zxid=\(hex(m.packet.zxid))"
        switch m.payload {
        case .txn(let entry): text += " txn=\(OpCode(entry.header.type)) session=\(hex(entry.header.clientId)) cxid=\(entry.header.cxid)"
        case .learnerInfo(let info): text += " serverid=\(info.serverid) protocolVersion=\(hex(Int64(info.protocolVersion))) configVersion=\(hex(info.configVersion))"
        case .leaderInfo(let version): text += " protocolVersion=\(hex(Int64(version)))"
        case .ackEpoch(let epoch): text += " epoch=\(epoch)"
        default: if let data = m.packet.data { text += " data=\(data.readableBytes)B" }
        }
        if let error = m.payloadError { text += " (payload not understood: \(error))" }
        return text
    case .snapshot(let item):
        switch item {
        case .sessionCount(let n): return "snapshot: \(n) sessions"
        case .aclCacheCount(let n): return "snapshot: \(n) ACL lists"
        case .node(let node): return "snapshot node \(node.path)"
        case .endOfNodes: return "snapshot: end of nodes"
        default: return "snapshot \(item)"
        }
    case .snapshotSignature(let signature):
        return "snapshot signature \(signature)"
    }
}
