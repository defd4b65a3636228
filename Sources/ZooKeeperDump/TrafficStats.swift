/// What `zkdump stats` counts, fed one record at a time.
public struct TrafficStats: Sendable {
    public struct Group: Sendable {
        public var count = 0
        public var errors = 0
        public var latencies: [Int64] = []

        /// The value below which `fraction` of the latencies fall (nearest rank).
        public func percentile(_ fraction: Double) -> Int64? {
            percentiles([fraction])[0]
        }

        /// Several percentiles from one sort of the latencies.
        public func percentiles(_ fractions: [Double]) -> [Int64?] {
            guard !latencies.isEmpty else { return fractions.map { _ in nil } }
            let sorted = latencies.sorted()
            return fractions.map { fraction in
                let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
                return sorted[min(max(rank, 0), sorted.count - 1)]
            }
        }
    }

    /// How many path components the per-prefix table keeps.
    public var prefixDepth: Int
    public private(set) var byOp: [String: Group] = [:]
    public private(set) var byPrefix: [String: Group] = [:]
    public private(set) var byClient: [String: Group] = [:]
    public private(set) var errors: [String: Int] = [:]
    public private(set) var events: [String: Int] = [:]
    public private(set) var kinds: [String: Int] = [:]
    public private(set) var notifications = 0
    /// Votes seen per proposed leader id.
    public private(set) var votes: [Int64: Int] = [:]
    /// The servers that sent LEADERINFO: the leaders that took office.
    public private(set) var leaders: Set<String> = []
    public private(set) var unanswered: [String: Int] = [:]

    public init(prefixDepth: Int = 1) {
        self.prefixDepth = prefixDepth
    }

    public mutating func add(_ record: TrafficRecord) {
        kinds[record.kind, default: 0] += 1
        switch record.kind {
        case "response":
            let op = record.op ?? "?"
            let failed = record.err.map { $0 != .ok } ?? false
            update(&byOp[op, default: Group()], record, failed)
            if let path = record.path { update(&byPrefix[prefix(path), default: Group()], record, failed) }
            update(&byClient[record.dst, default: Group()], record, failed)
            if let err = record.err, err != .ok { errors[err.name ?? "\(err.rawValue)", default: 0] += 1 }
        case "event":
            if case .string(let type)? = record.fields["event_type"] { events[type, default: 0] += 1 }
        case "election" where record.op == "notification":
            notifications += 1
            if case .int(let leader)? = record.fields["leader"] { votes[leader, default: 0] += 1 }
        case "quorum" where record.op == "LEADERINFO":
            leaders.insert(record.src)
        case "unanswered":
            unanswered[record.op ?? "?", default: 0] += 1
        default:
            break
        }
    }

    private func update(_ group: inout Group, _ record: TrafficRecord, _ failed: Bool) {
        group.count += 1
        if failed { group.errors += 1 }
        if let latency = record.latencyMicros { group.latencies.append(latency) }
    }

    /// `/a/b/c` at depth 1 is `/a`.
    func prefix(_ path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).prefix(prefixDepth)
        return "/" + components.joined(separator: "/")
    }

    /// The report as text tables.
    public var text: String {
        var out: [String] = []
        out.append("messages by kind: " + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        out += table("op", byOp)
        out += table("path prefix", byPrefix)
        out += table("client", byClient)
        out.append("errors: " + (errors.isEmpty ? "none" : errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        out.append("watch events: " + (events.isEmpty ? "none" : events.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        out.append("unanswered: " + (unanswered.isEmpty ? "none" : unanswered.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        out.append("election notifications: \(notifications); votes by proposed leader: "
            + (votes.isEmpty ? "none" : votes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
        out.append("leaders seen (sent LEADERINFO): " + (leaders.isEmpty ? "none" : leaders.sorted().joined(separator: ", ")))
        return out.joined(separator: "\n")
    }

    private func table(_ title: String, _ groups: [String: Group]) -> [String] {
        guard !groups.isEmpty else { return ["by \(title): none"] }
        var rows = [["by \(title)", "count", "errors", "p50 µs", "p90 µs", "p99 µs", "max µs"]]
        for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
            let cell = { (value: Int64?) in value.map(String.init) ?? "-" }
            let p = group.percentiles([0.5, 0.9, 0.99, 1])
            rows.append([key, "\(group.count)", "\(group.errors)", cell(p[0]), cell(p[1]), cell(p[2]), cell(p[3])])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? cell + String(repeating: " ", count: widths[column] - cell.count)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }

    /// The report as one JSON object.
    public var json: JSONLine {
        var line = JSONLine()
        var kindsLine = JSONLine()
        for (key, value) in kinds.sorted(by: { $0.key < $1.key }) { kindsLine.set(key, value) }
        line.set("kinds", kindsLine)
        line.set("by_op", groupsJSON(byOp))
        line.set("by_prefix", groupsJSON(byPrefix))
        line.set("by_client", groupsJSON(byClient))
        line.set("errors", counts(errors))
        line.set("events", counts(events))
        line.set("unanswered", counts(unanswered))
        line.set("notifications", notifications)
        var votesLine = JSONLine()
        for (leader, count) in votes.sorted(by: { $0.key < $1.key }) { votesLine.set("\(leader)", count) }
        line.set("votes", votesLine)
        line.set("leaders", .array(leaders.sorted().map(JSONLine.Value.string)))
        return line
    }

    private func counts(_ values: [String: Int]) -> JSONLine {
        var line = JSONLine()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { line.set(key, value) }
        return line
    }

    private func groupsJSON(_ groups: [String: Group]) -> JSONLine {
        var line = JSONLine()
        for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
            var entry = JSONLine()
            entry.set("count", group.count)
            entry.set("errors", group.errors)
            let p = group.percentiles([0.5, 0.9, 0.99, 1])
            for (name, value) in zip(["p50_us", "p90_us", "p99_us", "max_us"], p) {
                entry.set(name, value.map(JSONLine.Value.int) ?? .null)
            }
            line.set(key, entry)
        }
        return line
    }
}
