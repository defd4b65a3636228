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

    /// Reads the fields in schema order through a `JuteReader`; on error the
    /// reader is wherever the failure happened. The generated records read
    /// their fields here and `init(juteFrom:limits:)` opens a reader for it;
    /// the default goes through `init(juteFrom:limits:)`.
    init(juteReader reader: inout JuteReader, limits: JuteLimits) throws(JuteError)

    func writeJute(to buffer: inout ByteBuffer)
}

extension JuteRecord {
    /// Decodes a record that must span `bytes` exactly.
    @inlinable
    public init(juteBytes bytes: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        self = try bytes.peekJute { (reader: inout JuteReader) throws(JuteError) -> Self in
            try Self(juteWhole: &reader, limits: limits)
        }
    }

    /// Reads a record that must take every byte left in `reader`.
    @inlinable
    public init(juteWhole reader: inout JuteReader, limits: JuteLimits) throws(JuteError) {
        self = try Self(juteReader: &reader, limits: limits)
        guard reader.readableBytes == 0 else { throw Self.trailingBytesError(reader.readableBytes) }
    }

    @inline(never) @usableFromInline
    static func trailingBytesError(_ count: Int) -> JuteError {
        JuteError(.trailingBytes, field: Self.juteName, detail: "\(count) bytes after the record")
    }

    /// Bridges to `init(juteFrom:limits:)` for records that only read from a `ByteBuffer`.
    @inlinable
    public init(juteReader reader: inout JuteReader, limits: JuteLimits) throws(JuteError) {
        var rest = reader.remainingBytes
        let start = rest.readerIndex
        do {
            self = try Self(juteFrom: &rest, limits: limits)
            reader.offset &+= rest.readerIndex &- start
        } catch {
            reader.offset &+= rest.readerIndex &- start
            throw error
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
        try readJuteRewinding { (reader: inout JuteReader) throws(JuteError) -> Record in
            try Record(juteReader: &reader, limits: limits)
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
