import NIOCore
import ZooKeeperProtocol

extension ZooKeeperState {
    /// Ops Java's Request.isValid accepts; anything else is Unimplemented and closes.
    static let validOps: Set<OpCode> = [
        .check, .closeSession, .create, .create2, .createTTL, .createContainer, .delete, .deleteContainer,
        .exists, .getACL, .getChildren, .getAllChildrenNumber, .getChildren2, .getData, .getEphemerals,
        .multi, .multiRead, .ping, .reconfig, .setACL, .setData, .setWatches, .setWatches2, .sync,
        .checkWatches, .removeWatches, .addWatch, .whoAmI, .createSession,
    ]
    /// Ops that go through preparation and consume a zxid, even when they fail.
    static let writeOps: Set<OpCode> = [
        .create, .create2, .createTTL, .createContainer, .delete, .deleteContainer, .setData, .setACL,
        .check, .multi, .reconfig, .createSession,
    ]

    static func reply(_ xid: Int32, _ zxid: Int64, _ err: ErrorCode, _ op: OpCode, _ body: ResponseBody = .none) -> ServerReply {
        ServerReply(header: ReplyHeader(xid: xid, zxid: zxid, err: err.rawValue), op: op, body: body)
    }

    /// One request from an established connection, answered as Java answers it.
    public func process(_ request: ClientRequest, from connection: ConnectionContext, now: Instant) -> RequestOutcome {
        monotonicNow = now.monotonic
        var outcome = RequestOutcome()
        let op = request.op, xid = request.xid
        switch op {
        case .auth:
            guard case .auth(let packet) = request.body else { break }
            switch access.authenticate(
                scheme: packet.scheme ?? "", auth: packet.auth.map { Array($0.readableBytesView) } ?? [],
                remoteAddress: connection.remoteAddress
            ) {
            case .authenticated(let added):
                var identities = connection.identities
                for identity in added { identities.insert(identity) }
                outcome.identities = identities
                outcome.reply = Self.reply(xid, 0, .ok, op)
            case .failed, .unknownScheme:
                outcome.reply = Self.reply(xid, 0, .authFailed, op)
                outcome.close = true
            }
            return outcome
        case .sasl:
            // No SASL configured: Java answers with an empty challenge.
            outcome.reply = Self.reply(xid, 0, .ok, op, .sasl(SetSASLResponse(token: nil)))
            return outcome
        default:
            break
        }
        // AuthenticationHelper.enforceAuthentication: every other request, pings too.
        let enforced = settings.enforceAuthSchemes
        if !enforced.isEmpty && !connection.identities.all.contains(where: { enforced.contains($0.scheme) }) {
            outcome.reply = Self.reply(xid, 0, .sessionClosedRequireSaslAuth, op)
            outcome.close = true
            return outcome
        }
        guard Self.validOps.contains(op) else {
            outcome.reply = Self.reply(xid, -1, .unimplemented, op)
            outcome.close = true
            return outcome
        }
        guard sessions.touch(connection.sessionID, now: now.monotonic) else {
            outcome.reply = Self.reply(xid, lastZxid, .sessionExpired, op)
            outcome.close = true
            return outcome
        }
        if op == .closeSession {
            return closeSession(connection.sessionID, xid: xid, now: now)
        }
        if Self.writeOps.contains(op) {
            return write(request, connection, now: now)
        }
        var deliveries: [WatchDelivery] = []
        let (err, body) = read(request, connection, &deliveries)
        outcome.deliveries = deliveries
        let replyXid = op == .ping ? -2 : xid
        outcome.reply = Self.reply(replyXid, tree.lastProcessedZxid, err, op, body)
        return outcome
    }

    /// A request whose body did not decode: writes still consume a zxid.
    public func processUndecodable(xid: Int32, op: OpCode, from connection: ConnectionContext, now: Instant) -> RequestOutcome {
        var outcome = RequestOutcome()
        guard Self.validOps.contains(op) || op == .auth || op == .sasl else {
            outcome.reply = Self.reply(xid, -1, .unimplemented, op)
            outcome.close = true
            return outcome
        }
        var zxid = tree.lastProcessedZxid
        if Self.writeOps.contains(op) {
            let entry = errorEntry(connection.sessionID, xid: xid, err: .marshallingError, now: now)
            var deliveries: [WatchDelivery] = []
            commit(entry, to: &outcome.txns, deliveries: &deliveries)
            zxid = entry.header.zxid
        }
        outcome.reply = Self.reply(xid, zxid, .marshallingError, op)
        return outcome
    }

    private func errorEntry(_ session: Int64, xid: Int32, err: ErrorCode, now: Instant) -> TxnEntry {
        TxnEntry(
            header: TxnHeader(clientId: session, cxid: xid, zxid: nextZxid(), time: now.wall, type: OpCode.error.rawValue),
            body: .error(ErrorTxn(err: err.rawValue))
        )
    }

    private func write(_ request: ClientRequest, _ connection: ConnectionContext, now: Instant) -> RequestOutcome {
        var outcome = RequestOutcome()
        let op = request.op, xid = request.xid
        let zxid = nextZxid()
        let requester = Requester(sessionID: connection.sessionID, identities: connection.identities.all, zxid: zxid, time: now.wall)
        var header = TxnHeader(clientId: connection.sessionID, cxid: xid, zxid: zxid, time: now.wall, type: op.rawValue)
        let body: TxnBody
        var pending = PendingChanges()
        if case .multi(let multi) = request.body {
            if let ops = prepareMulti(multi, requester) {
                body = .multi(ops)
            } else {
                header.type = OpCode.error.rawValue
                body = .error(ErrorTxn(err: ErrorCode.marshallingError.rawValue))
            }
        } else if op == .createSession {
            // Only the server creates sessions; Java fails reading a client's as MarshallingError.
            header.type = OpCode.error.rawValue
            body = .error(ErrorTxn(err: ErrorCode.marshallingError.rawValue))
        } else if op == .deleteContainer {
            // Java reads the path from the whole packet, header included: it
            // always holds NUL bytes, so a client's deleteContainer is refused.
            header.type = OpCode.error.rawValue
            body = .error(ErrorTxn(err: ErrorCode.badArguments.rawValue))
        } else {
            do {
                body = try prepare(op, request.body, requester, &pending)
            } catch {
                header.type = OpCode.error.rawValue
                body = .error(ErrorTxn(err: error.code.rawValue))
            }
        }
        let entry = TxnEntry(header: header, body: body)
        let result = commit(entry, to: &outcome.txns, deliveries: &outcome.deliveries)
        if op == .check && result.err == .ok {
            // Java fails serialising the null Stat of a top-level check and sends nothing.
            return outcome
        }
        outcome.reply = Self.reply(xid, tree.lastProcessedZxid, result.err, op, result.err == .ok ? Self.responseBody(op, result) : .none)
        return outcome
    }

    /// nil when Java fails the whole multi with MarshallingError (a read op inside).
    private func prepareMulti(_ multi: MultiRequest, _ requester: Requester) -> [MultiTxnOp]? {
        var pending = PendingChanges()
        var ops: [MultiTxnOp] = []
        var failed = false
        if multi.ops.contains(where: { $0.op == .getData || $0.op == .getChildren }) { return nil }
        for op in multi.ops {
            if failed {
                ops.append(MultiTxnOp(type: .error, body: .error(ErrorTxn(err: ErrorCode.runtimeInconsistency.rawValue))))
                continue
            }
            let type = Self.multiOpType(op)
            do throws(KeeperFailure) {
                ops.append(MultiTxnOp(type: type, body: try prepare(type, op.body, requester, &pending)))
            } catch {
                failed = true
                ops.append(MultiTxnOp(type: .error, body: .error(ErrorTxn(err: error.code.rawValue))))
            }
        }
        return ops
    }

    /// Java rebuilds a multi's create ops from their flags: create2 becomes
    /// create, a container flag makes createContainer, a TTL flag createTTL.
    static func multiOpType(_ op: MultiRequest.Op) -> OpCode {
        let flags: Int32
        switch op.body {
        case .create(let r): flags = r.flags
        case .createTTL(let r): flags = r.flags
        default: return op.op
        }
        let mode = (0...6).contains(flags) ? CreateMode(rawValue: flags) : .persistent
        return mode.isTTL ? .createTTL : mode.isContainer ? .createContainer : .create
    }

    /// The response record Java builds from a successful txn's result.
    static func responseBody(_ op: OpCode, _ result: TxnResult) -> ResponseBody {
        let stat = result.stat ?? Stat.zero
        switch op {
        case .create: return .create(CreateResponse(path: result.path))
        case .create2, .createTTL, .createContainer: return .create2(Create2Response(path: result.path, stat: stat))
        case .setData: return .setData(SetDataResponse(stat: stat))
        case .setACL: return .setACL(SetACLResponse(stat: stat))
        case .multi: return .multi(MultiResponse(results: (result.multi ?? []).map(multiResult)))
        default: return .none
        }
    }

    static func multiResult(_ result: TxnResult) -> MultiResponse.Result {
        let header = MultiHeader(type: result.type.rawValue, done: false, err: result.err.rawValue)
        let stat = result.stat ?? Stat.zero
        switch result.type {
        case .create: return .init(header: header, body: .create(CreateResponse(path: result.path)))
        case .create2, .createTTL, .createContainer:
            return .init(
                header: MultiHeader(type: OpCode.create2.rawValue, done: false, err: 0),
                body: .create2(Create2Response(path: result.path, stat: stat))
            )
        case .setData: return .init(header: header, body: .setData(SetDataResponse(stat: stat)))
        case .error: return .init(header: MultiHeader(type: -1, done: false, err: result.err.rawValue), body: .error(ErrorResponse(err: result.err.rawValue)))
        default: return .init(header: header, body: .none)
        }
    }

    /// closeSession from the client: reply, then Java closes the connection.
    func closeSession(_ session: Int64, xid: Int32, now: Instant) -> RequestOutcome {
        var outcome = RequestOutcome()
        let entry = closeSessionEntry(session, cxid: xid, now: now)
        commit(entry, to: &outcome.txns, deliveries: &outcome.deliveries)
        sessionConnections[session] = nil
        outcome.reply = Self.reply(xid, tree.lastProcessedZxid, .ok, .closeSession)
        outcome.close = true
        return outcome
    }

    func closeSessionEntry(_ session: Int64, cxid: Int32, now: Instant) -> TxnEntry {
        sessions.setClosing(session)
        let paths = Array(tree.ephemerals(of: session))
        return TxnEntry(
            header: TxnHeader(clientId: session, cxid: cxid, zxid: nextZxid(), time: now.wall, type: OpCode.closeSession.rawValue),
            body: settings.closeSessionTxnEnabled ? .closeSession(CloseSessionTxn(paths2Delete: paths)) : .empty
        )
    }

    /// Expires sessions whose time has come and reaps containers and TTL nodes
    /// that are due; closes the expired sessions' connections.
    public func tick(now: Instant) -> RequestOutcome {
        monotonicNow = now.monotonic
        var outcome = RequestOutcome()
        for session in sessions.expire(now: now.monotonic) {
            let entry = closeSessionEntry(session, cxid: 0, now: now)
            commit(entry, to: &outcome.txns, deliveries: &outcome.deliveries)
            if let connection = sessionConnections.removeValue(forKey: session) {
                outcome.closeConnections.append(connection)
            }
        }
        return outcome
    }
}

extension Stat {
    public static let zero = Stat(
        czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0,
        dataLength: 0, numChildren: 0, pzxid: 0
    )
}
