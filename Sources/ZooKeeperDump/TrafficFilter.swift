/// zkdump's `--path-prefix`, `--op`, `--session` and `--kind` filters. Empty
/// sets let everything through; set filters must all match.
public struct TrafficFilter: Sendable {
    public var pathPrefix: String?
    public var ops: Set<String>
    public var sessions: Set<Int64>
    public var kinds: Set<String>

    public init(pathPrefix: String? = nil, ops: Set<String> = [], sessions: Set<Int64> = [], kinds: Set<String> = []) {
        self.pathPrefix = pathPrefix
        self.ops = ops
        self.sessions = sessions
        self.kinds = kinds
    }

    public func matches(_ record: TrafficRecord) -> Bool {
        if let pathPrefix, !(record.path?.hasPrefix(pathPrefix) ?? false) { return false }
        if !ops.isEmpty, !(record.op.map(ops.contains) ?? false) { return false }
        if !sessions.isEmpty, !(record.session.map(sessions.contains) ?? false) { return false }
        if !kinds.isEmpty, !kinds.contains(record.kind) { return false }
        return true
    }

    /// Parses a session id as zkdump prints it (`0x…`) or in decimal.
    public static func parseSession(_ text: String) -> Int64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt64(text.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) }
        }
        return Int64(text)
    }
}
