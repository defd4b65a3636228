import NIOCore
import ZooKeeperProtocol

/// What applying one txn did, for the reply (Java's ProcessTxnResult).
public struct TxnResult: Sendable {
    public var type: OpCode
    public var err: ErrorCode = .ok
    public var path: String?
    public var stat: Stat?
    public var multi: [TxnResult]?
}

extension ZooKeeperState {
    /// Applies a txn this server made and keeps it for the log, carrying the
    /// tree digest after it as Java's PrepRequestProcessor precalculates it.
    /// A request that failed whole becomes an error txn before Java sets a
    /// digest, so those carry none (a multi with failed ops still does).
    @discardableResult
    func commit(_ entry: TxnEntry, to txns: inout [TxnEntry], deliveries: inout [WatchDelivery]) -> TxnResult {
        var entry = entry
        let result = apply(entry, deliveries: &deliveries)
        entry.digest = entry.type == .error ? nil : tree.txnDigest
        txns.append(entry)
        return result
    }

    /// Applies a txn to the tree, firing watches: the one way state changes,
    /// whether the txn was just prepared or is replayed from a log.
    @discardableResult
    public func apply(_ entry: TxnEntry, deliveries: inout [WatchDelivery]) -> TxnResult {
        let result = apply(type: entry.type, body: entry.body, header: entry.header, deliveries: &deliveries)
        if entry.header.zxid > tree.lastProcessedZxid { withTree { $0.lastProcessedZxid = entry.header.zxid } }
        if entry.header.zxid > lastZxid { lastZxid = entry.header.zxid }
        return result
    }

    private func apply(type: OpCode, body: TxnBody, header: TxnHeader, deliveries: inout [WatchDelivery]) -> TxnResult {
        var result = TxnResult(type: type)
        let zxid = header.zxid
        switch body {
        case .create(let txn):
            result.path = txn.path
            result.stat = create(
                txn.path ?? "", txn.data, txn.acl ?? [], owner: txn.ephemeral ? header.clientId : 0,
                txn.parentCVersion, header, &deliveries
            )
        case .createV0(let txn):
            result.path = txn.path
            result.stat = create(txn.path ?? "", txn.data, txn.acl ?? [], owner: txn.ephemeral ? header.clientId : 0, -1, header, &deliveries)
        case .createTTL(let txn):
            result.path = txn.path
            result.stat = create(txn.path ?? "", txn.data, txn.acl ?? [], owner: EphemeralKind.ttlOwner(txn.ttl), txn.parentCVersion, header, &deliveries)
        case .createContainer(let txn):
            result.path = txn.path
            result.stat = create(txn.path ?? "", txn.data, txn.acl ?? [], owner: EphemeralKind.containerOwner, txn.parentCVersion, header, &deliveries)
        case .delete(let txn):
            result.path = txn.path
            delete(txn.path ?? "", zxid: zxid, &deliveries)
        case .setData(let txn):
            result.path = txn.path
            let path = txn.path ?? ""
            if let node = withTree({ $0.setData(path, data: txn.data, version: txn.version, zxid: zxid, time: header.time) }) {
                result.stat = stat(of: node)
                watches.dataChanged(path, into: &deliveries)
            }
        case .setACL(let txn):
            result.path = txn.path
            if let node = withTree({ $0.setACL(txn.path ?? "", acl: txn.acl ?? [], version: txn.version) }) {
                result.stat = stat(of: node)
            }
        case .checkVersion(let txn):
            result.path = txn.path
        case .createSession(let txn):
            if sessions.sessions[header.clientId] == nil {
                sessions.track(id: header.clientId, timeout: txn.timeOut, now: monotonicNow)
            }
        case .closeSession(let txn):
            closeSession(header.clientId, named: txn.paths2Delete, zxid: zxid, &deliveries)
        case .empty where type == .closeSession:
            closeSession(header.clientId, named: nil, zxid: zxid, &deliveries)
        case .error(let txn):
            result.err = ErrorCode(txn.err)
        case .multi(let ops):
            result.multi = applyMulti(ops, header: header, &deliveries)
        case .empty, .unknown:
            break
        }
        return result
    }

    private func create(
        _ path: String, _ data: ByteBuffer?, _ acl: [ACL], owner: Int64, _ parentCVersion: Int32,
        _ header: TxnHeader, _ deliveries: inout [WatchDelivery]
    ) -> Stat? {
        guard let node = withTree({
            $0.createNode(path, data: data, acl: acl, ephemeralOwner: owner, parentCVersion: parentCVersion, zxid: header.zxid, time: header.time)
        }) else { return nil }
        watches.nodeCreated(path, into: &deliveries)
        return stat(of: node)
    }

    private func delete(_ path: String, zxid: Int64, _ deliveries: inout [WatchDelivery]) {
        guard withTree({ $0.deleteNode(path, zxid: zxid) }) else { return }
        watches.nodeDeleted(path, into: &deliveries)
    }

    private func closeSession(_ session: Int64, named paths: [String]?, zxid: Int64, _ deliveries: inout [WatchDelivery]) {
        let local = withTree { $0.removeEphemerals(of: session) }
        var deleted = Set<String>()
        for path in paths ?? [] {
            delete(path, zxid: zxid, &deliveries)
            deleted.insert(path)
        }
        for path in local where !deleted.contains(path) { delete(path, zxid: zxid, &deliveries) }
        sessions.remove(session)
    }

    /// A multi is applied whole or not at all: if any op failed in
    /// preparation every result is an error (ok before it, RuntimeInconsistency after).
    private func applyMulti(_ ops: [MultiTxnOp], header: TxnHeader, _ deliveries: inout [WatchDelivery]) -> [TxnResult] {
        let failed = ops.contains { $0.type == .error }
        var results: [TxnResult] = []
        var afterFailure = false
        for op in ops {
            if failed {
                if case .error(let txn) = op.body {
                    afterFailure = true
                    results.append(TxnResult(type: .error, err: ErrorCode(txn.err)))
                } else {
                    results.append(TxnResult(type: .error, err: afterFailure ? .runtimeInconsistency : .ok))
                }
                continue
            }
            var subHeader = header
            subHeader.type = op.type.rawValue
            results.append(apply(type: op.type, body: op.body, header: subHeader, deliveries: &deliveries))
        }
        return results
    }
}
