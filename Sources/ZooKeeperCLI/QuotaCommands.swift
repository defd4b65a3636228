import ZooKeeperClient
import ZooKeeperProtocol

/// A quota node's text as Java 3.8's StatsTrack writes and reads it:
/// "count=C,bytes=B" first, then, when there are other keys, a stray "="
/// (which marks the newer format) and ";key=value" sorted by key.
struct QuotaStats: Equatable {
    var values: [String: Int64] = [:]

    init(count: Int64 = -1, bytes: Int64 = -1) {
        values = ["count": count, "bytes": bytes]
    }

    init(parsing text: String) {
        for pair in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: true)
            if parts.count >= 2, let value = Int64(parts[1]) { values[String(parts[0])] = value }
        }
    }

    var text: String {
        var result = "count=\(values["count"] ?? -1),bytes=\(values["bytes"] ?? -1)"
        let extra = values.keys.filter { $0 != "count" && $0 != "bytes" }.sorted()
        if !extra.isEmpty { result += "=" + extra.map { ";\($0)=\(values[$0]!)" }.joined() }
        return result
    }
}

/// setquota, listquota and delquota, after Java 3.8's SetQuotaCommand,
/// ListQuotaCommand and DelQuotaCommand (quota nodes under /zookeeper/quota).
extension CommandRunner {
    static let quotaRoot = "/zookeeper/quota"
    /// Option letter to StatsTrack key.
    static let quotaKeys: [(String, String)] = [("n", "count"), ("b", "bytes"), ("N", "countHardLimit"), ("B", "byteHardLimit")]

    func setQuota(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        var limits = QuotaStats()
        limits.values["countHardLimit"] = -1
        limits.values["byteHardLimit"] = -1
        var given = false
        for (letter, key) in Self.quotaKeys {
            guard let text = try args.option(letter) else { continue }
            guard let value = Int64(text) else {
                // Java prints this and returns: no CliException, exit status 0.
                throw UsageError(text: "NumberFormatException happens when parsing the option value", exitCode: 0)
            }
            limits.values[key] = value
            given = true
        }
        guard given else {
            throw UsageError(text: "org.apache.commons.cli.MissingOptionException: Missing required option: [-n num soft quota, -b bytes soft quota, -N num hard quota, -B bytes hard quota]")
        }
        guard let path = args.next() else { throw UsageError(text: "setquota -n|-b|-N|-B val path") }
        if path.hasPrefix(Self.quotaRoot) {
            output.err += "cannot set a quota under the path: \(Self.quotaRoot)\n"
            return
        }
        if path.hasSuffix("/") { throw UsageError(text: "Path must not end with / character") }
        guard try await client.exists(path) != nil else { throw UsageError(text: "\(path) does not exist.") }
        try await checkNoQuotaBelow(path)
        try await checkNoQuotaAbove(path)
        var node = Self.quotaRoot
        for part in path.split(separator: "/") {
            node += "/\(part)"
            try await createIfMissing(node, data: nil)
        }
        let limitPath = node + "/zookeeper_limits"
        do {
            try await client.create(limitPath, data: Array(limits.text.utf8))
            try await client.create(node + "/zookeeper_stats", data: Array(QuotaStats(count: 0, bytes: 0).text.utf8))
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            // An existing quota keeps the limits this command does not set.
            var current = QuotaStats(parsing: String(decoding: try await client.getData(limitPath).data ?? [], as: UTF8.self))
            for (key, value) in limits.values where value != -1 { current.values[key] = value }
            try await client.setData(limitPath, data: Array(current.text.utf8))
        }
    }

    func listQuota(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        guard let path = args.next() else { throw UsageError(text: "listquota path") }
        let limitPath = Self.quotaRoot + path + "/zookeeper_limits"
        output.err += "absolute path is \(limitPath)\n"
        do {
            let limits = try await client.getData(limitPath).data ?? []
            output.out += "Output quota for \(path) \(QuotaStats(parsing: String(decoding: limits, as: UTF8.self)).text)\n"
            let stats = try await client.getData(Self.quotaRoot + path + "/zookeeper_stats").data ?? []
            output.out += "Output stat for \(path) \(QuotaStats(parsing: String(decoding: stats, as: UTF8.self)).text)\n"
        } catch let error as ZooKeeperError where error.code == .noNode {
            output.err += "quota for \(path) does not exist.\n"
        }
    }

    func delQuota(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        let cleared = Self.quotaKeys.filter { args.flag($0.0) }.map(\.1)
        guard let path = args.next() else { throw UsageError(text: "delquota [-n|-b|-N|-B] path") }
        let parent = Self.quotaRoot + path
        let limitPath = parent + "/zookeeper_limits"
        guard try await client.exists(limitPath) != nil else {
            output.out += "Quota does not exist for \(path)\n"
            return
        }
        if cleared.isEmpty {
            for child in try await client.getChildren(parent) { try await client.delete(parent + "/" + child) }
            // Then the quota tree's nodes left empty, up to /zookeeper/quota.
            var node = parent
            while node != Self.quotaRoot, try await client.getChildren(node).isEmpty {
                try await client.delete(node)
                node = String(node[..<node.lastIndex(of: "/")!])
            }
        } else {
            var limits = QuotaStats(parsing: String(decoding: try await client.getData(limitPath).data ?? [], as: UTF8.self))
            for key in cleared { limits.values[key] = -1 }
            try await client.setData(limitPath, data: Array(limits.text.utf8))
        }
    }

    private func createIfMissing(_ path: String, data: [UInt8]?) async throws {
        do {
            try await client.create(path, data: data)
        } catch let error as ZooKeeperError where error.code == .nodeExists {}
    }

    /// No node below `path` may have a quota of its own.
    private func checkNoQuotaBelow(_ path: String) async throws {
        let top = Self.quotaRoot + path
        var pending = [top]
        while let node = pending.popLast() {
            let children: [String]
            do { children = try await client.getChildren(node) } catch let error as ZooKeeperError where error.code == .noNode { continue }
            if node != top, children.contains("zookeeper_limits") {
                throw UsageError(text: "\(path) has a child \(node.dropFirst(Self.quotaRoot.count)) which has a quota")
            }
            pending += children.map { "\(node)/\($0)" }
        }
    }

    /// Nor any node above it.
    private func checkNoQuotaAbove(_ path: String) async throws {
        var node = Self.quotaRoot
        for part in path.split(separator: "/") {
            node += "/\(part)"
            let children: [String]
            do { children = try await client.getChildren(node) } catch let error as ZooKeeperError where error.code == .noNode { return }
            if children.isEmpty { return }
            if node != Self.quotaRoot + path, children.contains("zookeeper_limits") {
                throw UsageError(text: "\(path) has a parent \(node.dropFirst(Self.quotaRoot.count)) which has a quota")
            }
        }
    }
}
