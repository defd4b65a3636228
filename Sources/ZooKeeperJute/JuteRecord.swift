import NIOCore

/// A record of ZooKeeper's Jute schema: a fixed sequence of fields, encoded
/// one after the other with no framing of its own.
public protocol JuteRecord: Hashable, Sendable {
    /// The fully qualified Jute name, e.g. `org.apache.zookeeper.proto.ConnectRequest`.
    static var juteName: String { get }
    /// The fewest bytes an encoding can take; used to bound vector counts.
    static var juteMinimumSize: Int { get }

    /// Reads the fields in schema order. On error the reader index is wherever
    /// the failure happened; use `ByteBuffer.readJuteRecord` to get a rewind.
    init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits) throws(JuteError)

    func writeJute(to buffer: inout ByteBuffer)
}

extension JuteRecord {
    /// Decodes a record that must span `bytes` exactly.
    public init(juteBytes bytes: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        var bytes = bytes
        self = try bytes.readJuteRecord(Self.self, limits: limits)
        guard bytes.readableBytes == 0 else {
            throw JuteError(
                .trailingBytes, field: Self.juteName,
                detail: "\(bytes.readableBytes) bytes after the record"
            )
        }
    }

    /// The record's encoding.
    public var juteBytes: ByteBuffer {
        var buffer = ByteBuffer()
        writeJute(to: &buffer)
        return buffer
    }
}

extension ByteBuffer {
    /// Reads a record; on any error the buffer is left as it was.
    @inlinable
    public mutating func readJuteRecord<Record: JuteRecord>(
        _ type: Record.Type = Record.self,
        limits: JuteLimits = .default
    ) throws(JuteError) -> Record {
        let saved = readerIndex
        do {
            return try Record(juteFrom: &self, limits: limits)
        } catch {
            moveReaderIndex(to: saved)
            throw error
        }
    }

    @inlinable
    @discardableResult
    public mutating func writeJuteRecord<Record: JuteRecord>(_ record: Record) -> Int {
        let start = writerIndex
        record.writeJute(to: &self)
        return writerIndex - start
    }
}
