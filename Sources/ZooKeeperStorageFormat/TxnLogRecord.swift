import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// One record of a txn log: checksum, length, entry, then 'B'.
public struct TxnLogRecord: Hashable, Sendable {
    /// Offset of the record from the start of the file.
    public var offset: Int
    /// The stored checksum (Adler-32 of the entry bytes, as a long); verified when read.
    public var checksum: Int64
    public var entry: TxnEntry

    public init(offset: Int, checksum: Int64, entry: TxnEntry) {
        self.offset = offset
        self.checksum = checksum
        self.entry = entry
    }

    /// The end-of-record byte `Util.writeTxnBytes` appends.
    public static let endOfRecord: UInt8 = 0x42
    /// Checksum and length before the entry, plus the end byte after it.
    public static let overhead = 13
}
