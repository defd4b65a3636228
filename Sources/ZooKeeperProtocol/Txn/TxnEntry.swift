import NIOCore
import ZooKeeperJute

/// A transaction as Java's `Util.marshallTxnEntry` lays it out: the header,
/// the body (absent for some closeSessions), then a `TxnDigest` when the
/// writer had `zookeeper.digest.enabled` (the default since 3.6).
///
/// These bytes are a txn log record's payload and a PROPOSAL's data.
public struct TxnEntry: Hashable, Sendable {
    public var header: TxnHeader
    public var body: TxnBody
    public var digest: TxnDigest?

    public init(header: TxnHeader, body: TxnBody, digest: TxnDigest? = nil) {
        self.header = header
        self.body = body
        self.digest = digest
    }

    public var type: OpCode { OpCode(header.type) }

    /// Decodes an entry that spans `bytes` exactly.
    ///
    /// Where Java decides a layout by catching EOF (CreateTxnV0, a
    /// closeSession without record, no digest), the layout chosen here is the
    /// first that accounts for every byte. Bytes left that are not a whole
    /// digest are an error (Java ignores them), so decoding stays byte-exact.
    public init(juteBytes bytes: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        self = try bytes.peekJute { (reader: inout JuteReader) throws(JuteError) -> TxnEntry in
            try TxnEntry(juteWhole: &reader, limits: limits)
        }
    }

    /// `init(juteBytes:)` on the bytes left in `reader`, all of which it takes.
    public init(juteWhole reader: inout JuteReader, limits: JuteLimits = .default) throws(JuteError) {
        let header = try TxnHeader(juteReader: &reader, limits: limits)
        guard let layouts = TxnBody.layouts(forTopLevel: OpCode(header.type)) else {
            // Unknown type: nothing tells body from digest, so keep it all.
            self.init(header: header, body: .unknown(reader.readRest()), digest: nil)
            return
        }
        var attempt = reader
        do throws(JuteError) {
            self = try Self.read(header: header, layout: layouts.first, from: &attempt, limits: limits)
            reader = attempt
        } catch {
            guard let second = layouts.second else { throw error }
            attempt = reader
            guard let entry = try? Self.read(header: header, layout: second, from: &attempt, limits: limits) else { throw error }
            self = entry
            reader = attempt
        }
    }

    private static func read(header: TxnHeader, layout: TxnBody.Layout, from reader: inout JuteReader, limits: JuteLimits) throws(JuteError) -> TxnEntry {
        let body = try layout.read(from: &reader, limits: limits)
        let digest = try readDigest(from: &reader)
        return TxnEntry(header: header, body: body, digest: digest)
    }

    private static func readDigest(from reader: inout JuteReader) throws(JuteError) -> TxnDigest? {
        switch reader.readableBytes {
        case 0:
            return nil
        case TxnDigest.juteMinimumSize:
            return try TxnDigest(juteReader: &reader, limits: .default)
        case let left:
            throw JuteError(.trailingBytes, field: "TxnEntry", detail: "\(left) bytes after the txn, not a 12-byte digest")
        }
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeJuteRecord(header)
        body.write(to: &buffer)
        if let digest { buffer.writeJuteRecord(digest) }
    }

    public var juteBytes: ByteBuffer {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer
    }
}
