import ZooKeeperClient
import ZooKeeperProtocol

/// One registered instance of a service: its id (the node's name) and the
/// data it registered with (an address, a JSON payload, ...).
public struct ServiceInstance: Hashable, Sendable {
    public var id: String
    public var data: [UInt8]
    public init(id: String, data: [UInt8]) {
        self.id = id
        self.data = data
    }
}

/// Service discovery: each instance is an ephemeral node
/// `<base>/<service>/<id>`, so it disappears with its process's session;
/// clients list the instances or watch the set change. With a renewing
/// client, registrations outlive an expired session: each is created again
/// in the new one.
public struct ServiceRegistry: Sendable {
    public let client: ZooKeeperClient
    public let basePath: String
    /// The tasks that re-register instances after a renewal, by node path.
    private let renewals = LockedBox<[String: Task<Void, Never>]>([:])

    public init(client: ZooKeeperClient, basePath: String) {
        self.client = client
        self.basePath = basePath
    }

    private func directory(_ service: String) -> String { "\(basePath)/\(service)" }

    /// Registers an instance for as long as this client's session lives.
    /// Throws NodeExists when the id is already registered.
    @discardableResult
    public func register(service: String, id: String, data: [UInt8] = []) async throws -> String {
        try await SequentialContender(client: client, directory: directory(service), prefix: "").ensureDirectory()
        let path = try await client.create("\(directory(service))/\(id)", data: data, mode: .ephemeral)
        if client.renewsExpiredSession {
            let task = Task { [client] in await Self.keepRegistered(client: client, path: path, data: data) }
            renewals.mutate { $0.updateValue(task, forKey: path) }?.cancel()
        }
        return path
    }

    /// After every expiry, once the new session is connected, creates the
    /// node again (its parents too, should they be gone).
    private static func keepRegistered(client: ZooKeeperClient, path: String, data: [UInt8]) async {
        var expired = false
        for await state in client.states() {
            if Task.isCancelled { return }
            switch state {
            case .expired:
                expired = true
            case .syncConnected where expired:
                do {
                    let parent = String(path[..<path.lastIndex(of: "/")!])
                    try await SequentialContender(client: client, directory: parent, prefix: "").ensureDirectory()
                    try await client.create(path, data: data, mode: .ephemeral)
                    expired = false
                } catch let error as ZooKeeperError where error.code == .nodeExists {
                    expired = false
                } catch {
                    // Lost again before the create went through: the next
                    // SyncConnected (or Expired) tries again.
                }
            default:
                continue
            }
        }
    }

    public func unregister(service: String, id: String) async throws {
        renewals.mutate { $0.removeValue(forKey: "\(directory(service))/\(id)") }?.cancel()
        do {
            try await client.delete("\(directory(service))/\(id)")
        } catch let error as ZooKeeperError where error.code == .noNode {}
    }

    /// The instances registered now, sorted by id.
    public func instances(of service: String) async throws -> [ServiceInstance] {
        try await read(service, watcher: nil)
    }

    /// The instances now and after every change of the set; a reconnect
    /// re-reads the set. Ends with an error when the session ends.
    public func watch(_ service: String) -> AsyncThrowingStream<[ServiceInstance], Error> {
        let (stream, continuation) = AsyncThrowingStream<[ServiceInstance], Error>.makeStream()
        let task = Task { [self] in
            do {
                try await follow(service) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func follow(_ service: String, deliver: ([ServiceInstance]) -> Void) async throws {
        var last: [ServiceInstance]? = nil
        while !Task.isCancelled {
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            let current: [ServiceInstance]
            do {
                current = try await read(service, watcher: watcher)
            } catch let error as ZooKeeperError where error.code == .connectionLoss {
                try await client.waitUntilConnected(timeout: .seconds(3600))
                continue
            }
            if current != last {
                last = current
                deliver(current)
            }
            try await watcher.changeOrReconnect(path: directory(service), renewing: client.renewsExpiredSession)
        }
    }

    /// Children with a child watch, then each one's data; an instance that
    /// goes away between the two reads is left out (the watch fires for it).
    private func read(_ service: String, watcher: Watcher?) async throws -> [ServiceInstance] {
        let ids: [String]
        do {
            ids = try await client.getChildren(directory(service), watcher: watcher)
        } catch let error as ZooKeeperError where error.code == .noNode {
            try await SequentialContender(client: client, directory: directory(service), prefix: "").ensureDirectory()
            return try await read(service, watcher: watcher)
        }
        var instances: [ServiceInstance] = []
        for id in ids.sorted() {
            do {
                let (data, _) = try await client.getData("\(directory(service))/\(id)")
                instances.append(ServiceInstance(id: id, data: data ?? []))
            } catch let error as ZooKeeperError where error.code == .noNode {}
        }
        return instances
    }
}
