import NIOCore
import ZooKeeperProtocol

/// A KeeperException code raised while preparing or reading.
public struct KeeperFailure: Error, Hashable, Sendable {
    public var code: ErrorCode
    public init(_ code: ErrorCode) { self.code = code }
}

/// What preparation knows of a node: Java's ChangeRecord.
struct ChangeRecord {
    var stat: StatPersisted
    var childCount: Int
    var acl: [ACL]
}

/// Changes prepared but not yet applied, consulted before the tree (Java's
/// outstandingChanges): the ops of one multi see each other's effects.
struct PendingChanges {
    /// nil: deleted by an earlier op.
    var records: [String: ChangeRecord?] = [:]
}

/// Who asks, and when: the parts of a request that preparation needs.
struct Requester {
    var sessionID: Int64
    var identities: [AuthIdentity]
    var zxid: Int64
    var time: Int64
}

extension ZooKeeperState {
    /// Java's getRecordForPath: the pending change, else the tree; NoNode if neither.
    func record(_ path: String, _ pending: PendingChanges) throws(KeeperFailure) -> ChangeRecord {
        let key = path.isEmpty ? "/" : path
        if let change = pending.records[key] {
            guard let change else { throw KeeperFailure(.noNode) }
            return change
        }
        guard let node = tree.node(key) else { throw KeeperFailure(.noNode) }
        return ChangeRecord(stat: node.stat, childCount: node.children.count, acl: node.acl)
    }

    func checkACL(_ acl: [ACL], _ perm: Perms, _ requester: Requester) throws(KeeperFailure) {
        guard access.allows(perm, acl: acl, identities: requester.identities) else { throw KeeperFailure(.noAuth) }
    }

    func validatePath(_ path: String?) throws(KeeperFailure) {
        if PathValidation.validate(path) != nil { throw KeeperFailure(.badArguments) }
    }

    /// The parent of a path to delete; BadArguments for a relative path, a NUL or a system node.
    func parentForDelete(_ path: String) throws(KeeperFailure) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), !path.utf8.contains(0), !DataTree.isSpecial(path) else {
            throw KeeperFailure(.badArguments)
        }
        return String(path[..<slash])
    }

    static func checkVersion(_ current: Int32, expected: Int32) throws(KeeperFailure) -> Int32 {
        if expected != -1 && expected != current { throw KeeperFailure(.badVersion) }
        return current &+ 1
    }

    /// Turns one write into its txn, recording its effect in `pending`.
    func prepare(
        _ op: OpCode, _ body: RequestBody, _ requester: Requester, _ pending: inout PendingChanges
    ) throws(KeeperFailure) -> TxnBody {
        switch body {
        case .create(let request):
            // A null path: Java's NullPointerException, reported as MarshallingError.
            guard request.path != nil else { throw KeeperFailure(.marshallingError) }
            return try prepareCreate(
                op, path: request.path ?? "", data: request.data, acl: request.acl ?? [], flags: request.flags,
                ttl: -1, requester, &pending
            )
        case .createTTL(let request):
            guard request.path != nil else { throw KeeperFailure(.marshallingError) }
            return try prepareCreate(
                op, path: request.path ?? "", data: request.data, acl: request.acl ?? [], flags: request.flags,
                ttl: request.ttl, requester, &pending
            )
        case .delete(let request):
            guard let path = request.path else { throw KeeperFailure(.marshallingError) }
            let parentPath = try parentForDelete(path)
            var parent = try record(parentPath, pending)
            try checkACL(parent.acl, .delete, requester)
            let node = try record(path, pending)
            _ = try Self.checkVersion(node.stat.version, expected: request.version)
            if node.childCount > 0 { throw KeeperFailure(.notEmpty) }
            parent.childCount -= 1
            parent.stat.pzxid = requester.zxid
            pending.records[parentPath.isEmpty ? "/" : parentPath] = parent
            pending.records[path] = .some(nil)
            return .delete(DeleteTxn(path: path))
        case .deleteContainer(let raw):
            return try prepareDeleteContainer(String(decoding: raw.readableBytesView, as: UTF8.self), requester, &pending)
        case .setData(let request):
            try validatePath(request.path)
            let path = request.path ?? ""
            var node = try record(path, pending)
            try checkACL(node.acl, .write, requester)
            if settings.enforceQuota {
                let previous = Int64(tree.node(path)?.dataLength ?? 0)
                if tree.quotaExceeded(path: path, bytesDiff: Int64(request.data?.readableBytes ?? 0) - previous, countDiff: 0) {
                    throw KeeperFailure(.quotaExceeded)
                }
            }
            let version = try Self.checkVersion(node.stat.version, expected: request.version)
            node.stat.version = version
            node.stat.mtime = requester.time
            node.stat.mzxid = requester.zxid
            pending.records[path] = node
            return .setData(SetDataTxn(path: path, data: request.data, version: version))
        case .setACL(let request):
            try validatePath(request.path)
            let path = request.path ?? ""
            guard let acl = access.fixup(request.acl ?? [], identities: requester.identities) else {
                throw KeeperFailure(.invalidACL)
            }
            var node = try record(path, pending)
            try checkACL(node.acl, .admin, requester)
            let version = try Self.checkVersion(node.stat.aversion, expected: request.version)
            node.stat.aversion = version
            node.acl = acl
            pending.records[path] = node
            return .setACL(SetACLTxn(path: path, acl: acl, version: version))
        case .check(let request):
            try validatePath(request.path)
            let path = request.path ?? ""
            let node = try record(path, pending)
            try checkACL(node.acl, .read, requester)
            return .checkVersion(CheckVersionTxn(path: path, version: try Self.checkVersion(node.stat.version, expected: request.version)))
        case .reconfig:
            // A standalone server: disabled, or not a leader.
            throw KeeperFailure(settings.reconfigEnabled ? .unimplemented : .reconfigDisabled)
        default:
            throw KeeperFailure(.marshallingError)
        }
    }

    /// Java's pRequest2TxnCreate, check for check, in its order.
    private func prepareCreate(
        _ op: OpCode, path requestedPath: String, data: ByteBuffer?, acl requestedACL: [ACL], flags: Int32, ttl: Int64,
        _ requester: Requester, _ pending: inout PendingChanges
    ) throws(KeeperFailure) -> TxnBody {
        let mode = CreateMode(rawValue: flags)
        guard (0...6).contains(flags) else { throw KeeperFailure(.badArguments) }
        if mode.isTTL && !settings.extendedTypesEnabled { throw KeeperFailure(.unimplemented) }
        if mode.isTTL {
            if ttl <= 0 || ttl > EphemeralKind.maxTTL { throw KeeperFailure(.badArguments) }
        } else if ttl >= 0 {
            throw KeeperFailure(.badArguments)
        }
        guard let slash = requestedPath.utf8.lastIndex(of: UInt8(ascii: "/")), !requestedPath.utf8.contains(0) else {
            throw KeeperFailure(.badArguments)
        }
        let parentPath = String(requestedPath[..<slash])
        guard let acl = access.fixup(requestedACL, identities: requester.identities) else {
            throw KeeperFailure(.invalidACL)
        }
        var parent = try record(parentPath, pending)
        try checkACL(parent.acl, .create, requester)
        var path = requestedPath
        if mode.isSequential { path += Self.sequenceSuffix(parent.stat.cversion) }
        try validatePath(path)
        if (try? record(path, pending)) != nil { throw KeeperFailure(.nodeExists) }
        if case .session = EphemeralKind(owner: parent.stat.ephemeralOwner, extendedTypes: settings.extendedTypesEnabled) {
            throw KeeperFailure(.noChildrenForEphemerals)
        }
        if settings.enforceQuota && tree.quotaExceeded(path: path, bytesDiff: Int64(data?.readableBytes ?? 0), countDiff: 1) {
            throw KeeperFailure(.quotaExceeded)
        }
        let newCversion = parent.stat.cversion &+ 1
        let owner: Int64 =
            if mode.isContainer { EphemeralKind.containerOwner }
            else if mode.isTTL { EphemeralKind.ttlOwner(ttl) }
            else if mode.isEphemeral { requester.sessionID }
            else { 0 }
        parent.childCount += 1
        parent.stat.cversion = newCversion
        parent.stat.pzxid = requester.zxid
        pending.records[parentPath.isEmpty ? "/" : parentPath] = parent
        let stat = StatPersisted(
            czxid: requester.zxid, mzxid: requester.zxid, ctime: requester.time, mtime: requester.time,
            version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, pzxid: requester.zxid
        )
        pending.records[path] = ChangeRecord(stat: stat, childCount: 0, acl: acl)
        switch op {
        case .createContainer:
            return .createContainer(CreateContainerTxn(path: path, data: data, acl: acl, parentCVersion: newCversion))
        case .createTTL:
            return .createTTL(CreateTTLTxn(path: path, data: data, acl: acl, parentCVersion: newCversion, ttl: ttl))
        default:
            return .create(CreateTxn(path: path, data: data, acl: acl, ephemeral: mode.isEphemeral, parentCVersion: newCversion))
        }
    }

    func prepareDeleteContainer(_ path: String, _ requester: Requester, _ pending: inout PendingChanges) throws(KeeperFailure) -> TxnBody {
        let parentPath = try parentForDelete(path)
        let node = try record(path, pending)
        if node.childCount > 0 { throw KeeperFailure(.notEmpty) }
        if case .session = EphemeralKind(owner: node.stat.ephemeralOwner, extendedTypes: settings.extendedTypesEnabled) {
            throw KeeperFailure(.badVersion)
        }
        var parent = try record(parentPath, pending)
        parent.childCount -= 1
        parent.stat.pzxid = requester.zxid
        pending.records[parentPath.isEmpty ? "/" : parentPath] = parent
        pending.records[path] = .some(nil)
        return .delete(DeleteTxn(path: path))
    }

    /// `%010d` of the parent's cversion (negative values keep their sign, as Java's format does).
    static func sequenceSuffix(_ cversion: Int32) -> String {
        let digits = String(cversion.magnitude)
        let width = cversion < 0 ? 9 : 10
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return cversion < 0 ? "-" + padded : padded
    }
}
