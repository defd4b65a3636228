import Foundation
import ZooKeeperClient

/// A fair, exclusive lock shared by every client that names the same
/// directory: each contender creates an ephemeral sequential node and holds
/// the lock while its node is the lowest. Waiters watch only the node just
/// before theirs, so a release wakes one client. A lost session releases the
/// lock (the node is ephemeral).
public final class DistributedLock: Sendable {
    private let contender: SequentialContender
    private let state = LockedBox<String?>(nil)

    public init(client: ZooKeeperClient, path: String) {
        contender = SequentialContender(client: client, directory: path, prefix: "lock-")
    }

    /// The node that holds (or waits for) the lock, while there is one.
    public var node: String? { state.value }

    /// Waits until this client holds the lock. Cancelling the task withdraws.
    public func acquire() async throws {
        let node = try await contender.enter(tag: "_c_\(UUID().uuidString)", data: [])
        state.value = node
        do {
            try await contender.waitUntilFirst(node)
        } catch {
            try? await contender.client.delete(node)
            state.value = nil
            throw error
        }
    }

    public func release() async throws {
        guard let node = state.value else { return }
        try await contender.client.delete(node)
        state.value = nil
    }

    /// Runs `body` holding the lock, releasing it afterwards.
    public func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await body()
            try await release()
            return result
        } catch {
            try? await release()
            throw error
        }
    }
}

/// Leader election: the contender with the lowest node leads until its
/// session ends or it resigns; the next in line is told.
public final class LeaderElection: Sendable {
    private let contender: SequentialContender
    private let state = LockedBox<String?>(nil)

    public init(client: ZooKeeperClient, path: String) {
        contender = SequentialContender(client: client, directory: path, prefix: "n_")
    }

    /// Joins the election with `data` (e.g. this process's address) and
    /// returns once this client is the leader.
    public func awaitLeadership(data: [UInt8] = []) async throws {
        let node = try await contender.enter(tag: "_c_\(UUID().uuidString)", data: data)
        state.value = node
        try await contender.waitUntilFirst(node)
    }

    /// The current leader's data, or nil when nobody runs.
    public func leaderData() async throws -> [UInt8]? {
        let children = try await contender.client.getChildren(contender.directory)
            .filter { SequentialContender.sequence(of: $0) != nil }
            .sorted { SequentialContender.sequence(of: $0)! < SequentialContender.sequence(of: $1)! }
        guard let first = children.first else { return nil }
        return try await contender.client.getData("\(contender.directory)/\(first)").data
    }

    /// Leaves the election (stepping down if leading).
    public func resign() async throws {
        guard let node = state.value else { return }
        try await contender.client.delete(node)
        state.value = nil
    }
}

/// A value behind a lock, for the recipes' small mutable state.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
