import NIOConcurrencyHelpers
import NIOCore
import ZooKeeperProtocol
import ZooKeeperServerCore

/// A live client connection as the rest of the server reaches it: its
/// channel, and what is waiting to be written to it. Everything written goes
/// through the outbox tagged with the zxid it depends on, and leaves only once
/// the txn log has made that zxid durable.
final class ConnectionHandle: Sendable {
    let id: ConnectionID
    let channel: any Channel
    let remote: String
    let openedAt: Int64
    private let outbox = NIOLockedValueBox(Outbox())
    let stats = NIOLockedValueBox(ConnectionStats())

    private struct Outbox {
        var items: [(tag: Int64, bytes: ByteBuffer)] = []
        var closeWhenEmpty = false
        var closeReason: String?
        var waiting = false
    }

    init(id: ConnectionID, channel: any Channel, remote: String, openedAt: Int64) {
        self.id = id
        self.channel = channel
        self.remote = remote
        self.openedAt = openedAt
    }

    /// Queues a message; returns its encoded size, frame length included.
    @discardableResult
    func enqueue(_ message: ServerMessage, tag: Int64) -> Int {
        var bytes = channel.allocator.buffer(capacity: 64)
        message.write(to: &bytes)
        outbox.withLockedValue { $0.items.append((tag, bytes)) }
        return bytes.readableBytes
    }

    /// Nothing is queued and `tag` is durable: output may skip the outbox.
    func isIdle(upTo tag: Int64, log: TxnLog) -> Bool {
        guard tag <= log.durableZxid else { return false }
        return outbox.withLockedValue { $0.items.isEmpty && !$0.closeWhenEmpty }
    }

    /// Closes the channel once everything queued has been written.
    func closeAfterPending() {
        outbox.withLockedValue { $0.closeWhenEmpty = true }
    }

    /// Writes what is durable; waits for the log for the rest. Call on the channel's event loop.
    func drain(log: TxnLog) {
        let durable = log.durableZxid
        let (ready, waitFor, close) = outbox.withLockedValue { box -> ([ByteBuffer], Int64?, Bool) in
            let count = box.items.prefix { $0.tag <= durable }.count
            let ready = box.items.prefix(count).map(\.bytes)
            box.items.removeFirst(count)
            var waitFor: Int64?
            if let next = box.items.first?.tag, !box.waiting {
                box.waiting = true
                waitFor = next
            }
            return (ready, waitFor, box.items.isEmpty && box.closeWhenEmpty)
        }
        if !ready.isEmpty && channel.isActive {
            if ready.count == 1 {
                channel.writeAndFlush(ready[0], promise: nil)
            } else {
                var buffer = channel.allocator.buffer(capacity: ready.reduce(0) { $0 + $1.readableBytes })
                for var bytes in ready { buffer.writeBuffer(&bytes) }
                channel.writeAndFlush(buffer, promise: nil)
            }
        }
        if let waitFor {
            log.whenDurable(waitFor) { [self] in
                channel.eventLoop.execute {
                    self.outbox.withLockedValue { $0.waiting = false }
                    self.drain(log: log)
                }
            }
        }
        if close { channel.close(promise: nil) }
    }
}

/// What `cons`, `stat` and `dump` print per connection (Java's ServerCnxn
/// fields); `reset()` is `crst`.
struct ConnectionStats: Sendable {
    var received = 0
    var sent = 0
    var sessionID: Int64 = 0
    var timeout: Int32 = 0
    /// FinalRequestProcessor's short name of the last answered op.
    var lastOp = "NA"
    /// The last non-negative xid answered; -1 prints nothing.
    var lastCxid: Int64 = -1
    var lastZxid: Int64 = -1
    /// When the last reply was written (monotonic ms, Java's currentElapsedTime).
    var lastResponseTime: Int64 = 0
    var lastLatency: Int64 = 0
    var minLatency = Int64.max
    var maxLatency: Int64 = 0
    var totalLatency: Int64 = 0
    var latencyCount: Int64 = 0
    /// Last read (monotonic ms): the connection expiry queue `dump` prints.
    var touchedAt: Int64 = 0
    /// True while the connection answers a four-letter word (Java cancels
    /// its selection key, so it prints interest ops 0).
    var answeringWord = false

    /// ServerCnxn.updateStatsForResponse.
    mutating func recordResponse(cxid: Int64, zxid: Int64, op: String, start: Int64, end: Int64) {
        if cxid >= 0 { lastCxid = cxid }
        lastZxid = zxid
        lastOp = op
        lastResponseTime = end
        let elapsed = end - start
        lastLatency = elapsed
        minLatency = min(minLatency, elapsed)
        maxLatency = max(maxLatency, elapsed)
        latencyCount += 1
        totalLatency += elapsed
    }

    /// ServerCnxn.resetStats (`crst`); the session and its timeout stay.
    mutating func reset() {
        received = 0
        sent = 0
        minLatency = .max
        maxLatency = 0
        lastOp = "NA"
        lastCxid = -1
        lastZxid = -1
        lastResponseTime = 0
        lastLatency = 0
        latencyCount = 0
        totalLatency = 0
    }

    var reportedMinLatency: Int64 { minLatency == .max ? 0 : minLatency }
    /// Integer division, as Java's getAvgLatency.
    var averageLatency: Int64 { latencyCount == 0 ? 0 : totalLatency / latencyCount }
}

/// Every open connection, by id.
final class ConnectionRegistry: Sendable {
    private let connections = NIOLockedValueBox<[ConnectionID: ConnectionHandle]>([:])
    private let nextID = NIOLockedValueBox<ConnectionID>(1)

    func makeID() -> ConnectionID {
        nextID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
    }

    func add(_ handle: ConnectionHandle) { connections.withLockedValue { $0[handle.id] = handle } }
    func remove(_ id: ConnectionID) { _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
    func get(_ id: ConnectionID) -> ConnectionHandle? { connections.withLockedValue { $0[id] } }
    var all: [ConnectionHandle] { connections.withLockedValue { Array($0.values) } }

    func count(from remote: String) -> Int {
        connections.withLockedValue { $0.values.reduce(0) { $0 + ($1.remote == remote ? 1 : 0) } }
    }
}
