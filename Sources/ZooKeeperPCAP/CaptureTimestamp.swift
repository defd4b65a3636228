/// A capture timestamp with nanosecond resolution, independent of the file's own resolution.
///
/// Kept as integers (not `Double`/`Date`) so ordering and equality are exact and the module
/// stays free of clocks and Foundation.
public struct CaptureTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second, always `0..<1_000_000_000`.
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        // Normalise so that comparison on (seconds, nanoseconds) is meaningful.
        self.seconds = seconds &+ Int64(nanoseconds / 1_000_000_000)
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    public static let zero = CaptureTimestamp(seconds: 0, nanoseconds: 0)

    public static func < (lhs: CaptureTimestamp, rhs: CaptureTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// This time moved `nanoseconds` earlier, saturating at the earliest representable time.
    func earlier(byNanoseconds nanoseconds: Int64) -> CaptureTimestamp {
        let delay = max(0, nanoseconds)
        var seconds = self.seconds.subtractingReportingOverflow(delay / 1_000_000_000)
        var nanos = Int64(self.nanoseconds) - delay % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds = seconds.partialValue.subtractingReportingOverflow(1)
        }
        guard !seconds.overflow else { return CaptureTimestamp(seconds: .min, nanoseconds: 0) }
        return CaptureTimestamp(seconds: seconds.partialValue, nanoseconds: UInt32(nanos))
    }

    public var description: String {
        let fraction = String(self.nanoseconds)
        let padded = String(repeating: "0", count: 9 - fraction.count) + fraction
        return "\(self.seconds).\(padded)"
    }

    /// Converts `units` ticks of `1/unitsPerSecond` seconds, without overflow for any input.
    static func fromTicks(_ units: UInt64, unitsPerSecond: UInt64, offsetSeconds: Int64 = 0) -> CaptureTimestamp {
        guard unitsPerSecond > 0 else { return CaptureTimestamp(seconds: offsetSeconds, nanoseconds: 0) }
        let whole = units / unitsPerSecond
        let fraction = units % unitsPerSecond
        let nanos: UInt64
        if unitsPerSecond <= 1_000_000_000, 1_000_000_000 % unitsPerSecond == 0 {
            // Micro- and nanoseconds, the usual cases: exact, and cheap for every packet.
            nanos = fraction * (1_000_000_000 / unitsPerSecond)
        } else {
            // fraction * 1e9 may exceed 64 bits for fine resolutions; use a 128-bit intermediate.
            let product = fraction.multipliedFullWidth(by: 1_000_000_000)
            nanos = unitsPerSecond.dividingFullWidth(product).quotient
        }
        let seconds = Int64(clamping: whole) &+ offsetSeconds
        return CaptureTimestamp(seconds: seconds, nanoseconds: UInt32(truncatingIfNeeded: nanos))
    }
}
