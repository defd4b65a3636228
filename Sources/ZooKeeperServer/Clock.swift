#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ZooKeeperServerCore

/// The two clocks the request logic is given: monotonic for expiry, wall for znode times.
enum ServerClock {
    static func now() -> Instant {
        Instant(monotonic: milliseconds(CLOCK_MONOTONIC), wall: milliseconds(CLOCK_REALTIME))
    }

    private static func milliseconds(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
