import Testing
@testable import ZooKeeperPCAP

@Suite("Connection table")
struct ConnectionTableTests {
    static func id(_ n: Int, v6: Bool = false, initiatorKnown: Bool = true) -> ConnectionID {
        let client = v6
            ? TCPEndpoint(address: .v6(high: 0x2001_0db8 << 32, low: UInt64(n % 7)), port: UInt16(32768 + n % 1000))
            : TCPEndpoint(address: .ipv4(10, 0, UInt8(n / 1000 % 256), UInt8(n % 250)), port: UInt16(32768 + n % 1000))
        return ConnectionID(client: client, server: TCPEndpoint(address: .ipv4(10, 0, 0, 1), port: 2181), initiatorKnown: initiatorKnown)
    }

    @Test("behaves like a dictionary through inserts, replacements, removals and growth")
    func matchesDictionary() {
        var table = ConnectionTable()
        var model: [ConnectionID: Int] = [:]
        var random = CaptureStreamsTests.Random(state: 0x1234_5678_9ABC_DEF1)
        for step in 0..<20_000 {
            // Few distinct keys, so removals hit present keys and probe runs wrap and shift.
            let key = Self.id(random.below(600), v6: random.below(4) == 0, initiatorKnown: random.below(2) == 0)
            switch random.below(3) {
            case 0:
                table.set(step, for: key)
                model[key] = step
            case 1:
                #expect(table.removeValue(for: key) == model.removeValue(forKey: key))
            default:
                #expect(table[key] == model[key])
            }
            #expect(table.count == model.count)
        }
        for (key, value) in model {
            #expect(table[key] == value)
        }
    }
}
