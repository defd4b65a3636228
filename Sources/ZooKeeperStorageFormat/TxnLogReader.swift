import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// Iterates the records of a whole txn log file held in memory.
///
/// Reading stops where Java's `FileTxnIterator` stops: at the end of the
/// bytes, at a zero length (preallocated padding), or at a damaged record.
/// A damaged record with nothing valid after it is a torn tail, reported in
/// `end`; one followed by a valid record is mid-file corruption and throws.
public struct TxnLogReader: Sendable {
    public let header: FileHeader
    /// How the valid part ended, once `next()` has returned nil.
    public private(set) var end: TxnLogEnd?

    private var buffer: ByteBuffer
    private let base: Int
    private let limits: JuteLimits

    /// Reads the file header. Java checks the magic but not the version.
    public init(_ file: ByteBuffer, limits: JuteLimits = .default) throws(StorageFormatError) {
        var buffer = file
        do throws(JuteError) {
            header = try buffer.readJuteRecord(FileHeader.self, limits: limits)
        } catch {
            throw StorageFormatError(.truncated, offset: 0, detail: "no complete file header", jute: error)
        }
        guard header.magic == FileMagic.txnLog else {
            throw StorageFormatError(.badMagic, offset: 0, detail: "magic \(header.magic), expected \(FileMagic.txnLog) (ZKLG)")
        }
        self.buffer = buffer
        self.base = file.readerIndex
        self.limits = limits
    }

    /// Offset of the next record from the start of the file.
    public var offset: Int { buffer.readerIndex - base }

    /// The next record, or nil at the end (then `end` says how it ended).
    public mutating func next() throws(StorageFormatError) -> TxnLogRecord? {
        guard end == nil else { return nil }
        let start = offset
        var record = buffer
        guard record.readableBytes > 0 else {
            end = .endOfFile(offset: start)
            return nil
        }
        guard let checksum = record.readInteger(endianness: .big, as: Int64.self),
              let length = record.readInteger(endianness: .big, as: Int32.self) else {
            if Self.isAllZero(buffer) {
                end = .zeroPadding(offset: start)
                return nil
            }
            return try damaged(TxnLogDamage(.truncated, offset: start, detail: "\(record.readableBytes) bytes left"))
        }
        if length == 0 {
            // Java's EOF. Valid records past it would be silently lost, so say so.
            if let later = findValidRecord(after: start) {
                throw StorageFormatError(
                    .midFileCorruption, offset: start,
                    detail: "zero length with a valid record at offset \(later)"
                )
            }
            end = .zeroPadding(offset: start)
            return nil
        }
        guard length > 0, Int(length) <= limits.maxLength else {
            return try damaged(TxnLogDamage(.unreasonableLength, offset: start, detail: "length \(length)"))
        }
        guard let entryBytes = record.readSlice(length: Int(length)),
              let endByte = record.readInteger(as: UInt8.self) else {
            return try damaged(TxnLogDamage(.truncated, offset: start, detail: "length \(length), \(record.readableBytes) bytes left"))
        }
        guard endByte == TxnLogRecord.endOfRecord else {
            return try damaged(TxnLogDamage(.missingEndOfRecord, offset: start, detail: "byte \(endByte)"))
        }
        let computed = Int64(Adler32.checksum(entryBytes))
        guard computed == checksum else {
            return try damaged(TxnLogDamage(.checksumMismatch, offset: start, detail: "stored \(checksum), computed \(computed)"))
        }
        let entry: TxnEntry
        do throws(JuteError) {
            entry = try TxnEntry(juteBytes: entryBytes, limits: limits)
        } catch {
            // The checksum holds, so this is no torn write: always corruption.
            let damage = TxnLogDamage(.undecodableEntry, offset: start, detail: "\(error)")
            throw StorageFormatError(.midFileCorruption, offset: start, jute: error, damage: damage)
        }
        buffer = record
        return TxnLogRecord(offset: start, checksum: checksum, entry: entry)
    }

    /// Reads every remaining record.
    public mutating func readAll() throws(StorageFormatError) -> [TxnLogRecord] {
        var records: [TxnLogRecord] = []
        while let record = try next() {
            records.append(record)
        }
        return records
    }

    private mutating func damaged(_ damage: TxnLogDamage) throws(StorageFormatError) -> TxnLogRecord? {
        if let later = findValidRecord(after: damage.offset) {
            throw StorageFormatError(
                .midFileCorruption, offset: damage.offset,
                detail: "valid record at offset \(later) follows", damage: damage
            )
        }
        end = .tornTail(damage)
        return nil
    }

    /// The offset of the first complete, checksum-valid record starting after
    /// `offset`, searched byte by byte since a damaged length hides where the
    /// next record starts.
    private func findValidRecord(after offset: Int) -> Int? {
        let maxLength = limits.maxLength
        return buffer.withUnsafeReadableBytes { raw -> Int? in
            let fileStart = buffer.readerIndex - base
            var last = raw.count - 1
            // A record ends in a non-zero byte, so skip the zero padding at once.
            while last >= 0 && raw[last] == 0 { last -= 1 }
            var position = offset - fileStart + 1
            while position + TxnLogRecord.overhead <= last + 1 {
                let length = Int(raw.loadBigEndianInt32(at: position + 8))
                let endIndex = position + 12 + length
                if length > 0, length <= maxLength, endIndex <= last, raw[endIndex] == TxnLogRecord.endOfRecord {
                    var adler = Adler32()
                    adler.update(UnsafeRawBufferPointer(rebasing: raw[(position + 12)..<endIndex]))
                    if Int64(adler.value) == raw.loadBigEndianInt64(at: position) {
                        return position + fileStart
                    }
                }
                position += 1
            }
            return nil
        }
    }

    private static func isAllZero(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { raw in raw.allSatisfy { $0 == 0 } }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func loadBigEndianInt32(at offset: Int) -> Int32 {
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(self[index]) }
        return Int32(bitPattern: value)
    }

    fileprivate func loadBigEndianInt64(at offset: Int) -> Int64 {
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(self[index]) }
        return Int64(bitPattern: value)
    }
}
