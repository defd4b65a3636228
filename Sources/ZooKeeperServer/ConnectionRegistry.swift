import NIOConcurrencyHelpers
import NIOCore
import ZooKeeperProtocol
import ZooKeeperServerCore

/// A live client connection as the rest of the server reaches it: its
/// channel, and watch events waiting to be written on its own event loop.
final class ConnectionHandle: Sendable {
    let id: ConnectionID
    let channel: any Channel
    let remote: String
    let openedAt: Int64
    private let mailbox = NIOLockedValueBox<[WatcherEvent]>([])
    let stats = NIOLockedValueBox(ConnectionStats())

    init(id: ConnectionID, channel: any Channel, remote: String, openedAt: Int64) {
        self.id = id
        self.channel = channel
        self.remote = remote
        self.openedAt = openedAt
    }

    func post(_ event: WatcherEvent) {
        mailbox.withLockedValue { $0.append(event) }
    }

    func takeEvents() -> [WatcherEvent] {
        mailbox.withLockedValue { events in
            defer { events.removeAll(keepingCapacity: true) }
            return events
        }
    }
}

/// Counters `cons` and `stat` print per connection.
struct ConnectionStats: Sendable {
    var received = 0
    var sent = 0
    var sessionID: Int64 = 0
    var timeout: Int32 = 0
    var lastOp = "NA"
    var lastZxid: Int64 = -1
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
