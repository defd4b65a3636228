import NIOCore
import ZooKeeperProtocol

/// The znodes, indexed by full path, with the bookkeeping Java's DataTree keeps
/// beside them: ephemerals per session, containers and TTL nodes.
///
/// Changes arrive only through `apply(_:)` (DataTree+Apply.swift) so that a
/// txn log can replay them; the mutating primitives below do no checking
/// beyond what Java's do, because the request processor checked first.
public struct DataTree {
    public private(set) var nodes: [String: DataNode] = [:]
    /// Java keeps these sets as HashSets; getEphemerals answers in their order.
    public private(set) var ephemerals: [Int64: JavaStringSet] = [:]
    public private(set) var containers: Set<String> = []
    public private(set) var ttls: Set<String> = []
    /// Paths with a `zookeeper_limits` node under /zookeeper/quota (Java's PathTrie).
    public internal(set) var quotaPaths: Set<String> = []
    public internal(set) var lastProcessedZxid: Int64 = 0
    /// Nodes restored from a snapshot whose ACL index its ACL cache lacks,
    /// until a replayed create or setACL names their ACL.
    public internal(set) var unresolvedACLs: Set<String> = []
    private var aclPool: [[ACL]: [ACL]] = [DataTree.openACL: DataTree.openACL, DataTree.readACL: DataTree.readACL]
    /// Whether TTL owners are read as TTLs (`zookeeper.extendedTypesEnabled`).
    public var extendedTypes: Bool
    /// `zookeeper.digest.enabled` (on by default since 3.6).
    public let digestEnabled: Bool
    /// Java's tree digest (DataTree+Digest.swift), kept up to date by every change.
    public internal(set) var digest: Int64 = 0

    public static let zookeeperPath = "/zookeeper"
    public static let quotaPath = "/zookeeper/quota"
    public static let configPath = "/zookeeper/config"
    public static let openACL = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))]
    public static let readACL = [ACL(perms: Perms.read.rawValue, id: Id(scheme: "world", id: "anyone"))]

    /// A tree with Java's system nodes: `/`, `/zookeeper`, `/zookeeper/quota`
    /// and the read-only `/zookeeper/config`, all with zeroed stats.
    public init(extendedTypes: Bool = false, digestEnabled: Bool = true) {
        self.init(extendedTypes: extendedTypes, digestEnabled: digestEnabled, empty: false)
    }

    /// `empty`: no nodes at all, for restoring a snapshot into.
    init(extendedTypes: Bool, digestEnabled: Bool, empty isEmpty: Bool) {
        self.extendedTypes = extendedTypes
        self.digestEnabled = digestEnabled
        if isEmpty { return }
        let empty = ByteBuffer()
        let root = DataNode(data: empty, acl: Self.openACL, stat: .zero)
        let zookeeper = DataNode(data: empty, acl: Self.openACL, stat: .zero)
        let quota = DataNode(data: empty, acl: Self.openACL, stat: .zero)
        var configStat = StatPersisted.zero
        configStat.aversion = -1
        let config = DataNode(data: empty, acl: Self.readACL, stat: configStat)
        root.children.insert("zookeeper")
        zookeeper.children.insert("quota")
        zookeeper.children.insert("config")
        nodes["/"] = root
        nodes[Self.zookeeperPath] = zookeeper
        nodes[Self.quotaPath] = quota
        nodes[Self.configPath] = config
        for (path, node) in nodes { addDigest(path, node) }
    }

    public func node(_ path: String) -> DataNode? { nodes[path] }

    /// Java's node count: its table holds the root twice, as "" and "/".
    public var nodeCount: Int { nodes.count + 1 }

    /// Paths a client may not delete or create over (Java's isSpecialPath).
    public static func isSpecial(_ path: String) -> Bool {
        path == "/" || path == zookeeperPath || path == quotaPath || path == configPath
    }

    /// "/a/b" -> ("/a", "b"); "/a" -> ("/", "a").
    public static func split(_ path: String) -> (parent: String, child: String) {
        // By UTF-8 byte: "/" is ASCII, and Character indexing costs on every write.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("/", path) }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, String(path[path.utf8.index(after: slash)...]))
    }

    /// Java counts every node below `path`; for "/" that includes /zookeeper's nodes.
    public func allChildrenNumber(_ path: String) -> Int {
        if path == "/" { return nodeCount - 2 }
        let prefix = path + "/"
        return nodes.keys.reduce(0) { $0 + ($1.hasPrefix(prefix) ? 1 : 0) }
    }

    public func ephemerals(of session: Int64) -> JavaStringSet {
        ephemerals[session] ?? JavaStringSet()
    }

    public func kind(of node: DataNode) -> EphemeralKind {
        EphemeralKind(owner: node.stat.ephemeralOwner, extendedTypes: extendedTypes)
    }

    // MARK: Primitives, as Java's DataTree performs them

    /// Adds `path` under its parent; returns false when the parent is missing or
    /// the child exists (Java's NoNode / NodeExists from createNode).
    mutating func createNode(
        _ path: String, data: ByteBuffer?, acl: [ACL], ephemeralOwner: Int64,
        parentCVersion: Int32, zxid: Int64, time: Int64
    ) -> DataNode? {
        let (parentPath, childName) = Self.split(path)
        guard let parent = nodes[parentPath] else { return nil }
        guard !parent.children.contains(childName) else {
            if !unresolvedACLs.isEmpty, unresolvedACLs.remove(path) != nil { nodes[path]?.acl = acl }
            // Replaying a fuzzy snapshot's log: the node is there already, but
            // the parent may lag; Java's processTxn catches it up (setCversionPzxid).
            if parentCVersion > parent.stat.cversion {
                removeDigest(parentPath, parent)
                parent.stat.cversion = parentCVersion
                parent.stat.pzxid = zxid
                addDigest(parentPath, parent)
            }
            return nil
        }
        removeDigest(parentPath, parent)
        var cversion = parentCVersion
        if cversion == -1 { cversion = parent.stat.cversion + 1 }
        if cversion > parent.stat.cversion {
            parent.stat.cversion = cversion
            parent.stat.pzxid = zxid
        }
        addDigest(parentPath, parent)
        let stat = StatPersisted(
            czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0,
            aversion: 0, ephemeralOwner: ephemeralOwner, pzxid: zxid
        )
        let node = DataNode(data: data, acl: shared(acl), stat: stat)
        parent.children.insert(childName)
        nodes[path] = node
        addDigest(path, node)
        switch EphemeralKind(owner: ephemeralOwner, extendedTypes: extendedTypes) {
        case .container: containers.insert(path)
        case .ttl: ttls.insert(path)
        case .session(let session): ephemerals[session, default: JavaStringSet()].insert(path)
        case .persistent: break
        }
        if parentPath.hasPrefix(Self.quotaPath) {
            let quoted = String(parentPath.dropFirst(Self.quotaPath.count))
            if childName == Self.limitNode { quotaPaths.insert(quoted) }
            if childName == Self.statNode { recountQuota(quoted) }
        }
        updateQuota(for: path, bytes: Int64(data?.readableBytes ?? 0), count: 1)
        return node
    }

    /// Removes `path`; false when it (or its parent) is missing.
    @discardableResult
    mutating func deleteNode(_ path: String, zxid: Int64) -> Bool {
        let (parentPath, childName) = Self.split(path)
        guard let parent = nodes[parentPath] else { return false }
        removeDigest(parentPath, parent)
        parent.children.remove(childName)
        if zxid > parent.stat.pzxid { parent.stat.pzxid = zxid }
        addDigest(parentPath, parent)
        guard let node = nodes.removeValue(forKey: path) else { return false }
        removeDigest(path, node)
        if !unresolvedACLs.isEmpty { unresolvedACLs.remove(path) }
        switch kind(of: node) {
        case .container: containers.remove(path)
        case .ttl: ttls.remove(path)
        case .session(let session):
            ephemerals[session]?.remove(path)
            if ephemerals[session]?.isEmpty == true { ephemerals[session] = nil }
        case .persistent: break
        }
        if parentPath.hasPrefix(Self.zookeeperPath) && childName == Self.limitNode {
            quotaPaths.remove(String(parentPath.dropFirst(Self.quotaPath.count)))
        }
        updateQuota(for: path, bytes: -Int64(node.dataLength), count: -1)
        return true
    }

    mutating func setData(_ path: String, data: ByteBuffer?, version: Int32, zxid: Int64, time: Int64) -> DataNode? {
        guard let node = nodes[path] else { return nil }
        let previous = Int64(node.dataLength)
        removeDigest(path, node)
        defer { addDigest(path, node) }
        node.data = data
        updateQuota(for: path, bytes: Int64(data?.readableBytes ?? 0) - previous, count: 0)
        node.stat.mtime = time
        node.stat.mzxid = zxid
        node.stat.version = version
        return node
    }

    mutating func setACL(_ path: String, acl: [ACL], version: Int32) -> DataNode? {
        guard let node = nodes[path] else { return nil }
        if !unresolvedACLs.isEmpty { unresolvedACLs.remove(path) }
        removeDigest(path, node)
        defer { addDigest(path, node) }
        node.stat.aversion = version
        node.acl = shared(acl)
        return node
    }

    /// Takes the session's ephemerals out of the index, for closeSession.
    mutating func removeEphemerals(of session: Int64) -> [String] {
        guard let paths = ephemerals.removeValue(forKey: session) else { return [] }
        return Array(paths)
    }

    /// One stored copy of each distinct ACL list, as Java's ReferenceCountedACLCache
    /// keeps one: a list decoded from a request is otherwise an allocation per
    /// node. Bounded, so a client inventing lists cannot grow it without end.
    mutating func shared(_ acl: [ACL]) -> [ACL] {
        if let known = aclPool[acl] { return known }
        if aclPool.count < Self.aclPoolLimit { aclPool[acl] = acl }
        return acl
    }

    static let aclPoolLimit = 4096

    /// Restores a node read from a snapshot, as Java's deserialize does.
    mutating func restore(path: String, node: DataNode) {
        nodes[path] = node
        addDigest(path, node)
        if path.hasPrefix(Self.quotaPath + "/") && path.hasSuffix("/" + Self.limitNode) {
            quotaPaths.insert(String(path.dropFirst(Self.quotaPath.count).dropLast(Self.limitNode.count + 1)))
        }
        if path != "/" {
            let (parentPath, childName) = Self.split(path)
            nodes[parentPath]?.children.insert(childName)
        }
        switch kind(of: node) {
        case .container: containers.insert(path)
        case .ttl: ttls.insert(path)
        case .session(let session): ephemerals[session, default: JavaStringSet()].insert(path)
        case .persistent: break
        }
    }
}

extension StatPersisted {
    public static let zero = StatPersisted(
        czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, pzxid: 0
    )
}
