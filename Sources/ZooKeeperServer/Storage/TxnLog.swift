#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// The txn log with group commit: txns are appended in zxid order (under the
/// server's state lock), and one writer thread writes whatever has gathered
/// and fsyncs once for all of it. Nothing that depends on a txn is sent until
/// `durableZxid` has reached it.
final class TxnLog: @unchecked Sendable {
    struct Settings {
        var directory: String
        var preAllocSize: Int64
        var forceSync: Bool
    }

    /// Txns as the state produced them; the writer thread encodes them, so
    /// the state lock is held only to queue them.
    private struct Chunk {
        var entries: [TxnEntry]
        var firstZxid: Int64
        var lastZxid: Int64
        var rollBefore: Bool
    }

    private let settings: Settings
    private let logger: Logger
    private let condition = ConditionLock(value: false)
    // Guarded by `condition`.
    private var pending: [Chunk] = []
    private var rollRequested = false
    private var stopping = false
    private var waiters: [(zxid: Int64, run: @Sendable () -> Void)] = []
    private let durable: NIOLockedValueBox<Int64>
    private var thread: Thread?

    // Writer thread only.
    private var fd: Int32 = -1
    private var path = ""
    private var position: Int64 = 0
    private var fileSize: Int64 = 0

    init(settings: Settings, durableZxid: Int64, logger: Logger) {
        self.settings = settings
        self.logger = logger
        durable = NIOLockedValueBox(durableZxid)
    }

    var durableZxid: Int64 { durable.withLockedValue { $0 } }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "zk-txnlog"
        self.thread = thread
        thread.start()
    }

    /// Queues txns for the writer; call in zxid order.
    func append(_ entries: [TxnEntry]) {
        guard let first = entries.first, let last = entries.last else { return }
        condition.lock()
        let roll = rollRequested
        rollRequested = false
        pending.append(Chunk(entries: entries, firstZxid: first.header.zxid, lastZxid: last.header.zxid, rollBefore: roll))
        condition.unlock(withValue: true)
    }

    /// The next txn starts a new log file (after a snapshot, as Java rolls).
    func requestRoll() {
        condition.lock()
        rollRequested = true
        condition.unlock()
    }

    /// Runs `body` once `zxid` is durable (at once if it is already).
    func whenDurable(_ zxid: Int64, _ body: @escaping @Sendable () -> Void) {
        condition.lock()
        if durableZxid >= zxid {
            condition.unlock()
            body()
            return
        }
        waiters.append((zxid, body))
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.unlock(withValue: true)
        while thread?.isFinished == false { usleep(1000) }
        if fd >= 0 { close(fd) }
    }

    private func run() {
        while true {
            condition.lock(whenValue: true)
            let chunks = pending
            pending.removeAll(keepingCapacity: true)
            let stop = stopping
            condition.unlock(withValue: false)
            if chunks.isEmpty {
                if stop { return }
                continue
            }
            do {
                // Consecutive chunks in one file go out in one write.
                var batch = ByteBuffer()
                var batchStart: Int64?
                for chunk in chunks {
                    if chunk.rollBefore || fd < 0 {
                        if let start = batchStart { try write(batch, firstZxid: start) }
                        batch.clear()
                        batchStart = nil
                        try openLog(startingAt: chunk.firstZxid)
                    }
                    if batchStart == nil { batchStart = chunk.firstZxid }
                    for entry in chunk.entries { Self.encode(entry, into: &batch) }
                }
                if let start = batchStart { try write(batch, firstZxid: start) }
                if settings.forceSync && fsync(fd) != 0 { throw StorageError.errno(path, "fsync") }
            } catch {
                // An unwritable log must not acknowledge anything: stop here, loudly.
                logger.critical("txn log write failed, exiting: \(error)")
                exit(70)
            }
            let last = chunks.last!.lastZxid
            durable.withLockedValue { $0 = last }
            condition.lock()
            let ready = waiters.filter { $0.zxid <= last }
            waiters.removeAll { $0.zxid <= last }
            condition.unlock(withValue: !pending.isEmpty || stopping)
            for waiter in ready { waiter.run() }
        }
    }

    private func write(_ bytes: ByteBuffer, firstZxid: Int64) throws {
        if fd < 0 { try openLog(startingAt: firstZxid) }
        try pad(upTo: position + Int64(bytes.readableBytes))
        let written = bytes.withUnsafeReadableBytes { raw in pwrite(fd, raw.baseAddress, raw.count, off_t(position)) }
        guard written == bytes.readableBytes else { throw StorageError.errno(path, "write") }
        position += Int64(written)
    }

    /// One log record (checksum, length, entry, 'B') encoded in place.
    static func encode(_ entry: TxnEntry, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeMultipleIntegers(Int64(0), Int32(0))
        let bodyStart = buffer.writerIndex
        entry.write(to: &buffer)
        let length = buffer.writerIndex - bodyStart
        let checksum = Adler32.checksum(buffer.getSlice(at: bodyStart, length: length)!)
        buffer.setMultipleIntegers(Int64(checksum), Int32(length), at: start)
        buffer.writeInteger(TxnLogRecord.endOfRecord)
    }

    /// Java names each log by its first zxid and starts it with the ZKLG header.
    private func openLog(startingAt zxid: Int64) throws {
        if fd >= 0 {
            if settings.forceSync { fsync(fd) }
            close(fd)
        }
        path = settings.directory + "/log." + String(UInt64(bitPattern: zxid), radix: 16)
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StorageError.errno(path, "open") }
        var header = ByteBuffer()
        TxnLogWriter.writeHeader(dbid: 0, to: &header)
        try FileIO.writeAll(fd, header, path: path)
        position = Int64(header.readableBytes)
        // Java's FilePadding starts from the file's size after the header.
        fileSize = position
        FileIO.syncDirectory(of: path)
        logger.info("creating new log file", metadata: ["file": "\(path)"])
    }

    /// Java's FilePadding: grow the file in preAllocSize steps with zeros
    /// (sparse), so appends do not change its size and readers stop at the zeros.
    private func pad(upTo end: Int64) throws {
        // Java pads from the position before the write (FilePadding.padFile).
        let preAllocSize = settings.preAllocSize
        guard preAllocSize > 0, position + 4096 >= fileSize else { return }
        var size: Int64
        if position > fileSize {
            size = position + preAllocSize
            size -= size % preAllocSize
        } else {
            size = fileSize + preAllocSize
        }
        while end + 4096 >= size { size += preAllocSize }
        var zero: UInt8 = 0
        guard pwrite(fd, &zero, 1, off_t(size - 1)) == 1 else { throw StorageError.errno(path, "pad") }
        fileSize = size
    }
}
