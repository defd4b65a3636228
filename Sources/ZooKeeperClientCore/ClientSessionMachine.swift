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
    /// Requests not sent yet: submitted while not connected (sent after the
    /// handshake), or while `maxOutstandingRequests` were unanswered (sent as
    /// replies make room), in submission order.
    private var outgoing = CircularBuffer<Outgoing>()
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
    /// Seeking a read-write server while connected read-only (ClientCnxn's
    /// pingRwServer): when the last probe went out, the wait before the next
    /// (doubling from 100 ms to a minute), the probe under way, and the
    /// server index a probe found read-write, connected to next.
    private var lastReadWriteProbe: Int64 = 0
    private var readWriteProbeInterval = ClientTiming.minReadWriteProbeInterval
    private var probing: ServerAddress?
    private var readWriteServerIndex: Int?
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

    /// The local side of removeWatches (every watcher of the path) or
    /// checkWatches (one watcher), applied when the reply comes, as Java's
    /// WatchDeregistration is. `local` removes even when the server failed.
    public struct WatchRemoval: Hashable, Sendable {
        public var path: String
        public var type: WatcherType
        public var watcher: WatcherID?
        public var local: Bool
        public init(path: String, type: WatcherType, watcher: WatcherID? = nil, local: Bool = false) {
            self.path = path
            self.type = type
            self.watcher = watcher
            self.local = local
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
        lastReadWriteProbe = now
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
            var actions: [ClientAction] = []
            let idleSend = now - lastSend
            let timeToNextPing = readTimeout / 2 - idleSend - (idleSend > 1000 ? 1000 : 0)
            if timeToNextPing <= 0 || idleSend > ClientTiming.maxSendPingInterval {
                actions.append(sendFrame(ClientRequest(xid: Xid.ping, op: .ping, body: .none), now: now))
            }
            if let probe = probeReadWriteIfDue(now: now) { actions.append(probe) }
            return actions
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
            let deadline = min(lastReceive + readTimeout + 1, ping, lastSend + ClientTiming.maxSendPingInterval + 1)
            guard seeksReadWriteServer, probing == nil else { return deadline }
            return min(deadline, lastReadWriteProbe + readWriteProbeInterval)
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
        outgoing.append(Outgoing(token: token, op: op, body: body, watch: watch, removal: removal))
        return (token, sendQueued(now: now))
    }

    /// Adds credentials for this session and every later connection; the token
    /// is answered by `.reply` (the server's auth reply) or `.fail`.
    public mutating func addAuth(scheme: String, auth: ByteBuffer, now: Int64) -> (token: RequestToken, actions: [ClientAction]) {
        let token = takeToken()
        if let failure = refusal() { return (token, [.fail(token, failure)]) }
        let packet = AuthPacket(type: 0, scheme: scheme, auth: auth)
        if !authInfo.contains(packet) { authInfo.append(packet) }
        outgoing.append(Outgoing(token: token, op: .auth, body: .auth(packet), watch: nil, removal: nil))
        return (token, sendQueued(now: now))
    }

    /// Closes the session: closeSession when connected, else at once. Returns
    /// the closeSession's token when one was sent.
    public mutating func close(now: Int64) -> (token: RequestToken?, actions: [ClientAction]) {
        switch phase {
        case .connected:
            // Requests held back go out first, as they are ahead of
            // closeSession in Java's queue.
            var actions: [ClientAction] = []
            while isOpen, let request = outgoing.popFirst() { actions.append(send(request, now: now)) }
            let token = takeToken()
            closeToken = token
            actions.append(send(Outgoing(token: token, op: .closeSession, body: .none), now: now))
            phase = .closing
            return (token, actions)
        case .closing, .terminated:
            return (nil, [])
        case .idle, .waiting, .connecting, .handshaking:
            return (nil, finishClose(closeSocket: phase == .connecting || phase == .handshaking))
        }
    }

    /// The answer to `.probeReadWrite`: whether the server said "rw" to isro.
    /// A read-write server ends the read-only connection (ConnectionLoss to
    /// every waiting call, Disconnected) and is the next one connected to.
    public mutating func probeFinished(_ server: ServerAddress, readWrite: Bool, now: Int64) -> [ClientAction] {
        guard probing == server else { return [] }
        probing = nil
        guard readWrite, seeksReadWriteServer, let index = servers.firstIndex(of: server) else { return [] }
        readWriteProbeInterval = ClientTiming.minReadWriteProbeInterval
        readWriteServerIndex = index
        return loseConnection(now: now, reason: "Majority server found at \(server.host):\(server.port)", closeSocket: true)
    }

    private var seeksReadWriteServer: Bool { phase == .connected && state == .connectedReadOnly }

    /// Java probes the next host in its list each time the interval has passed,
    /// doubling the interval up to a minute.
    private mutating func probeReadWriteIfDue(now: Int64) -> ClientAction? {
        guard seeksReadWriteServer, probing == nil, now - lastReadWriteProbe >= readWriteProbeInterval else { return nil }
        lastReadWriteProbe = now
        readWriteProbeInterval = min(readWriteProbeInterval * 2, ClientTiming.maxReadWriteProbeInterval)
        hostIndex = (hostIndex + 1) % servers.count
        probing = servers[hostIndex]
        return .probeReadWrite(servers[hostIndex])
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
            guard configuration.renewExpiredSession else {
                phase = .terminated
                actions.append(stateEvent(.expired))
                return actions
            }
            actions.append(stateEvent(.expired))
            return actions + renewSession(now: now)
        }
        negotiatedTimeout = response.timeOut
        readTimeout = Int64(response.timeOut) * 2 / 3
        connectTimeout = Int64(response.timeOut) / Int64(servers.count)
        lastConnectedIndex = hostIndex
        sessionId = response.sessionId
        sessionPassword = response.passwd ?? ByteBuffer()
        if !response.readOnly { seenReadWriteServer = true }
        phase = .connected
        let actions = [stateEvent(response.readOnly ? .connectedReadOnly : .syncConnected)]
        if let credentials = configuration.sasl {
            // DIGEST-MD5 has no initial response: the JDK client sends an empty token.
            let client = DigestMD5Client(credentials: credentials, cnonce: Self.makeCnonce(using: &rng))
            return actions + [sendSASL([], client: client, now: now)]
        }
        return actions + sendPrimed(now: now)
    }

    /// Starts over as a new client would, keeping the servers, the auth
    /// to replay and the requests submitted from now on: the old session's
    /// watches died with it, and its zxid and xids mean nothing to the new one.
    private mutating func renewSession(now: Int64) -> [ClientAction] {
        sessionId = 0
        sessionPassword = ByteBuffer(repeating: 0, count: 16)
        negotiatedTimeout = 0
        lastZxid = 0
        nextXid = 1
        watches = WatchTable()
        seenReadWriteServer = false
        sasl = nil
        inbound.clear()
        readTimeout = Int64(configuration.sessionTimeout) * 2 / 3
        connectTimeout = Int64(configuration.sessionTimeout) / Int64(max(servers.count, 1))
        return connectNext(now: now)
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
        return actions + sendQueued(now: now)
    }

    /// Sends held requests while the connection is open and fewer than
    /// `maxOutstandingRequests` wait for replies: the client's back-pressure.
    private mutating func sendQueued(now: Int64) -> [ClientAction] {
        var actions: [ClientAction] = []
        while isOpen, pending.count < configuration.maxOutstandingRequests, let request = outgoing.popFirst() {
            actions.append(send(request, now: now))
        }
        return actions
    }

    /// Requests not yet sent (held by back-pressure or a missing connection).
    public var queuedCount: Int { outgoing.count }

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
        guard let token = request.token else { return sendQueued(now: now) }
        if token == closeToken {
            return [.reply(token, ServerReply(header: header, op: request.op, body: decoded))] + finishClose(closeSocket: true)
        }
        var actions: [ClientAction] = []
        if let watch = request.watch, let kind = watch.kind(for: err) {
            watches.add(kind, path: watch.path, watcher: watch.watcher)
        }
        var header = header
        if let removal = request.removal {
            let (code, events) = unregister(removal, err: err)
            header.err = code.rawValue
            actions += events
        }
        actions.append(.reply(token, ServerReply(header: header, op: request.op, body: decoded)))
        return actions + sendQueued(now: now)
    }

    /// Java's ZKWatchManager.removeWatcher, run on every finished
    /// removeWatches/checkWatches (a reply, or ConnectionLoss): NoWatcher
    /// unless the client holds a matching watch; the server's error unless
    /// `local`; otherwise the watches go and their watchers hear of it.
    /// Returns the call's outcome and the events.
    private mutating func unregister(_ removal: WatchRemoval, err: ErrorCode) -> (ErrorCode, [ClientAction]) {
        let path = removal.path
        let held: [WatchKind] = switch removal.type {
        case .children: [.child, .persistent, .persistentRecursive]
        case .data: [.data, .exist, .persistent, .persistentRecursive]
        case .any: WatchKind.allCases
        default: []
        }
        let matches = held.contains { kind in
            let set = watches.watchers(kind, path: path)
            return removal.watcher.map(set.contains) ?? !set.isEmpty
        }
        guard matches else { return (.noWatcher, []) }
        if err != .ok && !removal.local { return (err, []) }
        let removable: [WatchKind] = switch removal.type {
        case .children: [.child]
        case .data: [.data, .exist]
        default: WatchKind.allCases
        }
        var removed: [EventType: Set<WatcherID>] = [:]
        for kind in removable {
            let gone = removal.watcher.map { watches.remove(kind, path: path, watcher: $0) ? [$0] : [] }
                ?? watches.removeAll(kind, path: path)
            let type: EventType = switch kind {
            case .child: .childWatchRemoved
            case .data, .exist: .dataWatchRemoved
            default: .persistentWatchRemoved
            }
            removed[type, default: []].formUnion(gone)
        }
        guard !removed.values.allSatisfy(\.isEmpty) else { return (.noWatcher, []) }
        let state: KeeperState = err == .sessionExpired || err == .connectionLoss ? .disconnected : .syncConnected
        var events: [ClientAction] = []
        for type in [EventType.childWatchRemoved, .dataWatchRemoved, .persistentWatchRemoved] {
            guard let set = removed[type], !set.isEmpty else { continue }
            events.append(.event(WatchedEvent(type: type, state: state, path: path), watchers: set))
        }
        return (.ok, events)
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
    /// without connecting it pauses a second; reconnects add jitter. A
    /// read-write server a probe found comes first, without the pause.
    private mutating func connectNext(now: Int64) -> [ClientAction] {
        var delay: Int64 = 0
        if let index = readWriteServerIndex {
            readWriteServerIndex = nil
            hostIndex = index
        } else {
            hostIndex = (hostIndex + 1) % servers.count
            if hostIndex == lastConnectedIndex { delay += ClientTiming.spinDelay }
        }
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
        let failed = pending.compactMap { request in request.token.map { ($0, request.op, request.removal) } }
            + outgoing.map { ($0.token, $0.op, $0.removal) }
        pending.removeAll()
        outgoing.removeAll()
        for (token, op, removal) in failed {
            guard let removal else {
                actions.append(.fail(token, code))
                continue
            }
            // A local removal succeeds without the server (Java's conLossPacket
            // runs the deregistration too).
            let (outcome, events) = unregister(removal, err: code)
            actions += events
            actions.append(outcome == .ok
                ? .reply(token, ServerReply(header: ReplyHeader(xid: 0, zxid: -1, err: 0), op: op, body: .none))
                : .fail(token, outcome))
        }
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
