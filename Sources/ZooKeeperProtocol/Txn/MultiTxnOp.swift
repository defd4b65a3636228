import NIOCore
import ZooKeeperJute

/// One operation of a multi transaction: a `Txn` whose data is decoded by its type.
public struct MultiTxnOp: Hashable, Sendable {
    public var type: OpCode
    /// `.unknown` for types a multi cannot hold (Java rejects them when applying).
    public var body: TxnBody

    public init(type: OpCode, body: TxnBody) {
        self.type = type
        self.body = body
    }

    /// Decodes the op's data, which must hold exactly one record.
    public init(_ txn: Txn, limits: JuteLimits = .default) throws(JuteError) {
        guard var data = txn.data else {
            throw JuteError(.invalidValue, field: "Txn.data", detail: "null data in multi op \(OpCode(txn.type))")
        }
        let type = OpCode(txn.type)
        self.type = type
        guard let layout = TxnBody.layout(forOp: type) else {
            self.body = .unknown(data)
            return
        }
        let body = try layout.read(from: &data, limits: limits)
        guard data.readableBytes == 0 else {
            throw JuteError(.trailingBytes, field: "Txn.data", detail: "\(data.readableBytes) bytes after the \(type) record")
        }
        self.body = body
    }

    /// The op as Jute's `Txn`.
    public var txn: Txn { Txn(type: type.rawValue, data: body.juteBytes) }

    static func readAll(from reader: inout JuteReader, limits: JuteLimits) throws(JuteError) -> [MultiTxnOp] {
        let multi = try reader.rewinding { (reader: inout JuteReader) throws(JuteError) in
            try MultiTxn(juteReader: &reader, limits: limits)
        }
        guard let txns = multi.txns else {
            throw JuteError(.invalidValue, field: "MultiTxn.txns", detail: "null vector")
        }
        var ops: [MultiTxnOp] = []
        ops.reserveCapacity(txns.count)
        for txn in txns {
            ops.append(try MultiTxnOp(txn, limits: limits))
        }
        return ops
    }
}
