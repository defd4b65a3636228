/// The iteration order of a `java.util.HashMap<String, ?>`.
///
/// Java's client lists its watched paths from HashMaps when it re-sets watches
/// after a reconnect, so the order of paths in SetWatches is the map's order:
/// by bucket (the spread String.hashCode masked by the table size), then by
/// insertion within a bucket. The table starts at 16 buckets, doubles once it
/// holds more than three quarters of that, and never shrinks.
struct JavaHashOrderedKeys: Sendable {
    private var sequence: [String: Int] = [:]
    private var nextSequence = 0
    private(set) var capacity = 16

    var isEmpty: Bool { sequence.isEmpty }
    var count: Int { sequence.count }

    func contains(_ key: String) -> Bool { sequence[key] != nil }

    mutating func insert(_ key: String) {
        guard sequence[key] == nil else { return }
        sequence[key] = nextSequence
        nextSequence += 1
        if sequence.count > capacity * 3 / 4 { capacity *= 2 }
    }

    mutating func remove(_ key: String) {
        sequence[key] = nil
    }

    /// The keys as Java's `new ArrayList<>(map.keySet())` would list them.
    var ordered: [String] {
        let mask = Int32(capacity - 1)
        return sequence.map { (key: $0.key, bucket: Self.spread(Self.javaHashCode($0.key)) & mask, seq: $0.value) }
            .sorted { $0.bucket != $1.bucket ? $0.bucket < $1.bucket : $0.seq < $1.seq }
            .map(\.key)
    }

    /// `String.hashCode`: over UTF-16 code units, wrapping.
    static func javaHashCode(_ s: String) -> Int32 {
        var h: Int32 = 0
        for unit in s.utf16 { h = h &* 31 &+ Int32(unit) }
        return h
    }

    /// `HashMap.hash`: the high half folded into the low half.
    static func spread(_ h: Int32) -> Int32 {
        h ^ Int32(bitPattern: UInt32(bitPattern: h) >> 16)
    }
}
