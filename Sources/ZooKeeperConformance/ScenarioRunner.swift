import Glibc
import NIOCore
import ZooKeeperProtocol

/// Where and how long to run.
public struct RunOptions: Sendable {
    public var host: String
    public var port: Int
    /// The longest wait for one expected message (a reply, a counted message, a close).
    public var messageTimeout: Duration

    public init(host: String, port: Int, messageTimeout: Duration = .seconds(5)) {
        self.host = host
        self.port = port
        self.messageTimeout = messageTimeout
    }
}

/// Runs one scenario against a server and returns its transcript: for each
/// step a `> step` line, then one line per thing the server did on the
/// step's connection (message, close, silence where a reply was due).
public final class ScenarioRunner {
    private let scenario: Scenario
    private let options: RunOptions
    private var connections: [String: Connection] = [:]
    private var order: [String] = []
    private var normaliser: Normaliser
    private var lines: [String] = []
    /// Sessions the scenario opened, with their password and whether they were closed.
    private var sessions: [(id: Int64, password: ByteBuffer?, closed: Bool)] = []

    public static func run(_ scenario: Scenario, options: RunOptions) -> [String] {
        let runner = ScenarioRunner(scenario: scenario, options: options)
        return runner.run()
    }

    init(scenario: Scenario, options: RunOptions) {
        self.scenario = scenario
        self.options = options
        let now = Self.wallClockMilliseconds()
        normaliser = Normaliser(timeWindow: (now - 600_000)...(now + 3_600_000))
    }

    static func wallClockMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    func run() -> [String] {
        if !scenario.cleanup.isEmpty { preClean() }
        for step in scenario.steps {
            lines.append("> " + step.source)
            perform(step)
        }
        postClean()
        return lines
    }

    // MARK: Steps

    private func perform(_ step: Step) {
        let name = step.connection
        switch step.action {
        case .sleep(let ms):
            sleep(milliseconds: ms)
        case .connect(let handshake):
            guard connections[name]?.isOpen != true else { return record(name, "error: already connected") }
            guard let connection = open(name) else { return }
            var sessionId: Int64 = handshake.sessionId ?? 0
            var resumed: ByteBuffer?
            if let other = handshake.resume {
                guard let from = connections[other] ?? nil, from.sessionId != 0 else {
                    return record(name, "error: \(other) has no session to resume")
                }
                if handshake.sessionId == nil { sessionId = from.sessionId }
                resumed = from.password
            }
            let password: ByteBuffer
            switch handshake.password {
            case .zero: password = ByteBuffer(bytes: [UInt8](repeating: 0, count: 16))
            case .same: password = resumed ?? ByteBuffer(bytes: [UInt8](repeating: 0, count: 16))
            case .wrong:
                let base = resumed.map { Array($0.readableBytesView) } ?? [UInt8](repeating: 0, count: 16)
                password = ByteBuffer(bytes: base.map { ~$0 })
            case .bytes(let b): password = ByteBuffer(bytes: b)
            }
            let request = ConnectRequest(
                protocolVersion: handshake.protocolVersion, lastZxidSeen: resolve(handshake.lastZxidSeen),
                timeOut: handshake.timeout, sessionId: sessionId, passwd: password, readOnly: handshake.readOnly)
            guard send(connection, .connect(ConnectRequestFrame(request: request, hasReadOnlyByte: handshake.readOnlyByte))) else { return }
            if read(connection, until: deadline(), stop: { if case .connect = $0 { true } else { false } }) == .timeout {
                record(name, "timeout")
            }
        case .open:
            guard connections[name]?.isOpen != true else { return record(name, "error: already connected") }
            _ = open(name)
        case .fourLetterWord(let word):
            let connection: Connection
            if let existing = connections[name], existing.isOpen { connection = existing } else {
                guard let fresh = open(name) else { return }
                connection = fresh
            }
            guard send(connection, bytes: ByteBuffer(bytes: Array(word.utf8))) else { return }
            if read(connection, until: deadline(), stop: { _ in false }) == .timeout { record(name, "still-open") }
        case .raw(let bytes):
            guard let connection = usable(name) else { return }
            _ = send(connection, bytes: ByteBuffer(bytes: bytes))
        case .request(var spec):
            guard let connection = usable(name) else { return }
            let xid = spec.xid ?? connection.takeXid()
            if let relative = spec.relativeZxid {
                let zxid = resolve(relative)
                switch spec.body {
                case .setWatches(var w): w.relativeZxid = zxid; spec.body = .setWatches(w)
                case .setWatches2(var w): w.relativeZxid = zxid; spec.body = .setWatches2(w)
                default: break
                }
            }
            guard send(connection, .request(ClientRequest(xid: xid, op: spec.op, body: spec.body))) else { return }
            guard spec.wait else { return }
            // Java answers every ping with xid -2.
            let replyXid = spec.op == .ping ? Xid.ping : xid
            let outcome = read(connection, until: deadline()) {
                if case .reply(let reply) = $0, reply.xid == replyXid { true } else { false }
            }
            if outcome == .timeout { record(name, "timeout (no reply to xid=\(replyXid))") }
        case .wait(let count):
            guard let connection = readable(name) else { return }
            for _ in 0..<count {
                let outcome = read(connection, until: deadline(), stop: { _ in true })
                if outcome == .timeout { record(name, "timeout"); break }
                if outcome == .closed { break }
            }
        case .waitClose(let ms):
            guard let connection = readable(name) else { return }
            let until = ms.map { ContinuousClock.now + .milliseconds($0) } ?? deadline()
            if read(connection, until: until, stop: { _ in false }) == .timeout { record(name, "still-open") }
        case .quiet(let ms):
            guard let connection = readable(name) else { return }
            _ = read(connection, until: ContinuousClock.now + .milliseconds(ms), stop: { _ in false })
        case .disconnect:
            guard let connection = connections[name] else { return record(name, "error: no such connection") }
            connection.close()
        }
    }

    private func deadline() -> ContinuousClock.Instant { ContinuousClock.now + options.messageTimeout }

    private func record(_ connection: String, _ text: String) {
        lines.append("\(connection) \(text)")
    }

    private func open(_ name: String) -> Connection? {
        do {
            let connection = try Connection(name: name, host: options.host, port: options.port)
            if connections[name] == nil { order.append(name) }
            connections[name] = connection
            return connection
        } catch {
            record(name, "connect-failed")
            return nil
        }
    }

    /// A connection a step can send on; records why not otherwise.
    private func usable(_ name: String) -> Connection? {
        guard let connection = connections[name], !connection.closedByClient else {
            record(name, "error: not connected")
            return nil
        }
        if connection.closedReported {
            record(name, "not-sent (closed by server)")
            return nil
        }
        return connection
    }

    private func readable(_ name: String) -> Connection? {
        guard let connection = connections[name], !connection.closedByClient else {
            record(name, "error: not connected")
            return nil
        }
        if connection.closedReported {
            record(name, "closed")
            return nil
        }
        return connection
    }

    private func send(_ connection: Connection, _ message: ClientMessage) -> Bool {
        var bytes = ByteBuffer()
        message.write(to: &bytes)
        return send(connection, bytes: bytes)
    }

    private func send(_ connection: Connection, bytes: ByteBuffer) -> Bool {
        do {
            try connection.send(bytes: bytes)
            return true
        } catch {
            record(connection.name, "send-failed")
            return false
        }
    }

    private func resolve(_ spec: ZxidSpec) -> Int64 {
        switch spec {
        case .absolute(let z): z
        case .last: normaliser.highestZxid
        case .lastPlus(let n): normaliser.highestZxid + n
        }
    }

    private func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    enum ReadOutcome { case stopped, closed, timeout }

    /// Records messages from `connection` until one satisfies `stop`, the
    /// server closes, or `deadline` passes.
    private func read(
        _ connection: Connection,
        until deadline: ContinuousClock.Instant,
        stop: (ServerMessage) -> Bool
    ) -> ReadOutcome {
        while true {
            switch connection.next(until: deadline) {
            case .message(let message, let raw):
                lines.append(normaliser.line(connection: connection.name, message: message, raw: raw))
                note(message, on: connection)
                if stop(message) { return .stopped }
            case .undecodable(_, let raw):
                record(connection.name, "undecodable raw=\(hex(raw))")
            case .closed(let leftover):
                if leftover.readableBytes > 0 { record(connection.name, "partial raw=\(hex(leftover))") }
                record(connection.name, "closed")
                return .closed
            case .timeout:
                return .timeout
            }
        }
    }

    /// Keeps track of sessions for the clean-up.
    private func note(_ message: ServerMessage, on connection: Connection) {
        switch message {
        case .connect(let frame):
            let response = frame.response
            guard response.timeOut > 0, response.sessionId != 0 else { return }
            connection.sessionId = response.sessionId
            connection.password = response.passwd
            if !sessions.contains(where: { $0.id == response.sessionId }) {
                sessions.append((response.sessionId, response.passwd, false))
            }
        case .reply(let reply) where reply.op == .closeSession && reply.err == .ok:
            if let i = sessions.firstIndex(where: { $0.id == connection.sessionId }) { sessions[i].closed = true }
        default:
            break
        }
    }

    // MARK: Clean-up (not recorded)

    /// A private session that sends requests and waits for their replies.
    private final class Helper {
        let connection: Connection
        let timeout: Duration

        init?(host: String, port: Int, timeout: Duration, sessionId: Int64 = 0, password: ByteBuffer? = nil) {
            guard let connection = try? Connection(name: "cleanup", host: host, port: port) else { return nil }
            self.connection = connection
            self.timeout = timeout
            let request = ConnectRequest(
                protocolVersion: 0, lastZxidSeen: 0, timeOut: 30000, sessionId: sessionId,
                passwd: password ?? ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)), readOnly: false)
            guard (try? connection.send(.connect(ConnectRequestFrame(request: request)))) != nil else { return nil }
            guard case .message(.connect(let frame), _) = connection.next(until: .now + timeout), frame.response.timeOut > 0 else { return nil }
        }

        func call(_ op: OpCode, _ body: RequestBody) -> ServerReply? {
            let xid = connection.takeXid()
            guard (try? connection.send(.request(ClientRequest(xid: xid, op: op, body: body)))) != nil else { return nil }
            let deadline = ContinuousClock.now + timeout
            while true {
                switch connection.next(until: deadline) {
                case .message(.reply(let reply), _) where reply.xid == xid: return reply
                case .message: continue
                default: return nil
                }
            }
        }

        func deleteTree(_ path: String) {
            if let reply = call(.getChildren, .getChildren(GetChildrenRequest(path: path, watch: false))),
               case .getChildren(let children) = reply.body {
                for child in children.children ?? [] { deleteTree(path + "/" + child) }
            }
            _ = call(.delete, .delete(DeleteRequest(path: path, version: -1)))
        }

        func closeSession() {
            _ = call(.closeSession, .none)
            connection.close()
        }
    }

    private func preClean() {
        guard let helper = Helper(host: options.host, port: options.port, timeout: options.messageTimeout) else { return }
        for path in scenario.cleanup { helper.deleteTree(path) }
        helper.closeSession()
    }

    /// Closes every session the scenario left open, so none expires later in
    /// another scenario (an expiry is a transaction: it would shift zxids).
    private func postClean() {
        for session in sessions where !session.closed {
            if let owner = order.compactMap({ connections[$0] }).first(where: {
                $0.sessionId == session.id && $0.isOpen && !$0.closedByClient
            }) {
                let xid = owner.takeXid()
                if (try? owner.send(.request(ClientRequest(xid: xid, op: .closeSession, body: .none)))) != nil {
                    let deadline = ContinuousClock.now + options.messageTimeout
                    loop: while true {
                        switch owner.next(until: deadline) {
                        case .message(.reply(let reply), _) where reply.xid == xid: break loop
                        case .message, .undecodable: continue
                        case .closed, .timeout: break loop
                        }
                    }
                    continue
                }
            }
            Helper(host: options.host, port: options.port, timeout: options.messageTimeout,
                   sessionId: session.id, password: session.password)?.closeSession()
        }
        for name in order { connections[name]?.close() }
    }
}
