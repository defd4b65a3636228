import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperStorageFormat

@Suite struct TxnLogTests {
    static let fileHeader: [UInt8] =
        [0x5A, 0x4B, 0x4C, 0x47]                             // magic "ZKLG"
        + [0x00, 0x00, 0x00, 0x02]                           // version 2
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]   // dbid 0

    /// createSession, 48 bytes.
    static let entryA = TxnEntryTests.header(type: -10) + i32(30000) + TxnEntryTests.digest
    /// delete "/a", 50 bytes.
    static let entryB = TxnEntryTests.header(type: 2) + ustr("/a") + TxnEntryTests.digest

    static let recordA: [UInt8] =
        [0x00, 0x00, 0x00, 0x00, 0x9F, 0x61, 0x0B, 0x82]     // Adler-32 of entry A, as a long
        + [0x00, 0x00, 0x00, 0x30]                           // length 48
        + entryA
        + [0x42]                                             // end of record 'B'
    static let recordB: [UInt8] =
        [0x00, 0x00, 0x00, 0x00, 0x5A, 0x91, 0x07, 0x7E]     // Adler-32 of entry B
        + [0x00, 0x00, 0x00, 0x32]                           // length 50
        + entryB
        + [0x42]                                             // 'B'

    static let padding = [UInt8](repeating: 0, count: 4096)
    static let file = fileHeader + recordA + recordB + padding

    @Test func readsRecordsUpToThePadding() throws {
        let log = try TxnLogFile(decoding: ByteBuffer(Self.file))
        #expect(log.header == FileHeader(magic: FileMagic.txnLog, version: 2, dbid: 0))
        #expect(log.records.map(\.offset) == [16, 16 + 61])
        #expect(log.records.map(\.checksum) == [0x9F61_0B82, 0x5A91_077E])
        #expect(log.entries[0].body == .createSession(CreateSessionTxn(timeOut: 30000)))
        #expect(log.entries[1].body == .delete(DeleteTxn(path: "/a")))
        #expect(log.end == .zeroPadding(offset: 16 + 61 + 63))
        // Re-encoding gives the file up to its padding.
        #expect(log.encode().bytes == Self.fileHeader + Self.recordA + Self.recordB)
    }

    @Test func writerProducesTheGoldenBytes() throws {
        var buffer = ByteBuffer()
        TxnLogWriter.writeHeader(dbid: 0, to: &buffer)
        TxnLogWriter.writeRecord(try TxnEntry(juteBytes: ByteBuffer(Self.entryA)), to: &buffer)
        TxnLogWriter.writeRecord(entryBytes: ByteBuffer(Self.entryB), to: &buffer)
        #expect(buffer.bytes == Self.fileHeader + Self.recordA + Self.recordB)
    }

    @Test func endsAtEndOfFileWithoutPadding() throws {
        let log = try TxnLogFile(decoding: ByteBuffer(Self.fileHeader + Self.recordA))
        #expect(log.records.count == 1)
        #expect(log.end == .endOfFile(offset: 77))
        let empty = try TxnLogFile(decoding: ByteBuffer(Self.fileHeader))
        #expect(empty.records.isEmpty)
        #expect(empty.end == .endOfFile(offset: 16))
        // A few zero bytes, fewer than a checksum and length, are padding too.
        #expect(try TxnLogFile(decoding: ByteBuffer(Self.fileHeader + [0, 0, 0])).end == .zeroPadding(offset: 16))
    }

    func tornTail(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> TxnLogDamage? {
        let log = try TxnLogFile(decoding: ByteBuffer(bytes))
        #expect(log.records.count == 1, sourceLocation: sourceLocation)
        guard case .tornTail(let damage) = log.end else {
            Issue.record("end \(String(describing: log.end))", sourceLocation: sourceLocation)
            return nil
        }
        return damage
    }

    @Test func tornTails() throws {
        let valid = Self.fileHeader + Self.recordA
        // Cut inside the checksum, the length, the entry, before the 'B'.
        for cut in [6, 10, 40, Self.recordB.count - 1] {
            let damage = try tornTail(valid + Array(Self.recordB.prefix(cut)))
            #expect(damage?.kind == .truncated, "cut at \(cut)")
            #expect(damage?.offset == 77)
        }
        // The entry written but not its 'B': the preallocated zero is there instead.
        let noEnd = try tornTail(valid + Array(Self.recordB.dropLast()) + Self.padding)
        #expect(noEnd?.kind == .missingEndOfRecord)
        // The last record's bytes half on disk: checksum fails, zeros follow.
        var halfWritten = Self.recordB
        for index in 40..<(halfWritten.count - 1) { halfWritten[index] = 0 }
        let badSum = try tornTail(valid + halfWritten + Self.padding)
        #expect(badSum?.kind == .checksumMismatch)
        #expect(badSum?.offset == 77)
        // Garbage at the end: an absurd length.
        let garbage = try tornTail(valid + [1, 2, 3, 4, 5, 6, 7, 8, 0x7F, 0xFF, 0xFF, 0xFF, 9, 9] + Self.padding)
        #expect(garbage?.kind == .unreasonableLength)
        let negative = try tornTail(valid + i64(1) + i32(-5) + Self.padding)
        #expect(negative?.kind == .unreasonableLength)
    }

    func midFileCorruption(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> StorageFormatError? {
        do {
            _ = try TxnLogFile(decoding: ByteBuffer(bytes))
            Issue.record("no error", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.kind == .midFileCorruption, sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func midFileCorruptionIsAnError() {
        // A flipped byte in the first record's entry; the second record is intact.
        var flipped = Self.recordA
        flipped[30] ^= 0x01
        let checksum = midFileCorruption(Self.fileHeader + flipped + Self.recordB + Self.padding)
        #expect(checksum?.offset == 16)
        #expect(checksum?.damage?.kind == .checksumMismatch)
        // The first record's 'B' overwritten.
        var noEnd = Self.recordA
        noEnd[noEnd.count - 1] = 0x43
        #expect(midFileCorruption(Self.fileHeader + noEnd + Self.recordB)?.damage?.kind == .missingEndOfRecord)
        // The first record's length damaged: the scan still finds the second record.
        var badLength = Self.recordA
        badLength[8] = 0x80
        #expect(midFileCorruption(Self.fileHeader + badLength + Self.recordB)?.damage?.kind == .unreasonableLength)
        // A zeroed record in front of a valid one would hide it from Java.
        let hidden = midFileCorruption(Self.fileHeader + [UInt8](repeating: 0, count: 61) + Self.recordB)
        #expect(hidden?.offset == 16)
        // A record whose checksum holds but whose entry is no transaction.
        let junk: [UInt8] = [1, 2, 3]
        let undecodable = [0x00, 0x00, 0x00, 0x00] + i32(Int32(bitPattern: Adler32.checksum(ByteBuffer(junk)))) + i32(3) + junk + [0x42]
        #expect(midFileCorruption(Self.fileHeader + undecodable)?.damage?.kind == .undecodableEntry)
    }

    @Test func badHeaders() {
        #expect(throws: StorageFormatError.self) { try TxnLogReader(ByteBuffer(Array(Self.fileHeader.prefix(15)))) }
        do {
            _ = try TxnLogReader(ByteBuffer([0x5A, 0x4B, 0x53, 0x4E] + Array(Self.fileHeader.dropFirst(4))))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .badMagic)
        }
    }
}
