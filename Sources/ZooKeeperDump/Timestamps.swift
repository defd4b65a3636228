import ZooKeeperPCAP

extension CaptureTimestamp {
    /// ISO-8601 in UTC with microseconds: `2026-11-20T09:14:03.123456Z`.
    public var iso8601: String {
        secondPrefix + "." + six(Int(nanoseconds / 1000)) + "Z"
    }

    /// `2026-11-20T09:14:03`: the part that many consecutive messages share.
    var secondPrefix: String {
        let days = seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(year)-\(two(month))-\(two(day))T\(two(Int(secondOfDay / 3600))):\(two(Int(secondOfDay % 3600 / 60)))"
            + ":\(two(Int(secondOfDay % 60)))"
    }

    /// Microseconds from `earlier` to this time.
    public func micros(since earlier: CaptureTimestamp) -> Int64 {
        (seconds - earlier.seconds) * 1_000_000 + (Int64(nanoseconds) - Int64(earlier.nanoseconds)) / 1000
    }
}

/// ISO-8601 in UTC with milliseconds, for the millisecond times ZooKeeper stores.
public func iso8601(milliseconds: Int64) -> String {
    // Floor division that cannot overflow, whatever a damaged file holds.
    let seconds = milliseconds / 1000 - (milliseconds % 1000 < 0 ? 1 : 0)
    let millis = (milliseconds % 1000 + 1000) % 1000
    let full = CaptureTimestamp(seconds: seconds, nanoseconds: UInt32(millis) * 1_000_000).iso8601
    return String(full.dropLast(4)) + "Z"
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
private func civilDate(daysSinceEpoch: Int64) -> (Int64, Int, Int) {
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
    let month = Int(mp < 10 ? mp + 3 : mp - 9)
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
func six(_ n: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

/// Formats capture times, remembering the last second's text: a capture's
/// messages come in time order, so most share it.
public struct TimestampFormatter: Sendable {
    private var second: Int64 = .min
    private var prefix = ""

    public init() {}

    public mutating func iso8601(_ time: CaptureTimestamp) -> String {
        if time.seconds != second {
            second = time.seconds
            prefix = time.secondPrefix
        }
        return prefix + "." + six(Int(time.nanoseconds / 1000)) + "Z"
    }
}
