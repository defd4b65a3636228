import NIOCore

/// The text Java keeps in `zookeeper_limits` and `zookeeper_stats` nodes
/// (StatsTrack): `count=N,bytes=M`, then any other keys sorted, each after `;`,
/// behind an extra `=` that old parsers ignore. Missing values read as -1.
public struct QuotaStats: Equatable, Sendable {
    public var values: [String: Int64] = [:]

    public init() {}

    public init(_ text: String) {
        for pair in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { continue }
            values[String(parts[0])] = parts[1].isEmpty ? -1 : Int64(parts[1]) ?? -1
        }
    }

    public init(_ data: ByteBuffer?) {
        self.init(data.map { String(buffer: $0) } ?? "")
    }

    public subscript(key: String) -> Int64 {
        get { values[key] ?? -1 }
        set { values[key] = newValue }
    }

    public var count: Int64 { get { self["count"] } set { self["count"] = newValue } }
    public var bytes: Int64 { get { self["bytes"] } set { self["bytes"] = newValue } }
    public var countHardLimit: Int64 { self["countHardLimit"] }
    public var byteHardLimit: Int64 { self["byteHardLimit"] }

    public var text: String {
        var text = "count=\(count),bytes=\(bytes)"
        let others = values.keys.filter { $0 != "count" && $0 != "bytes" }.sorted()
        if !others.isEmpty {
            text += "="
            for key in others { text += ";\(key)=\(values[key]!)" }
        }
        return text
    }
}

extension DataTree {
    public static let limitNode = "zookeeper_limits"
    public static let statNode = "zookeeper_stats"

    /// The deepest path with a quota that contains `path` (Java's
    /// getMaxPrefixWithQuota); nil when none does.
    public func quotaPrefix(of path: String) -> String? {
        var best: String?
        for prefix in quotaPaths where prefix != "/" && !prefix.isEmpty {
            if path == prefix || path.hasPrefix(prefix + "/") {
                if best == nil || prefix.count > best!.count { best = prefix }
            }
        }
        return best
    }

    /// Adds the change to the stats node of the quota containing `path`,
    /// without touching its stat (Java writes the data in place).
    mutating func updateQuota(for path: String, bytes: Int64, count: Int64) {
        guard let prefix = quotaPrefix(of: path),
              let node = nodes[Self.quotaPath + prefix + "/" + Self.statNode] else { return }
        var stats = QuotaStats(node.data)
        stats.count += count
        stats.bytes += bytes
        node.data = ByteBuffer(string: stats.text)
    }

    /// Recounts a quota's subtree into its stats node, as Java does when the
    /// stats node is created.
    mutating func recountQuota(_ path: String) {
        guard let node = nodes[Self.quotaPath + path + "/" + Self.statNode] else { return }
        var count: Int64 = 0, bytes: Int64 = 0
        var stack = [path]
        while let current = stack.popLast() {
            guard let visited = nodes[current] else { continue }
            count += 1
            bytes += Int64(visited.dataLength)
            for child in visited.children { stack.append(current == "/" ? "/" + child : current + "/" + child) }
        }
        var stats = QuotaStats()
        stats.count = count
        stats.bytes = bytes
        node.data = ByteBuffer(string: stats.text)
    }

    /// Java's checkQuota: nil when within the hard limits (soft limits only log).
    public func quotaExceeded(path: String, bytesDiff: Int64, countDiff: Int64) -> Bool {
        guard let prefix = quotaPrefix(of: path),
              let limitNode = nodes[Self.quotaPath + prefix + "/" + Self.limitNode] else { return false }
        let limits = QuotaStats(limitNode.data)
        let checkCount = countDiff != 0 && (limits.count > -1 || limits.countHardLimit > -1)
        let checkBytes = bytesDiff != 0 && (limits.bytes > -1 || limits.byteHardLimit > -1)
        guard checkCount || checkBytes,
              let statNode = nodes[Self.quotaPath + prefix + "/" + Self.statNode] else { return false }
        let current = QuotaStats(statNode.data)
        if checkCount && limits.countHardLimit > -1 && current.count + countDiff > limits.countHardLimit { return true }
        if checkBytes && limits.byteHardLimit > -1 && current.bytes + bytesDiff > limits.byteHardLimit { return true }
        return false
    }
}
