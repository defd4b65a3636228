/// Server-wide counters for `srvr`, `stat` and `mntr`: Java's ServerStats
/// (packets, request latency, client response sizes) and the ServerMetrics
/// this server can measure. `srst` starts them over (ServerStats.reset also
/// resets every metric).
struct ServerCounters: Sendable {
    var received = 0
    var sent = 0
    /// ServerStats.requestLatency: every request FinalRequestProcessor answers.
    var requestLatency = LatencySummary()
    /// ServerMetrics READ_LATENCY / UPDATE_LATENCY: requests without / with a txn header.
    var readLatency = LatencySummary(keepsSamples: true)
    var updateLatency = LatencySummary(keepsSamples: true)
    /// BufferStats over the length of every reply and notification frame.
    var lastResponseSize = -1
    var minResponseSize = -1
    var maxResponseSize = -1
    /// BYTES_RECEIVED_COUNT: frame lengths plus their 4-byte prefix; 4 per word.
    var bytesReceived = 0
    /// RESPONSE_BYTES: reply frame lengths (notifications not included).
    var responseBytes = 0
    /// WATCH_BYTES: notification frame lengths.
    var watchBytes = 0
    /// CONNECTION_REQUEST_COUNT: ConnectRequests read.
    var connectionRequests = 0
    var authFailed = 0

    /// A frame written to a client: replies and notifications go through
    /// ServerCnxn.sendResponse (sizes counted), the ConnectResponse does not.
    enum Frame { case reply, event, other }

    /// ServerCnxn.packetSent, and the size statistics of sendResponse.
    mutating func countSent(_ frame: Frame, length: Int) {
        sent += 1
        switch frame {
        case .reply:
            recordResponseSize(length)
            responseBytes += length
        case .event:
            recordResponseSize(length)
            watchBytes += length
        case .other:
            break
        }
    }

    /// BufferStats.setLastBufferSize.
    mutating func recordResponseSize(_ size: Int) {
        lastResponseSize = size
        if minResponseSize == -1 || size < minResponseSize { minResponseSize = size }
        if size > maxResponseSize { maxResponseSize = size }
    }

    /// Adds another set of counters (one connection's batch) to these.
    mutating func merge(_ other: ServerCounters) {
        received += other.received
        sent += other.sent
        requestLatency.merge(other.requestLatency)
        readLatency.merge(other.readLatency)
        updateLatency.merge(other.updateLatency)
        if other.lastResponseSize != -1 { lastResponseSize = other.lastResponseSize }
        if other.minResponseSize != -1 && (minResponseSize == -1 || other.minResponseSize < minResponseSize) {
            minResponseSize = other.minResponseSize
        }
        maxResponseSize = Swift.max(maxResponseSize, other.maxResponseSize)
        bytesReceived += other.bytesReceived
        responseBytes += other.responseBytes
        watchBytes += other.watchBytes
        connectionRequests += other.connectionRequests
        authFailed += other.authFailed
    }

    /// ServerStats.updateLatency: one latency in ms, counted as a write when the
    /// request carries a txn header in Java.
    mutating func recordLatency(_ latency: Int64, isWrite: Bool) {
        guard latency >= 0 else { return }
        requestLatency.add(latency)
        if isWrite { updateLatency.add(latency) } else { readLatency.add(latency) }
    }
}

/// Java's AvgMinMaxCounter, and with samples AvgMinMaxPercentileCounter
/// (a uniform reservoir of 1028 values, Dropwizard's quantile rule).
struct LatencySummary: Sendable {
    private(set) var total: Int64 = 0
    private(set) var count: Int64 = 0
    private var minimum = Int64.max
    private var maximum = Int64.min
    private var samples: [Int64] = []
    private let keepsSamples: Bool
    /// A cheap generator: the system one costs a getrandom call per request.
    private var generator = SplitMix64(seed: 0x5A17_C0DE)

    static let reservoirSize = 1028

    init(keepsSamples: Bool = false) { self.keepsSamples = keepsSamples }

    mutating func add(_ value: Int64) {
        total += value
        count += 1
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        guard keepsSamples else { return }
        if samples.count < Self.reservoirSize {
            samples.append(value)
        } else {
            let slot = Int64.random(in: 0..<count, using: &generator)
            if slot < Int64(Self.reservoirSize) { samples[Int(slot)] = value }
        }
    }

    /// Adds another summary: totals and extremes exactly, its samples into
    /// the reservoir as if they had arrived one by one.
    mutating func merge(_ other: LatencySummary) {
        guard other.count > 0 else { return }
        total += other.total
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        let before = count
        count += other.count
        guard keepsSamples else { return }
        for (offset, value) in other.samples.enumerated() {
            if samples.count < Self.reservoirSize {
                samples.append(value)
            } else {
                let slot = Int64.random(in: 0..<(before + Int64(offset) + 1), using: &generator)
                if slot < Int64(Self.reservoirSize) { samples[Int(slot)] = value }
            }
        }
    }

    var min: Int64 { minimum == .max ? 0 : minimum }
    var max: Int64 { maximum == .min ? 0 : maximum }

    /// Rounded to 4 places, half up (BigDecimal.setScale(4, HALF_UP)).
    var average: Double {
        guard count > 0 else { return 0 }
        let value = Double(total) / Double(count)
        return (value * 10_000).rounded(.toNearestOrAwayFromZero) / 10_000
    }

    /// Snapshot.getValue(quantile), then Math.round.
    func percentile(_ quantile: Double) -> Int64 {
        guard !samples.isEmpty else { return 0 }
        let values = samples.sorted()
        let position = quantile * Double(values.count + 1)
        let index = Int(position)
        let value: Double
        if index < 1 {
            value = Double(values[0])
        } else if index >= values.count {
            value = Double(values[values.count - 1])
        } else {
            let lower = Double(values[index - 1]), upper = Double(values[index])
            value = lower + (position - position.rounded(.down)) * (upper - lower)
        }
        return Int64((value + 0.5).rounded(.down))
    }
}

/// SplitMix64: statistically good enough for reservoir sampling, and free.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
