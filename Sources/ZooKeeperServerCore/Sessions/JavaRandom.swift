/// `java.util.Random`'s 48-bit linear congruential generator, bit for bit:
/// Java derives a session's password from it, seeded with the session id.
struct JavaRandom {
    private var seed: UInt64
    private static let multiplier: UInt64 = 0x5_DEEC_E66D
    private static let mask: UInt64 = (1 << 48) - 1

    init(seed: Int64) {
        self.seed = (UInt64(bitPattern: seed) ^ Self.multiplier) & Self.mask
    }

    mutating func next(bits: Int) -> Int32 {
        seed = (seed &* Self.multiplier &+ 0xB) & Self.mask
        return Int32(truncatingIfNeeded: Int64(bitPattern: seed << 16) >> (64 - bits))
    }

    mutating func nextInt() -> Int32 { next(bits: 32) }

    /// `nextBytes`: each int fills up to four bytes, low byte first.
    mutating func nextBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var value = nextInt()
            for _ in 0..<min(4, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        return bytes
    }
}

extension JavaRandom {
    /// ZooKeeperServer's superSecret.
    static let passwordSecret: Int64 = 0xB341_5C00

    /// The 16-byte password Java gives session `id`.
    static func sessionPassword(for id: Int64) -> [UInt8] {
        var random = JavaRandom(seed: id ^ passwordSecret)
        return random.nextBytes(16)
    }
}
