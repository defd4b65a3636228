import ZooKeeperClient
import ZooKeeperProtocol

/// The shared step of the lock and election recipes: an ephemeral sequential
/// node under a directory, ordered by its sequence number, each contender
/// watching only its predecessor (no herd effect when a node goes away).
struct SequentialContender: Sendable {
    let client: ZooKeeperClient
    let directory: String
    let prefix: String

    /// Creates the node, tagged with `tag` so it can be found again if the
    /// create's reply is lost with the connection.
    func enter(tag: String, data: [UInt8]) async throws -> String {
        try await ensureDirectory()
        let name = "\(tag)-\(prefix)"
        do {
            return try await client.create("\(directory)/\(name)", data: data, mode: .ephemeralSequential)
        } catch let error as ZooKeeperError where error.code == .connectionLoss {
            // The create may have happened: look for our tag before trying again.
            for _ in 0..<10 {
                do {
                    if let mine = try await client.getChildren(directory).first(where: { $0.hasPrefix(name) }) {
                        return "\(directory)/\(mine)"
                    }
                    return try await client.create("\(directory)/\(name)", data: data, mode: .ephemeralSequential)
                } catch let error as ZooKeeperError where error.code == .connectionLoss {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            throw error
        }
    }

    /// A node that came first, and the session that owns it (its
    /// ephemeralOwner): held while that session lives.
    struct Held: Sendable {
        var node: String
        var owner: Int64
    }

    /// Enters and waits until first; `entered` learns the node as soon as
    /// it exists (so it can be withdrawn). When the session expires while
    /// waiting and the client renews it, the old node is gone: enter again.
    func hold(tag: String, data: [UInt8], entered: (String?) -> Void) async throws -> Held {
        while true {
            let node = try await enter(tag: tag, data: data)
            entered(node)
            do {
                try await waitUntilFirst(node)
                if let stat = try await client.exists(node) { return Held(node: node, owner: stat.ephemeralOwner) }
                throw ZooKeeperError(.noNode, path: node)
            } catch let error as ZooKeeperError
                where client.renewsExpiredSession && (error.code == .sessionExpired || error.code == .noNode)
            {
                entered(nil)
                try Task.checkCancellation()
            } catch {
                try? await client.delete(node)
                entered(nil)
                throw error
            }
        }
    }

    /// Whether the session that owns `held` is still the client's, alive.
    func isHeld(_ held: Held) async -> Bool {
        let state = await client.state
        guard state != .expired && state != .closed && state != .authFailed else { return false }
        return await client.sessionId == held.owner
    }

    /// Returns once the session owning `held` has ended (Expired, Closed,
    /// AuthFailed, or replaced by a renewed one).
    func untilLost(_ held: Held) async {
        for await state in client.states() {
            if state == .expired || state == .closed || state == .authFailed { return }
            if await client.sessionId != held.owner { return }
        }
    }

    /// Returns when `node` is the lowest; until then waits on its predecessor.
    func waitUntilFirst(_ node: String) async throws {
        let name = String(node.split(separator: "/").last!)
        while true {
            let children = try await client.getChildren(directory)
                .filter { Self.sequence(of: $0) != nil }
                .sorted { Self.sequence(of: $0)! < Self.sequence(of: $1)! }
            guard let index = children.firstIndex(of: name) else { throw ZooKeeperError(.noNode, path: node) }
            if index == 0 { return }
            let watcher = await client.makeWatcher()
            defer { client.dropWatcher(watcher) }
            guard try await client.exists("\(directory)/\(children[index - 1])", watcher: watcher) != nil else { continue }
            for await event in watcher.events where event.type == .nodeDeleted || event.state == .expired {
                if event.state == .expired { throw ZooKeeperError(.sessionExpired, path: node) }
                break
            }
            try Task.checkCancellation()
        }
    }

    func ensureDirectory() async throws {
        var path = ""
        for part in directory.split(separator: "/") {
            path += "/\(part)"
            do {
                try await client.create(path)
            } catch let error as ZooKeeperError where error.code == .nodeExists {}
        }
    }

    /// The 10-digit counter ZooKeeper appends to sequential names.
    static func sequence(of name: String) -> Int? {
        guard name.count >= 10 else { return nil }
        return Int(name.suffix(10))
    }
}
