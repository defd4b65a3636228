/// Connections to small integers (slots of an array of per-connection state), for the lookups
/// made for every packet and every stream event.
///
/// Open addressing with linear probing and a multiplicative hash of the endpoints' words: a
/// `Dictionary` hashes every lookup with SipHash, which cost more than the rest of the lookup.
/// Removal shifts the following entries back, so no tombstones accumulate.
package struct ConnectionTable: Sendable {
    private struct Entry: Sendable {
        var id: ConnectionID
        /// The slot; negative for an empty entry.
        var value: Int
    }

    private static let empty = Entry(
        id: ConnectionID(client: TCPEndpoint(address: .v4(0), port: 0), server: TCPEndpoint(address: .v4(0), port: 0), initiatorKnown: false),
        value: -1)

    private var entries: [Entry]
    private var mask: Int
    package private(set) var count = 0

    package init() {
        self.entries = Array(repeating: Self.empty, count: 64)
        self.mask = 63
    }

    private func home(_ id: ConnectionID) -> Int {
        var word = id.client.hashWord &* 0x9E37_79B9_7F4A_7C15 ^ id.server.hashWord ^ (id.initiatorKnown ? 1 : 0)
        word = (word ^ word >> 31) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: word >> 32) & self.mask
    }

    package subscript(id: ConnectionID) -> Int? {
        var index = self.home(id)
        while self.entries[index].value >= 0 {
            if self.entries[index].id == id { return self.entries[index].value }
            index = (index + 1) & self.mask
        }
        return nil
    }

    /// Sets `id`'s slot (`value` >= 0), replacing any it had.
    package mutating func set(_ value: Int, for id: ConnectionID) {
        precondition(value >= 0, "slots are not negative")
        if (self.count + 1) * 2 > self.entries.count { self.grow() }
        var index = self.home(id)
        while self.entries[index].value >= 0 {
            if self.entries[index].id == id {
                self.entries[index].value = value
                return
            }
            index = (index + 1) & self.mask
        }
        self.entries[index] = Entry(id: id, value: value)
        self.count += 1
    }

    /// Removes `id`, returning its slot if it had one.
    package mutating func removeValue(for id: ConnectionID) -> Int? {
        var hole = self.home(id)
        while self.entries[hole].value >= 0, self.entries[hole].id != id {
            hole = (hole + 1) & self.mask
        }
        let value = self.entries[hole].value
        guard value >= 0 else { return nil }
        // Move back each following entry of the run whose home is not after the hole.
        var next = (hole + 1) & self.mask
        while self.entries[next].value >= 0 {
            let home = self.home(self.entries[next].id)
            if (next - home) & self.mask >= (next - hole) & self.mask {
                self.entries[hole] = self.entries[next]
                hole = next
            }
            next = (next + 1) & self.mask
        }
        self.entries[hole] = Self.empty
        self.count -= 1
        return value
    }

    private mutating func grow() {
        let old = self.entries
        self.entries = Array(repeating: Self.empty, count: old.count * 2)
        self.mask = self.entries.count - 1
        self.count = 0
        for entry in old where entry.value >= 0 {
            self.set(entry.value, for: entry.id)
        }
    }
}
