import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// The client's session as pure logic, after Java's ClientCnxn: inputs are
/// connection events, received bytes, requests and clock ticks (time in
/// milliseconds on any monotonic clock); outputs are `ClientAction`s.
public struct ClientSessionMachine: Sendable {
    public enum Phase: Hashable, Sendable {
        /// `start` not called yet.
        case idle
        /// Waiting before the next connection attempt.
        case waiting(until: Int64)
        /// A connection to the server is being opened.
        case connecting
        /// ConnectRequest sent, waiting for the ConnectResponse.
        case handshaking
        case connected
        /// closeSession sent.
        case closing
        /// Closed, expired or failed authentication: nothing more happens.
        case terminated
    }

    public let configuration: ClientConfiguration
    public private(set) var phase: Phase = .idle
    /// The state as the application sees it (the last state event's).
    public private(set) var state: KeeperState = .disconnected
    public private(set) var sessionId: Int64 = 0
    public private(set) var sessionPassword = ByteBuffer(repeating: 0, count: 16)
    public private(set) var negotiatedTimeout: Int32 = 0
    public private(set) var lastZxid: Int64 = 0
    public private(set) var watches = WatchTable()
    /// The servers in the order they are tried (shuffled once, as Java does).
    public let servers: [ServerAddress]
    public private(set) var currentServer: ServerAddress?

    private var rng: SplitMix64
    private var nextXid: Int32 = 1
    private var nextToken = 1
    private var authInfo: [AuthPacket] = []
    /// Requests submitted while not connected; sent after the handshake.
    private var outgoing: [Outgoing] = []
    /// Sent requests waiting for their replies, oldest first.
    private var pending = CircularBuffer<Pending>()
    /// Auth packets sent on this connection, in order; a token when a caller waits.
    private var authReplies = CircularBuffer<RequestToken?>()
    private var inbound = ByteBuffer()
    private var readTimeout: Int64
    private var connectTimeout: Int64
    private var lastSend: Int64 = 0
    private var lastReceive: Int64 = 0
    private var hostIndex = -1
    private var lastConnectedIndex = -1
    private var isFirstConnect = true
    private var seenReadWriteServer = false
    private var closeToken: RequestToken?
    /// The SASL login under way on this connection and the xid of its request;
    /// other requests wait until it completes (ClientCnxn.tunnelAuthInProgress).
    private var sasl: (client: DigestMD5Client, xid: Int32)?

    private struct Outgoing: Sendable {
        var token: RequestToken
        var op: OpCode
        var body: RequestBody
        var watch: WatchRegistration?
        var removal: WatchRemoval?
    }

    private struct Pending: Sendable {
        /// Nil for set-watches, which no caller waits for.
        var token: RequestToken?
        var xid: Int32
        var op: OpCode
        var watch: WatchRegistration?
        var removal: WatchRemoval?
    }

    /// Watches a successful removeWatches or checkWatches drops locally.
    public struct WatchRemoval: Hashable, Sendable {
        public var path: String
        public var type: WatcherType
        public init(path: String, type: WatcherType) {
            self.path = path
            self.type = type
        }
    }

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
        rng = SplitMix64(seed: configuration.randomSeed)
        var servers = configuration.connectString.servers
        if configuration.shuffleHosts { servers.shuffle(using: &rng) }
        self.servers = servers
        if let resume = configuration.resumeSession {
            sessionId = resume.id
            sessionPassword = resume.password
            // Java: a caller-supplied session counts as seen on a read-write server.
            seenReadWriteServer = true
        }
        readTimeout = Int64(configuration.sessionTimeout) * 2 / 3
        connectTimeout = Int64(configuration.sessionTimeout) / Int64(max(servers.count, 1))
    }

    public var isConnected: Bool { phase == .connected || phase == .closing }
    /// Connected and past any SASL login: requests go out as they come.
    private var isOpen: Bool { phase == .connected && sasl == nil }
    public var pendingCount: Int { pending.count }

    // MARK: - Inputs

    /// Starts the first connection attempt.
    public mutating func start(now: Int64) -> [ClientAction] {
        guard phase == .idle else { return [] }
        return connectNext(now: now)
    }

    /// The connection asked for by `.connect` is open: send the ConnectRequest.
    public mutating func connectionEstablished(now: Int64) -> [ClientAction] {
        guard phase == .connecting else { return [] }
        isFirstConnect = false
        phase = .handshaking
        inbound.clear()
        authReplies.removeAll()
        let request = ConnectRequest(
            protocolVersion: 0, lastZxidSeen: lastZxid, timeOut: configuration.sessionTimeout,
            sessionId: seenReadWriteServer ? sessionId : 0, passwd: sessionPassword,
            readOnly: configuration.canBeReadOnly
        )
        var bytes = ByteBuffer()
        ClientMessage.connect(ConnectRequestFrame(request: request)).write(to: &bytes)
        lastSend = now
        lastReceive = now
        return [.send(bytes)]
    }

    /// The connection failed to open, or closed, or broke.
    public mutating func connectionFailed(now: Int64, reason: String? = nil) -> [ClientAction] {
        switch phase {
        case .connecting, .handshaking, .connected:
            return loseConnection(now: now, reason: reason, closeSocket: false)
        case .closing:
            return finishClose(closeSocket: false)
        case .idle, .waiting, .terminated:
            return []
        }
    }

    /// Bytes arrived from the server.
    public mutating func received(_ bytes: ByteBuffer, now: Int64) -> [ClientAction] {
        guard phase == .handshaking || phase == .connected || phase == .closing else { return [] }
        var bytes = bytes
        inbound.writeBuffer(&bytes)
        lastReceive = now
        var actions: [ClientAction] = []
        while phase == .handshaking || phase == .connected || phase == .closing {
            let frame: ByteBuffer?
            do {
                frame = try Frame.read(from: &inbound, maxLength: configuration.maxFrameLength)
            } catch {
                actions += loseConnection(now: now, reason: "bad frame: \(error)", closeSocket: true)
                break
            }
            guard let frame else { break }
            actions += handleFrame(frame, now: now)
        }
        inbound.discardReadBytes()
        return actions
    }

    /// Time passed: pings, read and connect timeouts, reconnect delays.
    public mutating func tick(now: Int64) -> [ClientAction] {
        switch phase {
        case .waiting(let until):
            return now >= until ? startConnect(now: now) : []
        case .connecting, .handshaking:
            let idle = now - lastReceive
            if idle > connectTimeout {
                return loseConnection(
                    now: now, reason: "Client session timed out, have not heard from server in \(idle)ms",
                    closeSocket: true)
            }
            return []
        case .connected, .closing:
            let idleReceive = now - lastReceive
            if idleReceive > readTimeout {
                let reason = "Client session timed out, have not heard from server in \(idleReceive)ms for session id 0x\(String(UInt64(bitPattern: sessionId), radix: 16))"
                return phase == .closing ? finishClose(closeSocket: true) : loseConnection(now: now, reason: reason, closeSocket: true)
            }
            let idleSend = now - lastSend
            let timeToNextPing = readTimeout / 2 - idleSend - (idleSend > 1000 ? 1000 : 0)
            if timeToNextPing <= 0 || idleSend > ClientTiming.maxSendPingInterval {
                return [sendFrame(ClientRequest(xid: Xid.ping, op: .ping, body: .none), now: now)]
            }
            return []
        case .idle, .terminated:
            return []
        }
    }

    /// The next time `tick` has something to do, for the driver's timer.
    public func nextDeadline() -> Int64? {
        switch phase {
        case .waiting(let until): return until
        case .connecting, .handshaking: return lastReceive + connectTimeout + 1
        case .connected, .closing:
            // When `tick`'s ping rule first fires: a second early once idle for over a second.
            let half = readTimeout / 2
            let ping = lastSend + (half <= 1000 ? half : max(half - 1000, 1001))
            return min(lastReceive + readTimeout + 1, ping, lastSend + ClientTiming.maxSendPingInterval + 1)
        case .idle, .terminated: return nil
        }
    }

    /// Queues a request; returns the token its `.reply` or `.fail` will carry.
    /// Its xid is chosen when it is sent, as Java's client does.
    public mutating func submit(
        _ op: OpCode, _ body: RequestBody,
        watch: WatchRegistration? = nil, removal: WatchRemoval? = nil,
        now: Int64
    ) -> (token: RequestToken, actions: [ClientAction]) {
        let token = takeToken()
        if let failure = refusal() { return (token, [.fail(token, failure)]) }
        let request = Outgoing(token: token, op: op, body: body, watch: watch, removal: removal)
        if isOpen { return (token, [send(request, now: now)]) }
        outgoing.append(request)
        return (token, [])
    }

    /// Adds credentials for this session and every later connection; the token
    /// is answered by `.reply` (the server's auth reply) or `.fail`.
    public mutating func addAuth(scheme: String, auth: ByteBuffer, now: Int64) -> (token: RequestToken, actions: [ClientAction]) {
        let token = takeToken()
        if let failure = refusal() { return (token, [.fail(token, failure)]) }
        let packet = AuthPacket(type: 0, scheme: scheme, auth: auth)
        if !authInfo.contains(packet) { authInfo.append(packet) }
        let request = Outgoing(token: token, op: .auth, body: .auth(packet), watch: nil, removal: nil)
        if isOpen { return (token, [send(request, now: now)]) }
        outgoing.append(request)
        return (token, [])
    }

    /// Closes the session: closeSession when connected, else at once. Returns
    /// the closeSession's token when one was sent.
    public mutating func close(now: Int64) -> (token: RequestToken?, actions: [ClientAction]) {
        switch phase {
        case .connected:
            let token = takeToken()
            closeToken = token
            let action = send(Outgoing(token: token, op: .closeSession, body: .none), now: now)
            phase = .closing
            return (token, [action])
        case .closing, .terminated:
            return (nil, [])
        case .idle, .waiting, .connecting, .handshaking:
            return (nil, finishClose(closeSocket: phase == .connecting || phase == .handshaking))
        }
    }

    /// Whether the client holds a watch `removeWatches(path, type)` would remove
    /// (Java refuses with NoWatcher before asking the server otherwise).
    public func hasWatches(path: String, type: WatcherType) -> Bool {
        kinds(for: type).contains { !watches.watchers($0, path: path).isEmpty }
    }

    // MARK: - Frames from the server

    private mutating func handleFrame(_ frame: ByteBuffer, now: Int64) -> [ClientAction] {
        if phase == .handshaking {
            do {
                return onConnected(try ConnectResponseFrame(frameBody: frame).response, now: now)
            } catch {
                return loseConnection(now: now, reason: "bad ConnectResponse: \(error)", closeSocket: true)
            }
        }
        var body = frame
        let header: ReplyHeader
        do {
            header = try ReplyHeader(juteFrom: &body, limits: .default)
        } catch {
            return loseConnection(now: now, reason: "bad reply header: \(error)", closeSocket: true)
        }
        if let sasl, header.xid == sasl.xid { return onSASLReply(header, body: body, now: now) }
        switch header.xid {
        case Xid.ping:
            return []
        case Xid.auth:
            return onAuthReply(header)
        case Xid.notification:
            do {
                let event = try WatcherEvent(juteBytes: body)
                return [deliver(event)]
            } catch {
                return loseConnection(now: now, reason: "bad watcher event: \(error)", closeSocket: true)
            }
        default:
            return onReply(header, body: body, now: now)
        }
    }

    private mutating func onConnected(_ response: ConnectResponse, now: Int64) -> [ClientAction] {
        if response.timeOut <= 0 {
            // The server no longer knows the session (ClientCnxn.onConnected).
            var actions = failAll(.sessionExpired)
            actions.append(.closeConnection(reason: "Unable to reconnect to ZooKeeper service, session 0x\(String(UInt64(bitPattern: sessionId), radix: 16)) has expired"))
            phase = .terminated
            actions.append(stateEvent(.expired))
            return actions
        }
        negotiatedTimeout = response.timeOut
        readTimeout = Int64(response.timeOut) * 2 / 3
        connectTimeout = Int64(response.timeOut) / Int64(servers.count)
        lastConnectedIndex = hostIndex
        sessionId = response.sessionId
        sessionPassword = response.passwd ?? ByteBuffer()
        if !response.readOnly { seenReadWriteServer = true }
        phase = .connected
        var actions = [stateEvent(response.readOnly ? .connectedReadOnly : .syncConnected)]
        if let credentials = configuration.sasl {
            // DIGEST-MD5 has no initial response: the JDK client sends an empty token.
            let client = DigestMD5Client(credentials: credentials, cnonce: Self.makeCnonce(using: &rng))
            return actions + [sendSASL([], client: client, now: now)]
        }
        return actions + sendPrimed(now: now)
    }

    /// Auth packets, set-watches and requests held back until the connection was ready.
    private mutating func sendPrimed(now: Int64) -> [ClientAction] {
        var actions: [ClientAction] = []
        // Java puts these at the head of its queue, each in front of the
        // previous: auth packets last-added first, set-watches batches last first.
        var primed = ByteBuffer()
        for packet in authInfo.reversed() {
            authReplies.append(nil)
            ClientMessage.request(ClientRequest(xid: Xid.auth, op: .auth, body: .auth(packet))).write(to: &primed)
        }
        // Java builds set-watches with xid -8, but its socket layer gives every
        // packet but ping and auth the next ordinary xid as it is written
        // (ClientCnxnSocketNIO.doIO): the captures show the ordinary xid.
        for batch in setWatchesBatches().reversed() {
            let xid = takeXid()
            pending.append(Pending(token: nil, xid: xid, op: batch.op, watch: nil, removal: nil))
            ClientMessage.request(ClientRequest(xid: xid, op: batch.op, body: batch.body)).write(to: &primed)
        }
        if primed.readableBytes > 0 {
            lastSend = now
            actions.append(.send(primed))
        }
        let queued = outgoing
        outgoing.removeAll()
        for request in queued { actions.append(send(request, now: now)) }
        return actions
    }

    private func setWatchesBatches() -> [(op: OpCode, body: RequestBody)] {
        let chroot = configuration.connectString
        let lists = WatchKind.allCases.map { kind in watches.paths(kind).map { chroot.serverPath($0) } }
        var cursors = Array(repeating: 0, count: lists.count)
        var batches: [(OpCode, RequestBody)] = []
        while zip(cursors, lists).contains(where: { $0 < $1.count }) {
            var batch: [[String]] = Array(repeating: [], count: lists.count)
            var length = 0
            while length < ClientTiming.setWatchesMaxLength {
                guard let kind = lists.indices.first(where: { cursors[$0] < lists[$0].count }) else { break }
                let path = lists[kind][cursors[kind]]
                cursors[kind] += 1
                batch[kind].append(path)
                length += path.utf16.count
            }
            if batch[3].isEmpty && batch[4].isEmpty {
                batches.append((.setWatches, .setWatches(SetWatches(
                    relativeZxid: lastZxid, dataWatches: batch[0], existWatches: batch[1], childWatches: batch[2]))))
            } else {
                batches.append((.setWatches2, .setWatches2(SetWatches2(
                    relativeZxid: lastZxid, dataWatches: batch[0], existWatches: batch[1], childWatches: batch[2],
                    persistentWatches: batch[3], persistentRecursiveWatches: batch[4]))))
            }
        }
        return batches
    }

    private mutating func sendSASL(_ token: [UInt8], client: DigestMD5Client, now: Int64) -> ClientAction {
        let xid = takeXid()
        sasl = (client, xid)
        return sendFrame(ClientRequest(xid: xid, op: .sasl, body: .sasl(GetSASLRequest(token: ByteBuffer(bytes: token)))), now: now)
    }

    /// A server token: answer it, or on completion let the held requests go;
    /// a refusal or a token the client cannot accept ends the session (AuthFailed).
    private mutating func onSASLReply(_ header: ReplyHeader, body: ByteBuffer, now: Int64) -> [ClientAction] {
        guard var client = sasl?.client else { return [] }
        var token: [UInt8] = []
        if ErrorCode(header.err) == .ok, let response = try? SetSASLResponse(juteBytes: body) {
            token = response.token.map { Array($0.readableBytesView) } ?? []
        }
        do throws(DigestMD5Error) {
            if ErrorCode(header.err) != .ok { throw DigestMD5Error("server answered \(ErrorCode(header.err))") }
            if let next = try client.evaluate(token) { return [sendSASL(next, client: client, now: now)] }
        } catch {
            sasl = nil
            phase = .terminated
            var actions = failAll(.authFailed)
            actions.append(.closeConnection(reason: "SASL authentication failed: \(error)"))
            actions.append(stateEvent(.authFailed))
            return actions
        }
        sasl = nil
        return [stateEvent(.saslAuthenticated)] + sendPrimed(now: now)
    }

    /// 32 random base64 characters (the JDK's cnonce is as long).
    static func makeCnonce<R: RandomNumberGenerator>(using rng: inout R) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<64, using: &rng)] })
    }

    private mutating func onAuthReply(_ header: ReplyHeader) -> [ClientAction] {
        let token = authReplies.popFirst() ?? nil
        var actions: [ClientAction] = []
        if let token {
            actions.append(.reply(token, ServerReply(header: header, op: .auth, body: .none)))
        }
        if ErrorCode(header.err) == .authFailed {
            // Java's client gives up on the session: AuthFailed is terminal.
            phase = .terminated
            actions += failAll(.authFailed)
            actions.append(.closeConnection(reason: "authentication failed"))
            actions.append(stateEvent(.authFailed))
        }
        return actions
    }

    private mutating func deliver(_ event: WatcherEvent) -> ClientAction {
        let path = event.path.map { configuration.connectString.clientPath($0) }
        let watched = WatchedEvent(type: EventType(rawValue: event.type), state: KeeperState(rawValue: event.state), path: path)
        return .event(watched, watchers: watches.materialize(watched))
    }

    private mutating func onReply(_ header: ReplyHeader, body: ByteBuffer, now: Int64) -> [ClientAction] {
        guard let request = pending.popFirst() else {
            return loseConnection(now: now, reason: "Nothing in the queue, but got \(header.xid)", closeSocket: true)
        }
        guard request.xid == header.xid else {
            var actions: [ClientAction] = request.token.map { [.fail($0, .connectionLoss)] } ?? []
            actions += loseConnection(
                now: now,
                reason: "Xid out of order. Got Xid \(header.xid) with err \(header.err) expected Xid \(request.xid) for a packet with details: \(request.op)",
                closeSocket: true)
            return actions
        }
        if header.zxid > 0 { lastZxid = header.zxid }
        let err = ErrorCode(header.err)
        let decoded: ResponseBody
        do {
            decoded = err == .ok ? try ResponseBody.decode(op: request.op, from: body) : .none
        } catch {
            var actions: [ClientAction] = request.token.map { [.fail($0, .marshallingError)] } ?? []
            actions += loseConnection(now: now, reason: "bad \(request.op) reply: \(error)", closeSocket: true)
            return actions
        }
        guard let token = request.token else { return [] }
        if token == closeToken {
            return [.reply(token, ServerReply(header: header, op: request.op, body: decoded))] + finishClose(closeSocket: true)
        }
        var actions: [ClientAction] = []
        if let watch = request.watch, let kind = watch.kind(for: err) {
            watches.add(kind, path: watch.path, watcher: watch.watcher)
        }
        if let removal = request.removal, err == .ok {
            actions += removeLocally(removal)
        }
        actions.append(.reply(token, ServerReply(header: header, op: request.op, body: decoded)))
        return actions
    }

    private func kinds(for type: WatcherType) -> [WatchKind] {
        switch type {
        case .children: [.child]
        case .data: [.data, .exist]
        case .any: [.child, .data, .exist, .persistent, .persistentRecursive]
        case .persistent: [.persistent]
        case .persistentRecursive: [.persistentRecursive]
        default: []
        }
    }

    /// Drops watches the server removed and tells their watchers (ZKWatchManager.removeWatcher).
    private mutating func removeLocally(_ removal: WatchRemoval) -> [ClientAction] {
        var actions: [ClientAction] = []
        for kind in kinds(for: removal.type) {
            let removed = watches.removeAll(kind, path: removal.path)
            guard !removed.isEmpty else { continue }
            let type: EventType = switch kind {
            case .child: .childWatchRemoved
            case .data, .exist: .dataWatchRemoved
            default: .persistentWatchRemoved
            }
            actions.append(.event(WatchedEvent(type: type, state: .syncConnected, path: removal.path), watchers: removed))
        }
        return actions
    }

    // MARK: - Connections

    private mutating func takeToken() -> RequestToken {
        defer { nextToken += 1 }
        return RequestToken(nextToken)
    }

    private mutating func takeXid() -> Int32 {
        let xid = nextXid
        nextXid = nextXid == Int32.max ? 1 : nextXid + 1
        return xid
    }

    /// Why a new request fails at once (Java's conLossPacket), or nil.
    private func refusal() -> ErrorCode? {
        switch phase {
        case .terminated: state == .authFailed ? .authFailed : .sessionExpired
        case .closing: .connectionLoss
        default: nil
        }
    }

    private mutating func send(_ request: Outgoing, now: Int64) -> ClientAction {
        let xid: Int32
        if request.op == .auth {
            authReplies.append(request.token)
            xid = Xid.auth
        } else {
            xid = takeXid()
            pending.append(Pending(token: request.token, xid: xid, op: request.op, watch: request.watch, removal: request.removal))
        }
        return sendFrame(ClientRequest(xid: xid, op: request.op, body: request.body), now: now)
    }

    private mutating func sendFrame(_ request: ClientRequest, now: Int64) -> ClientAction {
        var bytes = ByteBuffer()
        ClientMessage.request(request).write(to: &bytes)
        lastSend = now
        return .send(bytes)
    }

    /// Picks the next server (StaticHostProvider.next): after a whole round
    /// without connecting it pauses a second; reconnects add jitter.
    private mutating func connectNext(now: Int64) -> [ClientAction] {
        hostIndex = (hostIndex + 1) % servers.count
        var delay: Int64 = 0
        if hostIndex == lastConnectedIndex { delay += ClientTiming.spinDelay }
        if lastConnectedIndex == -1 { lastConnectedIndex = 0 }
        if !isFirstConnect { delay += Int64.random(in: 0..<ClientTiming.reconnectJitter, using: &rng) }
        if delay > 0 {
            phase = .waiting(until: now + delay)
            return []
        }
        return startConnect(now: now)
    }

    private mutating func startConnect(now: Int64) -> [ClientAction] {
        phase = .connecting
        currentServer = servers[hostIndex]
        lastSend = now
        lastReceive = now
        return [.connect(servers[hostIndex])]
    }

    /// Java's cleanAndNotifyState: every waiting call fails with
    /// ConnectionLoss, watchers hear Disconnected, the next server is tried.
    private mutating func loseConnection(now: Int64, reason: String?, closeSocket: Bool) -> [ClientAction] {
        var actions: [ClientAction] = closeSocket ? [.closeConnection(reason: reason)] : []
        actions += failAll(.connectionLoss)
        sasl = nil
        inbound.clear()
        authReplies.removeAll()
        actions.append(stateEvent(.disconnected))
        actions += connectNext(now: now)
        return actions
    }

    private mutating func finishClose(closeSocket: Bool) -> [ClientAction] {
        var actions: [ClientAction] = closeSocket ? [.closeConnection(reason: nil)] : []
        phase = .terminated
        actions += failAll(.connectionLoss)
        actions.append(stateEvent(.closed))
        return actions
    }

    private mutating func failAll(_ code: ErrorCode) -> [ClientAction] {
        var actions: [ClientAction] = []
        for request in pending { if let token = request.token { actions.append(.fail(token, code)) } }
        pending.removeAll()
        for request in outgoing { actions.append(.fail(request.token, code)) }
        outgoing.removeAll()
        for token in authReplies { if let token { actions.append(.fail(token, code)) } }
        authReplies.removeAll()
        return actions
    }

    private mutating func stateEvent(_ newState: KeeperState) -> ClientAction {
        state = newState
        let event = WatchedEvent(type: .none, state: newState, path: nil)
        return .event(event, watchers: watches.materialize(event))
    }
}
