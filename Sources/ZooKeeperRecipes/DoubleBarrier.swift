import Foundation
import ZooKeeperClient
import ZooKeeperProtocol

/// A double barrier (ZooKeeper's recipes page, Curator's
/// DistributedDoubleBarrier): `enter` returns once `count` members have
/// entered, `leave` once every member has left. Each member is an ephemeral
/// node under the barrier's directory, so a lost session leaves for it; the
/// member that completes the group creates `ready`, which wakes the others.
public final class DoubleBarrier: Sendable {
    public let client: ZooKeeperClient
    public let path: String
    public let count: Int
    private let name: String
    private static let ready = "ready"

    public init(client: ZooKeeperClient, path: String, count: Int, member: String = UUID().uuidString) {
        self.client = client
        self.path = path
        self.count = count
        name = member
    }

    private var node: String { "\(path)/\(name)" }

    /// Joins and waits until `count` members have joined.
    /// With a renewing client, an expiry while waiting joins again (the
    /// member node went with the old session).
    public func enter() async throws {
        try await SequentialContender(client: client, directory: path, prefix: "").ensureDirectory()
        while true {
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            // The watch goes on first so the create of `ready` cannot slip by unseen.
            let readyExists = try await client.exists("\(path)/\(Self.ready)", watcher: watcher) != nil
            do {
                try await client.create(node, mode: .ephemeral)
            } catch let error as ZooKeeperError where error.code == .nodeExists {}
            if readyExists { return }
            if try await members().count >= count {
                do {
                    try await client.create("\(path)/\(Self.ready)")
                } catch let error as ZooKeeperError where error.code == .nodeExists {}
                return
            }
            if try await wait(on: watcher, for: .nodeCreated) { return }
        }
    }

    /// Leaves and waits until every member has left; `ready` is removed
    /// on the way out. A barrier path serves one round: use a fresh path
    /// (e.g. with a round number) for the next.
    public func leave() async throws {
        while true {
            let members = try await members().sorted()
            if members.isEmpty { break }
            if members == [name] {
                try await deleteIfPresent(node)
                break
            }
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            // The lowest waits for the highest to go; the others leave and wait
            // for the lowest, so each departure wakes one member.
            let target: String
            if members.first == name {
                target = members.last!
            } else {
                try await deleteIfPresent(node)
                target = members.first!
            }
            if try await client.exists("\(path)/\(target)", watcher: watcher) != nil {
                // Renewed or not, the members are read again.
                _ = try await wait(on: watcher, for: .nodeDeleted)
            }
        }
        try await deleteIfPresent("\(path)/\(Self.ready)")
    }

    /// The members now in the barrier.
    public func members() async throws -> [String] {
        try await client.getChildren(path).filter { $0 != Self.ready }
    }

    private func deleteIfPresent(_ path: String) async throws {
        do {
            try await client.delete(path)
        } catch let error as ZooKeeperError where error.code == .noNode {}
    }

    /// True when the event came; false when the session expired and the
    /// client renewed it (the watch is gone: look again).
    private func wait(on watcher: Watcher, for type: EventType) async throws -> Bool {
        for await event in watcher.events {
            if event.state == .expired {
                if client.renewsExpiredSession { return false }
                throw ZooKeeperError(.sessionExpired, path: path)
            }
            if event.type == type { return true }
        }
        try Task.checkCancellation()
        throw ZooKeeperError(.connectionLoss, path: path)
    }
}
