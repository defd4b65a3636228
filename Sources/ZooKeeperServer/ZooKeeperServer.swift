import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ZooKeeperProtocol
import ZooKeeperServerConfig
import ZooKeeperServerCore
import ZooKeeperStorageFormat
import Foundation

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
    private let secureChannel = NIOLockedValueBox<(any Channel)?>(nil)
    /// SASL DIGEST-MD5 users and settings; nil when no JAAS `Server` section.
    let sasl: SASLSettings?
    /// Whether enforcement requires the `sasl` scheme.
    let saslRequired: Bool
    /// TLS for `secureClientPort` and a unified `clientPort`; nil without a secure port.
    let tls: ClientTLS?
    /// The key material new connections use, when `client.certReload` watches the files.
    let certificateReload: CertificateReload?
    private let tasks = NIOLockedValueBox<[RepeatedTask]>([])
    let dataDirectory: DataDirectory
    let txnLog: TxnLog
    private let snapshots = DispatchQueue(label: "zk-snapshot")
    /// Txns logged since the last snapshot, and when the next one is due
    /// (Java: snapCount/2 plus a random part of snapCount/2).
    private let snapshotCounter = NIOLockedValueBox((count: 0, due: 0))
    /// Set while a snapshot is being taken; a snapshot due meanwhile is
    /// skipped, as Java's SyncRequestProcessor skips it ("too busy to snap").
    private let snapshotRunning = NIOLockedValueBox(false)
    /// Nodes serialized per hold of the state lock while a snapshot walks the tree.
    static let snapshotStepNodes = 2000

    /// Recovers the state from the dataDir (snapshot and txn logs) and takes
    /// a fresh snapshot of it, as Java does at every start.
    public init(configuration: ServerConfiguration, group: any EventLoopGroup, logger: Logger) throws {
        self.configuration = configuration
        self.settings = ServerSettings(configuration)
        self.group = group
        self.logger = logger
        // Key material and authentication first: a server that cannot secure its
        // port does not start.
        let properties = configuration.systemProperties
        if let problem = settings.enforcementProblem(properties) {
            throw SecurityConfigurationError(problem)
        }
        sasl = try SASLConfiguration.load(properties, logger: logger)
        saslRequired = settings.enforceAuthSchemes.contains("sasl")
        let tlsNeeded = configuration.secureClientPortAddress != nil
            || properties["zookeeper.client.portUnification"]?.lowercased() == "true"
        tls = tlsNeeded ? try ClientTLS.load(properties, logger: logger) : nil
        certificateReload = tls.flatMap {
            CertificateReload.isEnabled(properties) ? CertificateReload(initial: $0, properties: properties, logger: logger) : nil
        }
        let now = ServerClock.now()
        startedAt = now.monotonic
        dataDirectory = DataDirectory(
            dataDir: configuration.dataDir, dataLogDir: configuration.dataLogDir,
            snapshotCompression: SnapshotCompression(method: configuration.systemProperties["zookeeper.snapshot.compression.method"] ?? "")
        )
        try dataDirectory.createIfMissing()
        let recovered = try dataDirectory.recover(settings: settings, now: now, logger: logger)
        let lastZxid = recovered.state.lastZxid
        logger.info(
            "recovered the database",
            metadata: [
                "snapshot": "\(hex(recovered.snapshotZxid))", "txns": "\(recovered.txnCount)", "zxid": "\(hex(lastZxid))",
                "digestMismatches": "\(recovered.digestMismatches)",
            ]
        )
        let snapshot = try dataDirectory.writeSnapshot(recovered.state.snapshot().file, zxid: lastZxid)
        logger.info("snapshot taken", metadata: ["file": "\(snapshot)"])
        state = LockedState(recovered.state)
        txnLog = TxnLog(
            settings: .init(
                directory: dataDirectory.logDirectory,
                preAllocSize: configuration.settings.preAllocSizeBytes,
                forceSync: configuration.settings.forceSync
            ),
            durableZxid: lastZxid, logger: logger
        )
        txnLog.start()
        snapshotCounter.withLockedValue { $0.due = Self.nextSnapshotDue(configuration.settings.snapCount) }
    }

    /// Java's `zookeeper.nio.sessionlessCnxnTimeout`: a connection that sends
    /// no handshake in this many milliseconds is closed.
    var sessionlessConnectionTimeout: Int64 {
        configuration.systemProperties["zookeeper.nio.sessionlessCnxnTimeout"].flatMap { Int64($0) } ?? 10_000
    }

    static func nextSnapshotDue(_ snapCount: Int) -> Int {
        let half = max(snapCount / 2, 1)
        return half + Int.random(in: 0..<half)
    }

    /// One step of the request logic under the state lock: its txns go to the
    /// log and its events to other connections' outboxes in the same critical
    /// section, so every connection sees changes in zxid order. Returns the
    /// outcome and the zxid the step's output depends on.
    func step<Outcome: Sendable>(
        except own: ConnectionID?, _ body: (ZooKeeperState) -> (Outcome, [TxnEntry], [WatchDelivery])
    ) -> (Outcome, Int64) {
        var posted: [ConnectionHandle] = []
        var snapshot: FuzzySnapshot?
        let result = state.withState { state -> (Outcome, Int64) in
            let (outcome, txns, deliveries) = body(state)
            let tag = state.lastZxid
            if !txns.isEmpty {
                txnLog.append(txns)
                let due = snapshotCounter.withLockedValue { counter -> Bool in
                    counter.count += txns.count
                    guard counter.count >= counter.due else { return false }
                    counter = (0, Self.nextSnapshotDue(configuration.settings.snapCount))
                    return true
                }
                if due {
                    let idle = snapshotRunning.withLockedValue { running in
                        if running { return false }
                        running = true
                        return true
                    }
                    if idle {
                        txnLog.requestRoll()
                        snapshot = FuzzySnapshot(of: state)
                    } else {
                        logger.warning("too busy to snapshot, skipping")
                    }
                }
            }
            var seen = Set<ConnectionID>()
            for delivery in deliveries where delivery.connection != own {
                guard let handle = connections.get(delivery.connection) else { continue }
                let length = handle.enqueue(.event(Self.eventHeader, delivery.event), tag: tag) - 4
                handle.stats.withLockedValue { $0.sent += 1 }
                counters.withLockedValue { $0.countSent(.event, length: length) }
                if seen.insert(handle.id).inserted { posted.append(handle) }
            }
            return (outcome, tag)
        }
        for handle in posted {
            handle.channel.eventLoop.execute { handle.drain(log: self.txnLog) }
        }
        if let snapshot {
            snapshots.async { [self] in
                takeSnapshot(snapshot)
                snapshotRunning.withLockedValue { $0 = false }
            }
        }
        return result
    }

    /// Walks the tree a step at a time, letting requests run between steps,
    /// then writes the file once the log holds every txn the walk may have
    /// seen: a snapshot must never be ahead of the log it is replayed with.
    private func takeSnapshot(_ started: FuzzySnapshot) {
        var snapshot = started
        var endZxid: Int64 = 0
        var steps = 0
        while !snapshot.isComplete {
            endZxid = state.withState { state in
                snapshot.step(state, budget: Self.snapshotStepNodes)
                return state.lastZxid
            }
            steps += 1
            sched_yield()
        }
        let durable = DispatchSemaphore(value: 0)
        txnLog.whenDurable(endZxid) { durable.signal() }
        guard durable.wait(timeout: .now() + .seconds(60)) == .success else {
            logger.error("snapshot abandoned: the txn log did not reach \(hex(endZxid))")
            return
        }
        do {
            let path = try dataDirectory.writeSnapshot(snapshot.file, zxid: snapshot.zxid)
            logger.info("snapshot taken", metadata: ["file": "\(path)", "nodes": "\(snapshot.body.nodes.count)", "steps": "\(steps)"])
        } catch {
            logger.error("snapshot failed: \(error)")
        }
    }

    /// DatadirCleanupManager: purge at start, then every `hours`, on the
    /// snapshot queue so it never races a snapshot being written.
    private func schedulePurge(every hours: Int, retain: Int) -> RepeatedTask {
        group.next().scheduleRepeatedTask(initialDelay: .zero, delay: .hours(Int64(hours))) { [self] _ in
            snapshots.async { [self] in
                logger.info("purge task started", metadata: ["snapRetainCount": "\(retain)"])
                do {
                    let deleted = try dataDirectory.purge(retain: retain)
                    logger.info("purge task completed", metadata: ["deleted": "\(deleted.count)"])
                } catch {
                    logger.error("purge task failed: \(error)")
                }
            }
        }
    }

    private func bootstrap(_ handlers: @escaping @Sendable () -> [any ChannelHandler]) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(configuration.clientPortListenBacklog > 0 ? configuration.clientPortListenBacklog : 256))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(handlers())
                }
            }
    }

    /// Binds the client port and the secure client port; returns the address of
    /// the first (port 0 picks a free one).
    @discardableResult
    public func start() async throws -> SocketAddress {
        guard configuration.clientPortAddress != nil || configuration.secureClientPortAddress != nil else {
            throw ServerError.noClientPort
        }
        let x509 = settings.x509Provider
        let logger = logger
        // Each connection takes the key material current when it is accepted.
        let reload = certificateReload
        let initialTLS = tls
        let currentTLS: @Sendable () -> ClientTLS? = { reload?.current.withLockedValue { $0 } ?? initialTLS }
        let counters = counters
        let authFailed: @Sendable () -> Void = { counters.withLockedValue { $0.authFailed += 1 } }
        if let listen = configuration.clientPortAddress {
            let unified = tls?.portUnification == true
            let plain = bootstrap { [self] in
                // The plain port's pipeline stays a single handler unless unified.
                if unified, let tls = currentTLS() {
                    let setup = TLSConnectionSetup(tls: tls, provider: x509, logger: logger, authFailed: authFailed)
                    return [PortUnificationHandler(setup: setup), ClientConnectionHandler(server: self)]
                }
                return [ClientConnectionHandler(server: self)]
            }
            let bound = try await plain.bind(host: listen.host ?? "0.0.0.0", port: listen.port).get()
            channel.withLockedValue { $0 = bound }
            logger.info("binding to port \(bound.localAddress!)", metadata: ["portUnification": "\(unified)"])
        }
        if let listen = configuration.secureClientPortAddress, tls != nil {
            let secure = bootstrap { [self] in
                let setup = TLSConnectionSetup(tls: currentTLS()!, provider: x509, logger: logger, authFailed: authFailed)
                return setup.handlers() + [ClientConnectionHandler(server: self)]
            }
            let bound = try await secure.bind(host: listen.host ?? "0.0.0.0", port: listen.port).get()
            secureChannel.withLockedValue { $0 = bound }
            logger.info("binding to secure port \(bound.localAddress!)")
        }
        let tick = TimeAmount.milliseconds(Int64(max(settings.tickTime, 1)))
        let ticker = group.next().scheduleRepeatedTask(initialDelay: tick, delay: tick) { [self] _ in
            self.tick()
        }
        let properties = configuration.settings
        let interval = TimeAmount.milliseconds(Int64(max(properties.containerCheckIntervalMs, 1)))
        // Java spreads at most maxPerMinute deletions over each minute.
        let perCheck = max(1, Int(Int64(properties.containerMaxPerMinute) * Int64(properties.containerCheckIntervalMs) / 60_000))
        let reaper = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            _ = self.step(except: nil) { state in
                let outcome = state.reapContainers(
                    now: ServerClock.now(), limit: perCheck, maxNeverUsedInterval: properties.containerMaxNeverUsedIntervalMs
                )
                return ((), outcome.txns, outcome.deliveries)
            }
        }
        var scheduled = [ticker, reaper] + [certificateReload?.schedule(on: group.next())].compactMap { $0 }
        if configuration.purgeInterval > 0 {
            scheduled.append(schedulePurge(every: configuration.purgeInterval, retain: configuration.snapRetainCount))
        } else {
            logger.info("purge task is not scheduled", metadata: ["autopurge.purgeInterval": "\(configuration.purgeInterval)"])
        }
        tasks.withLockedValue { $0 = scheduled }
        logger.info("serving", metadata: ["tickTime": "\(settings.tickTime)"])
        return (localAddress ?? secureLocalAddress)!
    }

    /// Stops accepting, closes every connection (sessions live on, as in Java's shutdown).
    public func shutdown() async {
        tasks.withLockedValue { $0.forEach { $0.cancel() } }
        for listener in [channel, secureChannel] {
            if let bound = listener.withLockedValue({ $0 }) {
                try? await bound.close()
            }
        }
        for connection in connections.all {
            try? await connection.channel.close()
        }
        // A snapshot in progress needs the log running to finish.
        snapshots.sync {}
        txnLog.stop()
        logger.info("shut down")
    }

    public var localAddress: SocketAddress? { channel.withLockedValue { $0?.localAddress } }
    /// The secure client port's address, when one is bound.
    public var secureLocalAddress: SocketAddress? { secureChannel.withLockedValue { $0?.localAddress } }

    func tick() {
        let (closing, _) = step(except: nil) { state in
            let outcome = state.tick(now: ServerClock.now())
            return (outcome.closeConnections, outcome.txns, outcome.deliveries)
        }
        for connection in closing {
            logger.info("session expired, closing connection", metadata: ["connection": "\(connection)"])
            connections.get(connection)?.channel.close(promise: nil)
        }
    }

    /// Java 3.8.0 stamps notifications with xid -1 and zxid -1.
    static let eventHeader = ReplyHeader(xid: -1, zxid: -1, err: 0)
}

public enum ServerError: Error, CustomStringConvertible {
    case noClientPort

    public var description: String {
        switch self {
        case .noClientPort: "clientPort and secureClientPort are not set: nothing to listen on"
        }
    }
}
