import NIOCore
import NIOPosix
import NIOSSL
import ZooKeeperProtocol

/// One run on one event loop: connect every session, create the node, warm
/// up, measure, drain, close. Every step that waits on the server is bounded.
/// All state is touched on `loop` only.
final class LoadRun {
    private enum Stage: Equatable {
        case connecting, settingUp, warmingUp, measuring, draining, closing, done
    }

    let settings: LoadSettings
    private let loop: EventLoop
    private let promise: EventLoopPromise<LoadResult>
    private var sessions: [LoadSession] = []
    private var stage = Stage.connecting
    private var connected = 0
    private var drained = 0
    private var closed = 0

    /// Sessions replace each answered request while this is true.
    private(set) var isSending = false
    private var measuring = false
    private var histogram = LatencyHistogram()
    private var operations: UInt64 = 0
    private var errors: UInt64 = 0
    private var xidMismatches: UInt64 = 0
    private var firstError: Int32?
    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = 0
    private var cpuStart = (generator: 0.0, server: Double?.none)
    private var cpuEnd = (generator: 0.0, server: Double?.none)

    private let data: ByteBuffer
    private let load: RequestTemplate
    private let tlsContext: NIOSSLContext?
    private var tlsVersion: String?

    /// Starts the run on `loop`; call there. `tlsContext` puts every session over TLS.
    static func start(settings: LoadSettings, tlsContext: NIOSSLContext?, on loop: EventLoop) -> EventLoopFuture<LoadResult> {
        let run = LoadRun(settings: settings, tlsContext: tlsContext, loop: loop)
        run.connect()
        return run.promise.futureResult
    }

    private init(settings: LoadSettings, tlsContext: NIOSSLContext?, loop: EventLoop) {
        self.settings = settings
        self.tlsContext = tlsContext
        self.loop = loop
        self.promise = loop.makePromise()
        data = ByteBuffer(repeating: UInt8(ascii: "x"), count: settings.size)
        switch settings.operation {
        case .get: load = LoadFrames.getData(path: settings.path)
        case .set: load = LoadFrames.setData(path: settings.path, data: data)
        case .createdelete: load = LoadFrames.getData(path: settings.path)  // replaced per session
        }
    }

    private func connect() {
        enter(.connecting)
        let connectFrame = LoadFrames.connect(timeoutMilliseconds: settings.sessionTimeoutMilliseconds)
        for index in 0..<settings.sessions {
            let session = LoadSession(index: index, run: self, depth: settings.depth, connectFrame: connectFrame)
            sessions.append(session)
            let bound = NIOLoopBound(session, eventLoop: loop)
            let (tlsContext, serverName) = (self.tlsContext, settings.tls?.serverName)
            ClientBootstrap(group: loop)
                .connectTimeout(timeAmount(settings.stepTimeoutSeconds))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // The TLS handler holds the session's first writes until its handshake is done.
                        if let tlsContext {
                            let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                            try channel.pipeline.syncOperations.addHandler(tls)
                        }
                        try channel.pipeline.syncOperations.addHandler(bound.value)
                    }
                }
                .connect(host: settings.host, port: settings.port)
                .assumeIsolated()
                .whenFailure { [self] error in
                    fail(LoadError("session \(index): cannot connect to \(settings.host):\(settings.port): \(error)"))
                }
        }
    }

    func sessionConnected(_ session: LoadSession, tlsVersion: String?) {
        if self.tlsVersion == nil { self.tlsVersion = tlsVersion }
        connected += 1
        if connected == sessions.count { setUp() }
    }

    /// Creates the node with `size` bytes, or sets them if it exists already.
    private func setUp() {
        enter(.settingUp)
        let first = sessions[0]
        first.call(LoadFrames.create(path: settings.path, data: data)) { [self] header in
            switch ErrorCode(header.err) {
            case .ok: startLoad()
            case .nodeExists:
                first.call(LoadFrames.setData(path: settings.path, data: data)) { [self] header in
                    guard header.err == 0 else { return fail(LoadError("setData \(settings.path): err \(header.err)")) }
                    startLoad()
                }
            default: fail(LoadError("create \(settings.path): err \(header.err)"))
            }
        }
    }

    private func startLoad() {
        enter(.warmingUp, timeout: false)
        isSending = true
        for session in sessions {
            // Each session cycles on a child of its own, so sessions never collide.
            let template = settings.operation == .createdelete
                ? LoadFrames.createDelete(path: settings.path + "/s\(session.index)", data: data) : load
            session.startLoad(template, depth: settings.depth)
        }
        loop.assumeIsolated().scheduleTask(in: timeAmount(settings.warmupSeconds)) { [self] in beginWindow() }
    }

    private func beginWindow() {
        guard stage == .warmingUp else { return }
        enter(.measuring, timeout: false)
        measuring = true
        cpuStart = cpuSample()
        windowStart = NIODeadline.now().uptimeNanoseconds
        loop.assumeIsolated().scheduleTask(in: timeAmount(settings.seconds)) { [self] in endWindow() }
    }

    private func endWindow() {
        guard stage == .measuring else { return }
        windowEnd = NIODeadline.now().uptimeNanoseconds
        cpuEnd = cpuSample()
        measuring = false
        isSending = false
        enter(.draining)
    }

    /// Called for every reply while loading.
    func completed(nanoseconds: UInt64, err: Int32, xidMatches: Bool) {
        if err != 0 {
            errors += 1
            if firstError == nil { firstError = err }
        }
        if !xidMatches { xidMismatches += 1 }
        if measuring {
            operations += 1
            histogram.record(nanoseconds: nanoseconds)
        }
    }

    func sessionDrained(_ session: LoadSession) {
        drained += 1
        guard drained == sessions.count else { return }
        enter(.closing)
        for session in sessions { session.closeSession() }
    }

    func sessionClosed(_ session: LoadSession) {
        closed += 1
        guard closed == sessions.count else { return }
        enter(.done, timeout: false)
        promise.succeed(result())
        sessions = []
    }

    func fail(_ error: LoadError) {
        guard stage != .done else { return }
        enter(.done, timeout: false)
        for session in sessions { session.abort() }
        sessions = []
        promise.fail(error)
    }

    /// Moves to `next`; unless the stage ends on a timer of its own, fails the
    /// run if it is still there after the step timeout.
    private func enter(_ next: Stage, timeout: Bool = true) {
        stage = next
        guard timeout else { return }
        loop.assumeIsolated().scheduleTask(in: timeAmount(settings.stepTimeoutSeconds)) { [self] in
            if stage == next {
                fail(LoadError("no progress while \(next) after \(settings.stepTimeoutSeconds) s"))
            }
        }
    }

    private func cpuSample() -> (generator: Double, server: Double?) {
        (CPUTime.ofThisProcess(), settings.serverPID.flatMap(CPUTime.ofProcess))
    }

    private func result() -> LoadResult {
        let seconds = Double(windowEnd - windowStart) / 1e9
        func us(_ ns: UInt64) -> Double { Double(ns) / 1000 }
        var serverCpu: Double?
        if let start = cpuStart.server, let end = cpuEnd.server { serverCpu = (end - start) / seconds }
        return LoadResult(
            server: "\(settings.host):\(settings.port)",
            op: settings.operation.rawValue, size: settings.size,
            sessions: settings.sessions, depth: settings.depth,
            warmupSeconds: settings.warmupSeconds, seconds: seconds,
            operations: operations, opsPerSecond: Double(operations) / seconds,
            p50Us: us(histogram.nanoseconds(atQuantile: 0.5)),
            p99Us: us(histogram.nanoseconds(atQuantile: 0.99)),
            p999Us: us(histogram.nanoseconds(atQuantile: 0.999)),
            maxUs: us(histogram.maxNanoseconds),
            meanUs: histogram.meanNanoseconds / 1000,
            errors: errors, xidMismatches: xidMismatches, firstError: firstError,
            generatorCpu: (cpuEnd.generator - cpuStart.generator) / seconds,
            serverCpu: serverCpu, tls: tlsVersion
        )
    }
}

func timeAmount(_ seconds: Double) -> TimeAmount {
    .nanoseconds(Int64(seconds * 1e9))
}
