import NIOCore
import ZooKeeperJute

/// The record that follows a `TxnHeader`, chosen by the header's type as
/// Java's `SerializeUtils.deserializeTxn` chooses it.
///
/// `check` is accepted at the top level too (Java only sees it inside a
/// multi); types with no known record keep their bytes in `unknown`.
public enum TxnBody: Hashable, Sendable {
    /// No record at all: a closeSession written before CloseSessionTxn existed
    /// (or with `zookeeper.closeSessionTxn.enabled=false`).
    case empty
    case create(CreateTxn)
    /// A create from a log older than `parentCVersion`; Java reads it with parentCVersion -1.
    case createV0(CreateTxnV0)
    case createTTL(CreateTTLTxn)
    case createContainer(CreateContainerTxn)
    /// delete and deleteContainer.
    case delete(DeleteTxn)
    /// setData and reconfig (a reconfig carries the new config as SetDataTxn).
    case setData(SetDataTxn)
    case setACL(SetACLTxn)
    case checkVersion(CheckVersionTxn)
    case multi([MultiTxnOp])
    case createSession(CreateSessionTxn)
    case closeSession(CloseSessionTxn)
    case error(ErrorTxn)
    /// A type with no known record: the bytes as they stood.
    case unknown(ByteBuffer)

    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .empty: break
        case .create(let r): buffer.writeJuteRecord(r)
        case .createV0(let r): buffer.writeJuteRecord(r)
        case .createTTL(let r): buffer.writeJuteRecord(r)
        case .createContainer(let r): buffer.writeJuteRecord(r)
        case .delete(let r): buffer.writeJuteRecord(r)
        case .setData(let r): buffer.writeJuteRecord(r)
        case .setACL(let r): buffer.writeJuteRecord(r)
        case .checkVersion(let r): buffer.writeJuteRecord(r)
        case .multi(let ops): buffer.writeJuteRecord(MultiTxn(txns: ops.map(\.txn)))
        case .createSession(let r): buffer.writeJuteRecord(r)
        case .closeSession(let r): buffer.writeJuteRecord(r)
        case .error(let r): buffer.writeJuteRecord(r)
        case .unknown(var bytes): buffer.writeBuffer(&bytes)
        }
    }

    public var juteBytes: ByteBuffer {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer
    }
}

extension TxnBody {
    /// The record layouts a body can have.
    enum Layout: Sendable {
        case empty, create, createV0, createTTL, createContainer, delete, setData, setACL
        case checkVersion, multi, createSession, closeSession, error

        func read(from buffer: inout ByteBuffer, limits: JuteLimits) throws(JuteError) -> TxnBody {
            try buffer.readJuteRewinding { (reader: inout JuteReader) throws(JuteError) -> TxnBody in
                try read(from: &reader, limits: limits)
            }
        }

        /// Reads the body; on error the reader is wherever the failure happened.
        func read(from reader: inout JuteReader, limits: JuteLimits) throws(JuteError) -> TxnBody {
            switch self {
            case .empty: .empty
            case .create: .create(try reader.readRecord(limits: limits))
            case .createV0: .createV0(try reader.readRecord(limits: limits))
            case .createTTL: .createTTL(try reader.readRecord(limits: limits))
            case .createContainer: .createContainer(try reader.readRecord(limits: limits))
            case .delete: .delete(try reader.readRecord(limits: limits))
            case .setData: .setData(try reader.readRecord(limits: limits))
            case .setACL: .setACL(try reader.readRecord(limits: limits))
            case .checkVersion: .checkVersion(try reader.readRecord(limits: limits))
            case .multi: .multi(try MultiTxnOp.readAll(from: &reader, limits: limits))
            case .createSession: .createSession(try reader.readRecord(limits: limits))
            case .closeSession: .closeSession(try reader.readRecord(limits: limits))
            case .error: .error(try reader.readRecord(limits: limits))
            }
        }
    }

    /// At most two layouts, most likely first: `layouts(forTopLevel:)` without
    /// building an array for every transaction.
    struct Layouts: Sendable {
        var first: Layout
        var second: Layout?
    }

    /// The layouts a top-level body of `type` may have, most likely first.
    /// Java tries CreateTxn and falls back to CreateTxnV0 when the bytes run
    /// out; likewise a closeSession may have no record at all.
    static func layouts(forTopLevel type: OpCode) -> Layouts? {
        switch type {
        case .create: Layouts(first: .create, second: .createV0)
        case .create2: Layouts(first: .create)
        case .createSession: Layouts(first: .createSession)
        case .closeSession: Layouts(first: .closeSession, second: .empty)
        case .multi: Layouts(first: .multi)
        case .setACL: Layouts(first: .setACL)
        case .reconfig: Layouts(first: .setData)
        default: layout(forOp: type).map { Layouts(first: $0) }
        }
    }

    /// The layout of an op inside a multi, as DataTree.processTxn reads them.
    static func layout(forOp type: OpCode) -> Layout? {
        switch type {
        case .create: .create
        case .createTTL: .createTTL
        case .createContainer: .createContainer
        case .delete, .deleteContainer: .delete
        case .setData: .setData
        case .check: .checkVersion
        case .error: .error
        default: nil
        }
    }
}
