import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// Writes txn log bytes as `FileTxnLog.append` does. Padding is the caller's
/// business: Java preallocates zeros, which readers take as the end.
public enum TxnLogWriter {
    @discardableResult
    public static func writeHeader(dbid: Int64, to buffer: inout ByteBuffer) -> Int {
        buffer.writeJuteRecord(FileHeader(magic: FileMagic.txnLog, version: FileMagic.version, dbid: dbid))
    }

    /// Writes one record; the checksum is computed, never taken from the caller.
    @discardableResult
    public static func writeRecord(_ entry: TxnEntry, to buffer: inout ByteBuffer) -> Int {
        writeRecord(entryBytes: entry.juteBytes, to: &buffer)
    }

    @discardableResult
    public static func writeRecord(entryBytes: ByteBuffer, to buffer: inout ByteBuffer) -> Int {
        let start = buffer.writerIndex
        buffer.writeJuteLong(Int64(Adler32.checksum(entryBytes)))
        buffer.writeJuteBuffer(entryBytes)
        buffer.writeInteger(TxnLogRecord.endOfRecord)
        return buffer.writerIndex - start
    }
}
