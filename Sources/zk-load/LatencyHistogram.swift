/// Latencies in nanoseconds in fixed log-linear buckets: exact below 128 ns,
/// then 64 buckets per power of two (under 1.6% error), up to 2^64 ns.
/// Recording never allocates; percentiles walk the buckets once.
struct LatencyHistogram {
    private static let subBucketBits = 6
    private static let subBuckets = 1 << subBucketBits
    private static let bucketCount = (64 - subBucketBits) * subBuckets + subBuckets

    private var counts: [UInt64]
    private(set) var count: UInt64 = 0
    private(set) var maxNanoseconds: UInt64 = 0
    private var sumNanoseconds: UInt64 = 0

    init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    mutating func record(nanoseconds value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        count &+= 1
        sumNanoseconds &+= value
        if value > maxNanoseconds { maxNanoseconds = value }
    }

    var meanNanoseconds: Double { count == 0 ? 0 : Double(sumNanoseconds) / Double(count) }

    /// The value at `quantile` (0...1): the middle of the bucket holding the
    /// ceil(quantile * count)-th smallest sample, never above the maximum.
    func nanoseconds(atQuantile quantile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((quantile * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return min(Self.middle(of: i), maxNanoseconds) }
        }
        return maxNanoseconds
    }

    /// Values below 2 * subBuckets have their own bucket; above, the top
    /// subBucketBits + 1 bits of the value pick one.
    static func index(of value: UInt64) -> Int {
        if value < UInt64(2 * subBuckets) { return Int(value) }
        let shift = (63 - value.leadingZeroBitCount) - subBucketBits
        return shift * subBuckets + Int(value >> UInt64(shift))
    }

    static func middle(of index: Int) -> UInt64 {
        if index < 2 * subBuckets { return UInt64(index) }
        let shift = index / subBuckets - 1
        let mantissa = UInt64(index % subBuckets + subBuckets)
        return (mantissa << UInt64(shift)) + (UInt64(1) << UInt64(shift)) / 2
    }
}
