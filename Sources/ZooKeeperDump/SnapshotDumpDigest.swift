import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// The tree digest Java keeps (`DigestCalculator` version 2 summed by
/// `AdHash`), computed node by node as the snapshot streams past, to check
/// the digest the snapshot records.
struct SnapshotTreeDigest {
    /// The only digest version this calculation matches.
    static let version: Int32 = 2

    private(set) var value: Int64 = 0

    mutating func add(_ node: SnapshotNode) {
        // Java leaves out everything under /zookeeper/ (quota nodes change locally).
        guard !node.path.hasPrefix("/zookeeper/") else { return }
        var crc = SnapshotDumpCRC32()
        crc.update(Array((node.path == "/" ? "" : node.path).utf8))
        if let data = node.data { crc.update(Array(data.readableBytesView)) }
        var stat = ByteBuffer()
        let s = node.stat
        for long in [s.czxid, s.mzxid, s.pzxid, s.ctime, s.mtime] { stat.writeInteger(long, endianness: .big) }
        for int in [s.version, s.cversion, s.aversion] { stat.writeInteger(int, endianness: .big) }
        stat.writeInteger(s.ephemeralOwner, endianness: .big)
        crc.update(Array(stat.readableBytesView))
        value &+= Int64(crc.value)
    }
}

/// CRC-32 (IEEE 802.3, reflected), as java.util.zip.CRC32 computes it.
struct SnapshotDumpCRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var crc: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: [UInt8]) {
        for byte in bytes {
            crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
    }

    var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
