import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// Prints a snapshot's items as they decode, keeping only what later items
/// need: the ACL cache (nodes name their ACL by index), the running tree
/// digest and the counts.
struct SnapshotDumpPrinter {
    let file: String
    let options: SnapshotDump.Options
    let emit: (String) -> Void

    private(set) var sawHeader = false

    private var aclCache: [Int64: [ACL]] = [:]
    private var digest = SnapshotTreeDigest()
    private var nodeCount = 0
    private var maxZxid: Int64 = 0
    /// Nodes whose ACL index the cache lacks. A fuzzy snapshot has them when
    /// a node with a new ACL is created after the cache was written; Java's
    /// replay of that create re-adds the ACL under the same index
    /// (`DataTree.createNode` converts the ACL before checking existence).
    private var missingACLs = 0
    private var firstMissingACL: String?

    init(file: String, options: SnapshotDump.Options, emit: @escaping (String) -> Void) {
        self.file = file
        self.options = options
        self.emit = emit
    }

    /// `ReferenceCountedACLCache.OPEN_UNSAFE_ACL_ID`: world:anyone with every permission, never in the cache.
    static let openUnsafeIndex: Int64 = -1
    static let openUnsafe = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))]

    mutating func print(_ item: SnapshotFileItem, offset: Int) {
        switch item {
        case .header(let header):
            sawHeader = true
            DumpFileLines(file: file, json: options.json, emit: emit).header(header, kind: "snapshot")
        case .body(.sessionCount(let count)):
            var line = FileDumpRecord(kind: "sessions", file: file)
            line.text("sessions")
            line.int("count", count, json: "count")
            send(line)
        case .body(.session(let session)):
            var line = FileDumpRecord(kind: "session", file: file)
            line.text("  session \(Preview.hex(session.sessionId))")
            line.json.set("session", Preview.hex(session.sessionId))
            line.int("timeout", session.timeout, json: "timeout")
            send(line)
        case .body(.aclCacheCount(let count)):
            var line = FileDumpRecord(kind: "acl_cache", file: file)
            line.text("acl cache")
            line.int("count", count, json: "count")
            send(line)
        case .body(.aclCacheEntry(let entry)):
            aclCache[entry.index] = entry.acl
            var line = FileDumpRecord(kind: "acl_entry", file: file)
            line.text("  acl \(entry.index) \(FileDumpFormat.aclText(entry.acl))")
            line.json.set("index", entry.index)
            line.json.set("acl", FileDumpFormat.aclJSON(entry.acl))
            send(line)
        case .body(.node(let node)):
            printNode(node, offset: offset)
        case .body(.endOfNodes):
            var line = FileDumpRecord(kind: "nodes", file: file)
            line.text("nodes")
            line.int("count", nodeCount, json: "count")
            line.zxid("maxZxid", maxZxid, json: "max_zxid")
            line.json.set("missing_acl_count", missingACLs)
            line.json.set("first_missing_acl", firstMissingACL)
            send(line)
            if let first = firstMissingACL, !options.json {
                emit(
                    "note: \(missingACLs) node(s) name an ACL index not in the ACL cache (first: \(FileDumpFormat.safe(first))): "
                        + "normal in a fuzzy snapshot, replaying the log re-adds the ACL"
                )
            }
        case .seal(let seal):
            print(seal)
        }
    }

    private mutating func printNode(_ node: SnapshotNode, offset: Int) {
        nodeCount += 1
        digest.add(node)
        maxZxid = max(maxZxid, node.stat.czxid, node.stat.mzxid, node.stat.pzxid)
        let acl = node.acl == Self.openUnsafeIndex ? Self.openUnsafe : aclCache[node.acl]
        let path = node.path.isEmpty ? "/" : node.path
        if acl == nil {
            missingACLs += 1
            if firstMissingACL == nil { firstMissingACL = "\(path) #\(node.acl)" }
        }
        guard options.tree else { return }
        var line = FileDumpRecord(kind: "node", file: file)
        line.json.set("offset", offset)
        line.text("node \(FileDumpFormat.safe(path))")
        line.json.set("path", path)
        line.data(node.data, secrets: options.secrets)
        if let acl {
            line.acl(acl)
        } else {
            line.field("acl", "missing(#\(node.acl))", json: "acl", .null)
        }
        line.json.set("acl_index", node.acl)
        let stat = node.stat
        line.zxid("czxid", stat.czxid, json: "czxid")
        line.zxid("mzxid", stat.mzxid, json: "mzxid")
        line.time("ctime", stat.ctime, json: "ctime")
        line.time("mtime", stat.mtime, json: "mtime")
        line.int("version", stat.version, json: "version")
        line.int("cversion", stat.cversion, json: "cversion")
        line.int("aversion", stat.aversion, json: "aversion")
        line.zxid("ephemeralOwner", stat.ephemeralOwner, json: "ephemeral_owner")
        line.zxid("pzxid", stat.pzxid, json: "pzxid")
        let kind = SnapshotNodeKind(ephemeralOwner: stat.ephemeralOwner)
        line.field("kind", kind.name, json: "node_kind", .string(kind.name))
        if case .ttl(let ttl) = kind {
            line.int("ttl", ttl, json: "ttl")
        } else {
            line.json.set("ttl", .null)
        }
        send(line)
    }

    private func print(_ seal: SnapshotSeal) {
        var line = FileDumpRecord(kind: "seal", file: file)
        let section: (text: String, json: String) = switch seal.section {
        case .tree: ("tree", "tree")
        case .digest: ("digest", "digest")
        case .lastProcessedZxid: ("lastProcessedZxid", "last_processed_zxid")
        }
        line.text("seal \(section.text)")
        line.json.set("section", section.json)
        line.zxid("adler32", seal.checksum, json: "checksum")
        line.text("verified")
        line.json.set("verified", true)
        switch seal.section {
        case .tree:
            break
        case .digest(let recorded):
            line.zxid("zxid", recorded.zxid, json: "zxid")
            line.int("digestVersion", recorded.digestVersion, json: "digest_version")
            switch recorded.digest {
            case .long(let value): line.zxid("digest", value, json: "digest")
            case .hexString(let text): line.field("digest", FileDumpFormat.safe(text), json: "digest", text.map(JSONLine.Value.string) ?? .null)
            }
            if recorded.digestVersion == SnapshotTreeDigest.version, case .long(let value) = recorded.digest {
                line.zxid("computed", digest.value, json: "computed_digest")
                line.text(value == digest.value ? "match" : "differs")
                line.json.set("digest_match", value == digest.value)
            } else {
                line.field("computed", "n/a", json: "computed_digest", .null)
                line.json.set("digest_match", .null)
            }
        case .lastProcessedZxid(let zxid):
            line.zxid("zxid", zxid, json: "zxid")
        }
        send(line)
    }

    private func send(_ line: FileDumpRecord) {
        emit(options.json ? line.json.text : line.textLine)
    }
}

/// What a node's ephemeralOwner says it is (`EphemeralType`, extended types enabled).
enum SnapshotNodeKind: Equatable {
    case persistent, ephemeral, container
    case ttl(Int64)
    /// Extended-type bits ZooKeeper does not define.
    case extended

    init(ephemeralOwner owner: Int64) {
        let unsigned = UInt64(bitPattern: owner)
        if owner == 0 {
            self = .persistent
        } else if owner == Int64.min {
            self = .container
        } else if unsigned >> 56 == 0xFF {
            // 0xff, then 16 bits of type (0 is TTL), then 40 bits of value.
            self = (unsigned >> 40) & 0xFFFF == 0 ? .ttl(Int64(unsigned & 0xFF_FFFF_FFFF)) : .extended
        } else {
            self = .ephemeral
        }
    }

    var name: String {
        switch self {
        case .persistent: "persistent"
        case .ephemeral: "ephemeral"
        case .container: "container"
        case .ttl: "ttl"
        case .extended: "extended"
        }
    }
}
