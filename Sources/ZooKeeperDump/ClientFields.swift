import NIOCore
import ZooKeeperProtocol

/// The fields of client-port records, as zkdump shows them.
struct ClientFields {
    var secrets: Bool

    func data(_ bytes: ByteBuffer?, into line: inout JSONLine) {
        line.set("data_len", bytes.map { $0.readableBytes } ?? -1)
        if bytes != nil { line.set("data", secrets ? Preview.hex(bytes) : Preview.text(bytes)) }
    }

    func acl(_ acl: [ACL]?) -> JSONLine.Value {
        guard let acl else { return .null }
        return .array(acl.map { .string("\($0.id.scheme ?? "null"):\($0.id.id ?? "null") \(Perms(rawValue: $0.perms))") })
    }

    func statFields(_ stat: Stat) -> JSONLine {
        var line = JSONLine()
        line.set("czxid", Preview.hex(stat.czxid))
        line.set("mzxid", Preview.hex(stat.mzxid))
        line.set("ctime", stat.ctime)
        line.set("mtime", stat.mtime)
        line.set("version", stat.version)
        line.set("cversion", stat.cversion)
        line.set("aversion", stat.aversion)
        line.set("ephemeralOwner", Preview.hex(stat.ephemeralOwner))
        line.set("dataLength", stat.dataLength)
        line.set("numChildren", stat.numChildren)
        line.set("pzxid", Preview.hex(stat.pzxid))
        return line
    }

    func strings(_ values: [String]?) -> JSONLine.Value {
        values.map { .array($0.map(JSONLine.Value.string)) } ?? .null
    }

    func request(_ body: RequestBody, into line: inout JSONLine) {
        switch body {
        case .none: break
        case .create(let r):
            data(r.data, into: &line)
            line.set("flags", "\(CreateMode(rawValue: r.flags))")
            line.set("acl", acl(r.acl))
        case .createTTL(let r):
            data(r.data, into: &line)
            line.set("flags", "\(CreateMode(rawValue: r.flags))")
            line.set("ttl", r.ttl)
            line.set("acl", acl(r.acl))
        case .delete(let r): line.set("version", r.version)
        case .deleteContainer: break
        case .exists(let r): line.set("watch", r.watch)
        case .getData(let r): line.set("watch", r.watch)
        case .setData(let r):
            data(r.data, into: &line)
            line.set("version", r.version)
        case .getACL: break
        case .setACL(let r):
            line.set("version", r.version)
            line.set("acl", acl(r.acl))
        case .getChildren(let r): line.set("watch", r.watch)
        case .getChildren2(let r): line.set("watch", r.watch)
        case .sync: break
        case .check(let r): line.set("version", r.version)
        case .multi(let m):
            line.set("ops", .array(m.ops.map { op in
                var sub = JSONLine()
                sub.set("op", op.op.name ?? "\(op.op.rawValue)")
                if let path = op.body.path { sub.set("path", path) }
                request(op.body, into: &sub)
                return .object(sub)
            }))
        case .reconfig(let r):
            line.set("joining", r.joiningServers)
            line.set("leaving", r.leavingServers)
            line.set("new_members", r.newMembers)
            line.set("cur_config_id", r.curConfigId)
        case .checkWatches(let r): line.set("watcher_type", "\(WatcherType(rawValue: r.type))")
        case .removeWatches(let r): line.set("watcher_type", "\(WatcherType(rawValue: r.type))")
        case .auth(let a):
            line.set("scheme", a.scheme)
            line.set("auth_len", a.auth.map { $0.readableBytes } ?? -1)
            if secrets { line.set("auth", Preview.text(a.auth, limit: 256)) }
        case .setWatches(let s):
            line.set("relative_zxid", Preview.hex(s.relativeZxid))
            line.set("data_watches", strings(s.dataWatches))
            line.set("exist_watches", strings(s.existWatches))
            line.set("child_watches", strings(s.childWatches))
        case .setWatches2(let s):
            line.set("relative_zxid", Preview.hex(s.relativeZxid))
            line.set("data_watches", strings(s.dataWatches))
            line.set("exist_watches", strings(s.existWatches))
            line.set("child_watches", strings(s.childWatches))
            line.set("persistent_watches", strings(s.persistentWatches))
            line.set("persistent_recursive_watches", strings(s.persistentRecursiveWatches))
        case .sasl(let s): line.set("token_len", s.token.map { $0.readableBytes } ?? -1)
        case .getEphemerals, .getAllChildrenNumber: break
        case .addWatch(let r): line.set("mode", "\(AddWatchMode(rawValue: r.mode))")
        case .unknown(let bytes): line.set("body_len", bytes.readableBytes)
        }
    }

    func response(_ body: ResponseBody, into line: inout JSONLine) {
        switch body {
        case .none: break
        case .create(let r): line.set("created", r.path)
        case .create2(let r): line.set("created", r.path)
        case .exists: break
        case .getData(let r): data(r.data, into: &line)
        case .setData, .setACL: break
        case .getACL(let r): line.set("acl", acl(r.acl))
        case .getChildren(let r): line.set("children", strings(r.children))
        case .getChildren2(let r): line.set("children", strings(r.children))
        case .sync(let r): line.set("synced", r.path)
        case .multi(let m):
            line.set("results", .array(m.results.map { result in
                var sub = JSONLine()
                sub.set("op", result.op.name ?? "\(result.op.rawValue)")
                if result.op == .error { sub.set("err", result.err.name ?? "\(result.err.rawValue)") }
                response(result.body, into: &sub)
                return .object(sub)
            }))
        case .error(let r): line.set("result", ErrorCode(r.err).name ?? "\(r.err)")
        case .sasl(let r): line.set("token_len", r.token.map { $0.readableBytes } ?? -1)
        case .getEphemerals(let r): line.set("ephemerals", strings(r.ephemerals))
        case .getAllChildrenNumber(let r): line.set("total", r.totalNumber)
        case .whoAmI(let r):
            line.set("identities", .array((r.clientInfo ?? []).map { .string("\($0.authScheme ?? "null"):\($0.user ?? "null")") }))
        case .unknown(let bytes): line.set("body_len", bytes.readableBytes)
        }
        if let stat = body.stat { line.set("stat", statFields(stat)) }
    }
}
