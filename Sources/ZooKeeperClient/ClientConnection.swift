import NIOCore
import NIOPosix
import NIOSSL
import ZooKeeperClientCore
import ZooKeeperProtocol

/// Runs a `ClientSessionMachine` on one event loop: opens the sockets it asks
/// for, feeds it bytes and ticks, completes calls and delivers events.
/// Every mutable field is touched on `eventLoop` only.
final class ClientConnection: @unchecked Sendable {
    let eventLoop: EventLoop
    private var machine: ClientSessionMachine
    private var channel: Channel?
    private var generation = 0
    private var calls: [RequestToken: EventLoopPromise<ServerReply>] = [:]
    private var watchers: [WatcherID: AsyncStream<WatchedEvent>.Continuation] = [:]
    private var stateListeners: [Int: AsyncStream<KeeperState>.Continuation] = [:]
    private var nextListener = 0
    private var nextWatcher = 0
    private var timer: Scheduled<Void>?
    private var closedPromises: [EventLoopPromise<Void>] = []
    let configuration: ClientConfiguration
    /// Set for the secure client port: every connection starts with a TLS handshake.
    private let tls: NIOSSLContext?

    init(configuration: ClientConfiguration, eventLoop: EventLoop, tls: NIOSSLContext? = nil) {
        self.eventLoop = eventLoop
        self.tls = tls
        self.configuration = configuration
        machine = ClientSessionMachine(configuration: configuration)
    }

    static func now() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000) }

    // MARK: - Called on any thread

    func start() {
        eventLoop.execute { self.run(self.machine.start(now: Self.now())) }
    }

    func submit(
        _ op: OpCode, _ body: RequestBody, watch: WatchRegistration? = nil,
        removal: ClientSessionMachine.WatchRemoval? = nil
    ) async throws -> ServerReply {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<ServerReply> in
            let promise = self.eventLoop.makePromise(of: ServerReply.self)
            let (token, actions) = self.machine.submit(op, body, watch: watch, removal: removal, now: Self.now())
            self.calls[token] = promise
            self.run(actions)
            return promise.futureResult
        }.get()
    }

    func addAuth(scheme: String, auth: ByteBuffer) async throws -> ServerReply {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<ServerReply> in
            let promise = self.eventLoop.makePromise(of: ServerReply.self)
            let (token, actions) = self.machine.addAuth(scheme: scheme, auth: auth, now: Self.now())
            self.calls[token] = promise
            self.run(actions)
            return promise.futureResult
        }.get()
    }

    func close() async {
        let done: EventLoopFuture<Void> = eventLoop.flatSubmit {
            if self.machine.phase == .terminated { return self.eventLoop.makeSucceededVoidFuture() }
            let promise = self.eventLoop.makePromise(of: Void.self)
            self.closedPromises.append(promise)
            // closeSession's reply ends the session, which completes `promise`.
            let (_, actions) = self.machine.close(now: Self.now())
            self.run(actions)
            return promise.futureResult
        }
        try? await done.get()
    }

    /// A new watcher and the stream of its events; ends when the session does.
    func makeWatcher() async -> (WatcherID, AsyncStream<WatchedEvent>) {
        let (stream, continuation) = AsyncStream<WatchedEvent>.makeStream()
        let id: WatcherID = (try? await eventLoop.submit { () -> WatcherID in
            self.nextWatcher += 1
            let id = WatcherID(self.nextWatcher)
            if self.machine.phase == .terminated { continuation.finish() } else { self.watchers[id] = continuation }
            return id
        }.get()) ?? WatcherID(0)
        // A stream nobody reads any more need not be fed.
        continuation.onTermination = { _ in self.eventLoop.execute { self.watchers[id] = nil } }
        return (id, stream)
    }

    /// Ends a watcher's stream and forgets it; later events for it are dropped.
    func dropWatcher(_ id: WatcherID) {
        eventLoop.execute { self.watchers.removeValue(forKey: id)?.finish() }
    }

    func states() -> AsyncStream<KeeperState> {
        let (stream, continuation) = AsyncStream<KeeperState>.makeStream()
        eventLoop.execute {
            continuation.yield(self.machine.state)
            if self.machine.phase == .terminated { continuation.finish(); return }
            self.nextListener += 1
            let id = self.nextListener
            self.stateListeners[id] = continuation
            continuation.onTermination = { _ in self.eventLoop.execute { self.stateListeners[id] = nil } }
        }
        return stream
    }

    func snapshot() async -> (state: KeeperState, sessionId: Int64, password: ByteBuffer, timeout: Int32) {
        (try? await eventLoop.submit {
            (self.machine.state, self.machine.sessionId, self.machine.sessionPassword, self.machine.negotiatedTimeout)
        }.get()) ?? (.closed, 0, ByteBuffer(), 0)
    }

    // MARK: - On the event loop

    func received(_ bytes: ByteBuffer, generation: Int) {
        guard generation == self.generation else { return }
        run(machine.received(bytes, now: Self.now()))
    }

    func channelClosed(generation: Int, reason: String) {
        guard generation == self.generation else { return }
        channel = nil
        run(machine.connectionFailed(now: Self.now(), reason: reason))
    }

    private func run(_ actions: [ClientAction]) {
        for action in actions {
            switch action {
            case .connect(let server):
                open(server)
            case .send(let bytes):
                channel?.writeAndFlush(bytes, promise: nil)
            case .closeConnection:
                generation += 1
                channel?.close(promise: nil)
                channel = nil
            case .reply(let token, let reply):
                calls.removeValue(forKey: token)?.succeed(reply)
            case .fail(let token, let code):
                calls.removeValue(forKey: token)?.fail(ZooKeeperError(code))
            case .event(let event, let ids):
                for id in ids { watchers[id]?.yield(event) }
                if event.type == .none { for listener in stateListeners.values { listener.yield(event.state) } }
            case .probeReadWrite(let server):
                ReadWriteProbe.ask(server, tls: tls, on: eventLoop).whenSuccess { readWrite in
                    self.run(self.machine.probeFinished(server, readWrite: readWrite, now: Self.now()))
                }
            }
        }
        if machine.phase == .terminated { finish() } else { scheduleTick() }
    }

    private func open(_ server: ServerAddress) {
        generation += 1
        let generation = generation
        let handler = ClientChannelHandler(connection: self, generation: generation)
        let tls = tls
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(machine.configuration.sessionTimeout)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // TLS sits in front of the handler; the session sees plain frames either way.
                    if let tls { try channel.pipeline.syncOperations.addHandler(makeTLSHandler(context: tls, host: server.host)) }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: server.host, port: server.port)
            .whenComplete { result in
                guard generation == self.generation else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    self.channel = channel
                    self.run(self.machine.connectionEstablished(now: Self.now()))
                case .failure(let error):
                    self.run(self.machine.connectionFailed(now: Self.now(), reason: "\(error)"))
                }
            }
    }

    private func scheduleTick() {
        timer?.cancel()
        guard let deadline = machine.nextDeadline() else { return }
        let delay = max(deadline - Self.now(), 1)
        timer = eventLoop.scheduleTask(in: .milliseconds(delay)) {
            self.timer = nil
            self.run(self.machine.tick(now: Self.now()))
        }
    }

    private func finish() {
        timer?.cancel()
        timer = nil
        for (_, promise) in calls { promise.fail(ZooKeeperError(.connectionLoss)) }
        calls.removeAll()
        for continuation in watchers.values { continuation.finish() }
        watchers.removeAll()
        for listener in stateListeners.values { listener.finish() }
        stateListeners.removeAll()
        for promise in closedPromises { promise.succeed() }
        closedPromises.removeAll()
        if let channel { channel.close(promise: nil) }
        channel = nil
    }
}
