import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZooKeeperProtocol
import ZooKeeperServerConfig
import ZooKeeperServerCore

/// The state under one lock: the request logic is single-threaded by design,
/// and its steps are short (no I/O happens inside).
final class LockedState: @unchecked Sendable {
    private let lock = NIOLock()
    private let state: ZooKeeperState

    init(_ state: ZooKeeperState) { self.state = state }

    func withState<R>(_ body: (ZooKeeperState) -> R) -> R {
        lock.withLock { body(state) }
    }
}

/// A standalone ZooKeeper server on SwiftNIO: the client port, the session
/// clock, and the hand-off of watch events between connections.
public final class ZooKeeperServer: Sendable {
    public let configuration: ServerConfiguration
    let settings: ServerSettings
    let state: LockedState
    let connections = ConnectionRegistry()
    let logger: Logger
    let group: any EventLoopGroup
    let counters = NIOLockedValueBox(ServerCounters())
    /// ZooTrace's text trace mask, which `gtmk` reads and `stmk` sets.
    let traceMask = NIOLockedValueBox(FourLetterWords.defaultTraceMask)
    let startedAt: Int64
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)
    private let tasks = NIOLockedValueBox<[RepeatedTask]>([])

    public init(configuration: ServerConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.settings = ServerSettings(configuration)
        self.group = group
        self.logger = logger
        let now = ServerClock.now()
        startedAt = now.monotonic
        state = LockedState(ZooKeeperState(settings: settings, now: now))
    }

    /// Binds the client port; returns the address bound (port 0 picks a free one).
    @discardableResult
    public func start() async throws -> SocketAddress {
        guard let listen = configuration.clientPortAddress else {
            throw ServerError.noClientPort
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(configuration.clientPortListenBacklog > 0 ? configuration.clientPortListenBacklog : 256))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(server: self))
                }
            }
        let bound = try await bootstrap.bind(host: listen.host ?? "0.0.0.0", port: listen.port).get()
        channel.withLockedValue { $0 = bound }
        let tick = TimeAmount.milliseconds(Int64(max(settings.tickTime, 1)))
        let ticker = group.next().scheduleRepeatedTask(initialDelay: tick, delay: tick) { [self] _ in
            self.tick()
        }
        let properties = configuration.settings
        let interval = TimeAmount.milliseconds(Int64(max(properties.containerCheckIntervalMs, 1)))
        // Java spreads at most maxPerMinute deletions over each minute.
        let perCheck = max(1, Int(Int64(properties.containerMaxPerMinute) * Int64(properties.containerCheckIntervalMs) / 60_000))
        let reaper = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            let outcome = self.state.withState {
                $0.reapContainers(now: ServerClock.now(), limit: perCheck, maxNeverUsedInterval: properties.containerMaxNeverUsedIntervalMs)
            }
            self.deliver(outcome.deliveries, except: nil)
        }
        tasks.withLockedValue { $0 = [ticker, reaper] }
        let address = bound.localAddress!
        logger.info("binding to port \(address)", metadata: ["tickTime": "\(settings.tickTime)"])
        return address
    }

    /// Stops accepting, closes every connection (sessions live on, as in Java's shutdown).
    public func shutdown() async {
        tasks.withLockedValue { $0.forEach { $0.cancel() } }
        if let bound = channel.withLockedValue({ $0 }) {
            try? await bound.close()
        }
        for connection in connections.all {
            try? await connection.channel.close()
        }
        logger.info("shut down")
    }

    public var localAddress: SocketAddress? { channel.withLockedValue { $0?.localAddress } }

    func tick() {
        let outcome = state.withState { $0.tick(now: ServerClock.now()) }
        for connection in outcome.closeConnections {
            logger.info("session expired, closing connection", metadata: ["connection": "\(connection)"])
            connections.get(connection)?.channel.close(promise: nil)
        }
        deliver(outcome.deliveries, except: nil)
    }

    /// Posts events to other connections; each writes them on its own event loop.
    func deliver(_ deliveries: [WatchDelivery], except own: ConnectionID?) {
        var touched: [ConnectionID: ConnectionHandle] = [:]
        for delivery in deliveries where delivery.connection != own {
            guard let handle = touched[delivery.connection] ?? connections.get(delivery.connection) else { continue }
            handle.post(delivery.event)
            touched[delivery.connection] = handle
        }
        for handle in touched.values {
            handle.channel.eventLoop.execute {
                self.flushEvents(handle)
            }
        }
    }

    func flushEvents(_ handle: ConnectionHandle) {
        let events = handle.takeEvents()
        guard !events.isEmpty, handle.channel.isActive else { return }
        var buffer = handle.channel.allocator.buffer(capacity: 64 * events.count)
        var lengths: [Int] = []
        for event in events {
            let before = buffer.writerIndex
            ServerMessage.event(Self.eventHeader, event).write(to: &buffer)
            lengths.append(buffer.writerIndex - before - 4)
        }
        handle.stats.withLockedValue { $0.sent += events.count }
        counters.withLockedValue { counters in
            for length in lengths { counters.countSent(.event, length: length) }
        }
        handle.channel.writeAndFlush(buffer, promise: nil)
    }

    /// Java 3.8.0 stamps notifications with xid -1 and zxid -1.
    static let eventHeader = ReplyHeader(xid: -1, zxid: -1, err: 0)
}

public enum ServerError: Error, CustomStringConvertible {
    case noClientPort

    public var description: String {
        switch self {
        case .noClientPort: "clientPort is not set: nothing to listen on"
        }
    }
}
