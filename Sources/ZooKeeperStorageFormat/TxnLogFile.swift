import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A whole txn log: header and records, up to where the valid part ends.
public struct TxnLogFile: Hashable, Sendable {
    public var header: FileHeader
    public var records: [TxnLogRecord]
    /// How the valid part ended when read; nil for a file built in memory.
    public var end: TxnLogEnd?

    public init(header: FileHeader, records: [TxnLogRecord], end: TxnLogEnd? = nil) {
        self.header = header
        self.records = records
        self.end = end
    }

    /// Decodes a file; a torn tail is reported in `end`, mid-file corruption throws.
    public init(decoding file: ByteBuffer, limits: JuteLimits = .default) throws(StorageFormatError) {
        var reader = try TxnLogReader(file, limits: limits)
        let records = try reader.readAll()
        self.init(header: reader.header, records: records, end: reader.end)
    }

    public var entries: [TxnEntry] { records.map(\.entry) }

    /// The header and records, without the zero padding Java adds.
    public func encode() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeJuteRecord(header)
        for record in records {
            TxnLogWriter.writeRecord(record.entry, to: &buffer)
        }
        return buffer
    }
}
