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
        var buffer = bytes
        let header = try buffer.readJuteRecord(TxnHeader.self, limits: limits)
        guard let layouts = TxnBody.layouts(forTopLevel: OpCode(header.type)) else {
            // Unknown type: nothing tells body from digest, so keep it all.
            self.init(header: header, body: .unknown(buffer), digest: nil)
            return
        }
        var firstError: JuteError?
        for layout in layouts {
            var attempt = buffer
            do throws(JuteError) {
                let body = try layout.read(from: &attempt, limits: limits)
                let digest = try Self.readDigest(from: &attempt)
                self.init(header: header, body: body, digest: digest)
                return
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError!
    }

    private static func readDigest(from buffer: inout ByteBuffer) throws(JuteError) -> TxnDigest? {
        switch buffer.readableBytes {
        case 0:
            return nil
        case TxnDigest.juteMinimumSize:
            return try buffer.readJuteRecord(TxnDigest.self)
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
