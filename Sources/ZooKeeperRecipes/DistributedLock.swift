import Foundation
import ZooKeeperClient

/// A fair, exclusive lock shared by every client that names the same
/// directory: each contender creates an ephemeral sequential node and holds
/// the lock while its node is the lowest. Waiters watch only the node just
/// before theirs, so a release wakes one client. A lost session releases the
/// lock (the node is ephemeral): `untilLost()` tells the holder.
public final class DistributedLock: Sendable {
    private let contender: SequentialContender
    private let entered = LockedBox<String?>(nil)
    private let held = LockedBox<SequentialContender.Held?>(nil)

    public init(client: ZooKeeperClient, path: String) {
        contender = SequentialContender(client: client, directory: path, prefix: "lock-")
    }

    /// The node that holds (or waits for) the lock, while there is one.
    public var node: String? { entered.value }

    /// Waits until this client holds the lock. Cancelling the task withdraws.
    /// With a renewing client, an expiry while waiting re-enters the queue.
    public func acquire() async throws {
        held.value = try await contender.hold(tag: "_c_\(UUID().uuidString)", data: []) { entered.value = $0 }
    }

    /// Whether the lock is held now: acquired, not released, and the session
    /// that acquired it still alive.
    public var isHeld: Bool {
        get async {
            guard let held = held.value else { return false }
            return await contender.isHeld(held)
        }
    }

    /// Returns once the session that acquired the lock has ended, i.e. the
    /// lock is lost (at once when it is not held).
    public func untilLost() async {
        guard let held = held.value else { return }
        await contender.untilLost(held)
    }

    /// Releases the lock; throws SessionExpired when it was already lost
    /// with its session.
    public func release() async throws {
        guard let node = entered.value else { return }
        let lock = held.value
        entered.value = nil
        held.value = nil
        if let lock, await !contender.isHeld(lock) { throw ZooKeeperError(.sessionExpired, path: node) }
        try await contender.client.delete(node)
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
    private let entered = LockedBox<String?>(nil)
    private let held = LockedBox<SequentialContender.Held?>(nil)

    public init(client: ZooKeeperClient, path: String) {
        contender = SequentialContender(client: client, directory: path, prefix: "n_")
    }

    /// Joins the election with `data` (e.g. this process's address) and
    /// returns once this client is the leader. With a renewing client, an
    /// expiry while waiting rejoins.
    public func awaitLeadership(data: [UInt8] = []) async throws {
        held.value = try await contender.hold(tag: "_c_\(UUID().uuidString)", data: data) { entered.value = $0 }
    }

    /// Returns once the session that won leadership has ended; the leader
    /// should then stop acting as one (and may call awaitLeadership again).
    public func untilLeadershipLost() async {
        guard let held = held.value else { return }
        await contender.untilLost(held)
    }

    /// Whether this client leads now (its winning session still alive).
    public var isLeader: Bool {
        get async {
            guard let held = held.value else { return false }
            return await contender.isHeld(held)
        }
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
        guard let node = entered.value else { return }
        entered.value = nil
        held.value = nil
        do {
            try await contender.client.delete(node)
        } catch let error as ZooKeeperError where error.code == .noNode {}
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
    /// A read-modify-write under one hold of the lock.
    func mutate<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
}
