import NIOCore
import ZooKeeperClientCore
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTestSupport
import ZooKeeperTraffic

/// Replays one Java client session of a capture through the session machine:
/// the application's calls are taken from the requests Java sent, the server's
/// frames are fed as they came; what the machine sends is collected to be
/// compared with what Java sent.
struct CaptureReplay {
    /// Frames Java's client sent (pings left out: their timing is the clock's).
    var javaFrames: [ByteBuffer] = []
    /// Frames the machine sent (pings left out).
    var machineFrames: [ByteBuffer] = []
    /// Events delivered: the event and the request index of each watcher.
    var events: [(WatchedEvent, Set<Int>)] = []
    /// Watch-setting requests by index: (op, path).
    var watchRequests: [Int: (OpCode, String)] = [:]
    var machine: ClientSessionMachine
    var failures: [(RequestToken, ErrorCode)] = []

    static func sessions(in capture: String) throws -> [Int64] {
        let messages = try Captures.decode(capture).messages
        var seen: [Int64] = []
        for message in messages {
            if case .server(.connect(let frame)) = message.content, !seen.contains(frame.response.sessionId) {
                seen.append(frame.response.sessionId)
            }
        }
        return seen
    }

    /// Replays the connections of `session` (a Java client's: kazoo's differ in framing details).
    init(capture: String, session: Int64) throws {
        let messages = try Captures.decode(capture).messages.filter { $0.proto == .client }
        var sessionOf: [ConnectionID: Int64] = [:]
        var firstRequest: [ConnectionID: ConnectRequestFrame] = [:]
        for message in messages {
            switch message.content {
            case .server(.connect(let frame)):
                // An expired session's answer carries session id 0: the request names it.
                if frame.response.sessionId != 0 { sessionOf[message.stream.connection] = frame.response.sessionId }
            case .client(.connect(let frame)):
                firstRequest[message.stream.connection] = frame
                if frame.request.sessionId != 0 { sessionOf[message.stream.connection] = frame.request.sessionId }
            default: break
            }
        }
        let ours = messages.filter { sessionOf[$0.stream.connection] == session }
        guard let first = ours.first, let request = firstRequest[first.stream.connection] else {
            throw ReplayError("no connection of session \(session)")
        }
        machine = ClientSessionMachine(configuration: ClientConfiguration(
            connectString: try ConnectString("127.0.0.1:2181"), sessionTimeout: request.request.timeOut,
            canBeReadOnly: request.request.readOnly, randomSeed: 1, shuffleHosts: false))
        var current: ConnectionID?
        var requestIndex = 0
        var watcherIndexOf: [Int: Int] = [:]
        for message in ours {
            let now = Self.milliseconds(message.time)
            let connection = message.stream.connection
            switch message.content {
            case .client(.connect):
                javaFrames.append(message.wireBytes)
                if current == nil {
                    collect(machine.start(now: now))
                } else {
                    var t = now
                    while machine.phase != .connecting && t < now + 100_000 {
                        collect(machine.tick(now: t))
                        t += 100
                    }
                }
                current = connection
                collect(machine.connectionEstablished(now: now))
            case .client(.request(let request)):
                guard connection == current else { continue }
                if request.op == .ping { continue }
                javaFrames.append(message.wireBytes)
                // Set-watches and auth replays come from the machine itself.
                if [.setWatches, .setWatches2, .auth].contains(request.op) { continue }
                requestIndex += 1
                if request.op == .closeSession {
                    collect(machine.close(now: now).actions)
                    continue
                }
                let watch = Self.registration(request, watcher: WatcherID(requestIndex))
                if let watch {
                    watcherIndexOf[requestIndex] = requestIndex
                    watchRequests[requestIndex] = (request.op, watch.path)
                }
                collect(machine.submit(request.op, request.body, watch: watch, now: now).actions)
            case .server:
                guard connection == current else { continue }
                if machine.isConnected { collect(machine.tick(now: now)) }
                collect(machine.received(message.wireBytes, now: now))
            case .closed:
                guard connection == current else { continue }
                collect(machine.connectionFailed(now: now, reason: "closed"))
            default:
                continue
            }
        }
    }

    private mutating func collect(_ actions: [ClientAction]) {
        for action in actions {
            switch action {
            case .send(var bytes):
                while let frame = try? Frame.read(from: &bytes) {
                    let isPing = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self) == OpCode.ping.rawValue
                        && frame.readableBytes == 8
                    if isPing { continue }
                    var framed = ByteBuffer()
                    Frame.write(frame, to: &framed)
                    machineFrames.append(framed)
                }
            case .event(let event, let watchers):
                events.append((event, Set(watchers.map(\.rawValue))))
            case .fail(let token, let code):
                failures.append((token, code))
            default:
                break
            }
        }
    }

    /// What the Java application asked to watch, read back from its request.
    static func registration(_ request: ClientRequest, watcher: WatcherID) -> WatchRegistration? {
        switch request.body {
        case .exists(let r) where r.watch: WatchRegistration(.exists, path: r.path ?? "", watcher: watcher)
        case .getData(let r) where r.watch: WatchRegistration(.data, path: r.path ?? "", watcher: watcher)
        case .getChildren(let r) where r.watch: WatchRegistration(.child, path: r.path ?? "", watcher: watcher)
        case .getChildren2(let r) where r.watch: WatchRegistration(.child, path: r.path ?? "", watcher: watcher)
        case .addWatch(let r):
            WatchRegistration(AddWatchMode(rawValue: r.mode) == .persistentRecursive ? .persistentRecursive : .persistent,
                              path: r.path ?? "", watcher: watcher)
        default: nil
        }
    }

    static func milliseconds(_ time: CaptureTimestamp) -> Int64 {
        time.seconds * 1000 + Int64(time.nanoseconds / 1_000_000)
    }
}

struct ReplayError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ByteBuffer {
    var hex: String { readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
