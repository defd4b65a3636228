import NIOCore
import ZooKeeperProtocol

/// The answer to a ConnectRequest.
public struct ConnectOutcome: Sendable {
    /// nil: close without a word (Java's answer to a client ahead of the server).
    public var response: ConnectResponseFrame?
    /// Close after the response (expired, unknown or wrong-password sessions).
    public var close = false
    /// The session the connection now holds, 0 if none.
    public var sessionID: Int64 = 0
    /// The session's previous connection, which Java closes first.
    public var closeConnections: [ConnectionID] = []
    public var txns: [TxnEntry] = []
}

extension ZooKeeperState {
    /// Java's processConnectRequest: a new session, or a session resumed with its password.
    public func connect(_ frame: ConnectRequestFrame, connection: ConnectionID, now: Instant) -> ConnectOutcome {
        monotonicNow = now.monotonic
        var outcome = ConnectOutcome()
        let request = frame.request
        guard request.lastZxidSeen <= tree.lastProcessedZxid else { return outcome }
        let timeout = settings.negotiate(timeout: request.timeOut)
        let respond = { (timeout: Int32, session: Int64, password: [UInt8]) in
            ConnectResponseFrame(
                response: ConnectResponse(
                    protocolVersion: 0, timeOut: timeout, sessionId: session,
                    passwd: ByteBuffer(bytes: password), readOnly: false
                ),
                hasReadOnlyByte: frame.hasReadOnlyByte
            )
        }
        if request.sessionId == 0 {
            let session = sessions.create(timeout: timeout, now: now.monotonic)
            let entry = TxnEntry(
                header: TxnHeader(clientId: session, cxid: 0, zxid: nextZxid(), time: now.wall, type: OpCode.createSession.rawValue),
                body: .createSession(CreateSessionTxn(timeOut: timeout))
            )
            var ignored: [WatchDelivery] = []
            commit(entry, to: &outcome.txns, deliveries: &ignored)
            sessionConnections[session] = connection
            outcome.sessionID = session
            outcome.response = respond(timeout, session, JavaRandom.sessionPassword(for: session))
            return outcome
        }
        let session = request.sessionId
        // Java closes the session's current connection before it even checks the password.
        if let previous = sessionConnections.removeValue(forKey: session), previous != connection {
            outcome.closeConnections.append(previous)
            watches.removeConnection(previous)
        }
        let password = JavaRandom.sessionPassword(for: session)
        let presented = request.passwd.map { Array($0.readableBytesView) } ?? []
        guard presented == password, sessions.touch(session, timeout: timeout, now: now.monotonic) else {
            outcome.response = respond(0, 0, Array(repeating: 0, count: 16))
            outcome.close = true
            return outcome
        }
        sessionConnections[session] = connection
        outcome.sessionID = session
        outcome.response = respond(timeout, session, password)
        return outcome
    }
}
