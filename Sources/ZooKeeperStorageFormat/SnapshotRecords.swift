import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A live session as a snapshot lists it.
public struct SnapshotSession: Hashable, Sendable {
    public var sessionId: Int64
    public var timeout: Int32

    public init(sessionId: Int64, timeout: Int32) {
        self.sessionId = sessionId
        self.timeout = timeout
    }
}

/// One entry of the DataTree's ACL cache (`ReferenceCountedACLCache`): nodes
/// refer to their ACL list by this index.
public struct SnapshotACLEntry: Hashable, Sendable {
    public var index: Int64
    public var acl: [ACL]

    public init(index: Int64, acl: [ACL]) {
        self.index = index
        self.acl = acl
    }
}

/// A node as `DataTree.serializeNode` writes it: path, then DataNode (data, ACL index, persisted stat).
public struct SnapshotNode: Hashable, Sendable {
    /// The root comes first, with the empty path "".
    public var path: String
    public var data: ByteBuffer?
    /// Index into the ACL cache (-1 for OPEN_ACL_UNSAFE in Java).
    public var acl: Int64
    public var stat: StatPersisted

    public init(path: String, data: ByteBuffer?, acl: Int64, stat: StatPersisted) {
        self.path = path
        self.data = data
        self.acl = acl
        self.stat = stat
    }
}

/// `DataTree.ZxidDigest`, written after the first seal when digests are enabled.
public struct SnapshotZxidDigest: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        /// Digest version 2 and later.
        case long(Int64)
        /// Versions before 2 stored the digest as a hex string.
        case hexString(String?)
    }

    public var zxid: Int64
    public var digestVersion: Int32
    public var digest: Value

    public init(zxid: Int64, digestVersion: Int32, digest: Value) {
        self.zxid = zxid
        self.digestVersion = digestVersion
        self.digest = digest
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeJuteLong(zxid)
        buffer.writeJuteInt(digestVersion)
        switch digest {
        case .long(let value): buffer.writeJuteLong(value)
        case .hexString(let value): buffer.writeJuteUString(value)
        }
    }
}
