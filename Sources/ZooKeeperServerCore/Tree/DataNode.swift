import NIOCore
import ZooKeeperProtocol

/// One znode. A class so the tree can change a node in place while it sits in
/// the path table.
public final class DataNode {
    /// nil and empty are different on the wire (-1 vs 0 length), as in Java.
    public var data: ByteBuffer?
    public var acl: [ACL]
    public var stat: StatPersisted
    public var children: JavaStringSet

    public init(data: ByteBuffer?, acl: [ACL], stat: StatPersisted) {
        self.data = data
        self.acl = acl
        self.stat = stat
        self.children = JavaStringSet(initialCapacity: 8)
    }

    public var dataLength: Int32 { Int32(data?.readableBytes ?? 0) }

    /// The client-facing Stat: the persisted fields plus data length and child
    /// count. Java stores the number of creates in cversion and reports the
    /// number of changes: every create but the children still there had a delete.
    public var clientStat: Stat {
        let count = Int32(children.count)
        return Stat(
            czxid: stat.czxid, mzxid: stat.mzxid, ctime: stat.ctime, mtime: stat.mtime,
            version: stat.version, cversion: stat.cversion &* 2 &- count, aversion: stat.aversion,
            ephemeralOwner: stat.ephemeralOwner, dataLength: dataLength,
            numChildren: count, pzxid: stat.pzxid
        )
    }
}

/// What a node's ephemeralOwner says about it (Java's EphemeralType).
public enum EphemeralKind: Equatable, Sendable {
    case persistent
    case session(Int64)
    case container
    case ttl(milliseconds: Int64)

    /// Java marks containers with Long.MIN_VALUE.
    public static let containerOwner = Int64.min
    /// TTL owners have 0xFF in the top byte and the TTL in the low 40 bits.
    public static let ttlMask: Int64 = 0x00FF_FFFF_FFFF
    public static let maxTTL: Int64 = 0x00FF_FFFF_FFFF

    /// `extendedTypes`: Java reads TTL owners only when extended types are enabled.
    public init(owner: Int64, extendedTypes: Bool) {
        if owner == 0 {
            self = .persistent
        } else if owner == Self.containerOwner {
            self = .container
        } else if extendedTypes, UInt64(bitPattern: owner) >> 56 == 0xFF {
            self = .ttl(milliseconds: owner & Self.ttlMask)
        } else {
            self = .session(owner)
        }
    }

    public static func ttlOwner(_ ttl: Int64) -> Int64 {
        Int64(bitPattern: 0xFF00_0000_0000_0000) | (ttl & ttlMask)
    }
}
