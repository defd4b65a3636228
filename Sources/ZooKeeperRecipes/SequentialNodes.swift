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
