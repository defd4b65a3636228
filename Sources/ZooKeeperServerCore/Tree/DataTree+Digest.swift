#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// Java's tree digest (DigestCalculator, NodeHashMapImpl, AdHash): the
/// wrapping sum of one CRC-32 per node over its path, data and stat. 3.6+
/// writes it after every txn in the log and at the end of a snapshot, and
/// compares it when it replays them; ours must be the same number.
extension DataTree {
    /// DigestCalculator.DIGEST_VERSION.
    public static let digestVersion: Int32 = 2

    /// One node's digest; the root counts under Java's alias "" for it. Nodes
    /// below /zookeeper/ (quota and config) count 0: Java updates quota stats
    /// locally, so they would differ between servers.
    static func nodeDigest(_ path: String, _ node: DataNode) -> Int64 {
        var crc = CRC32()
        var path = path
        let excluded = path.withUTF8 { bytes -> Bool in
            let prefix = StaticString("/zookeeper/")
            if bytes.count >= prefix.utf8CodeUnitCount,
               memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0 {
                return true
            }
            if !(bytes.count == 1 && bytes[0] == UInt8(ascii: "/")) { crc.update(UnsafeRawBufferPointer(bytes)) }
            return false
        }
        if excluded { return 0 }
        node.data?.withUnsafeReadableBytes { crc.update($0) }
        let stat = node.stat
        withUnsafeTemporaryAllocation(byteCount: 60, alignment: 8) { bytes in
            bytes.storeBytes(of: stat.czxid.bigEndian, toByteOffset: 0, as: Int64.self)
            bytes.storeBytes(of: stat.mzxid.bigEndian, toByteOffset: 8, as: Int64.self)
            bytes.storeBytes(of: stat.pzxid.bigEndian, toByteOffset: 16, as: Int64.self)
            bytes.storeBytes(of: stat.ctime.bigEndian, toByteOffset: 24, as: Int64.self)
            bytes.storeBytes(of: stat.mtime.bigEndian, toByteOffset: 32, as: Int64.self)
            bytes.storeBytes(of: stat.version.bigEndian, toByteOffset: 40, as: Int32.self)
            bytes.storeBytes(of: stat.cversion.bigEndian, toByteOffset: 44, as: Int32.self)
            bytes.storeBytes(of: stat.aversion.bigEndian, toByteOffset: 48, as: Int32.self)
            // Offset 52 is not 8-aligned.
            bytes.storeBytes(of: UInt32(truncatingIfNeeded: UInt64(bitPattern: stat.ephemeralOwner) >> 32).bigEndian, toByteOffset: 52, as: UInt32.self)
            bytes.storeBytes(of: UInt32(truncatingIfNeeded: UInt64(bitPattern: stat.ephemeralOwner)).bigEndian, toByteOffset: 56, as: UInt32.self)
            crc.update(UnsafeRawBufferPointer(bytes))
        }
        return Int64(crc.value)
    }

    /// The digest as Java would compute it from scratch for these nodes.
    public func recomputedDigest() -> Int64 {
        nodes.reduce(0) { $0 &+ Self.nodeDigest($1.key, $1.value) }
    }

    /// What a txn log entry carries after its txn.
    public var txnDigest: TxnDigest? {
        digestEnabled ? TxnDigest(version: Self.digestVersion, treeDigest: digest) : nil
    }

    /// Around an in-place change of `node`: take its digest out before, put it back after.
    mutating func removeDigest(_ path: String, _ node: DataNode) {
        if digestEnabled { digest &-= Self.nodeDigest(path, node) }
    }

    mutating func addDigest(_ path: String, _ node: DataNode) {
        if digestEnabled { digest &+= Self.nodeDigest(path, node) }
    }
}
