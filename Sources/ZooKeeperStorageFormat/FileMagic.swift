/// The constants of ZooKeeper's on-disk file headers (`FileTxnLog`, `FileSnap`).
public enum FileMagic {
    /// "ZKLG" read as a big-endian int.
    public static let txnLog: Int32 = 0x5A4B_4C47
    /// "ZKSN" read as a big-endian int.
    public static let snapshot: Int32 = 0x5A4B_534E
    /// The only version either file has had.
    public static let version: Int32 = 2
    /// FileSnap always writes this dbid.
    public static let snapshotDbid: Int64 = -1
}
