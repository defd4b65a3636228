/// A connection's identities in the order Java keeps them: a set backed by a
/// ConcurrentHashMap, so whoAmI and the `auth` ACL expansion list them by
/// hash bucket, not by when they were added.
public struct ConnectionIdentities: Sendable, Equatable {
    public private(set) var all: [AuthIdentity] = []

    public init(_ identities: [AuthIdentity] = []) {
        for identity in identities { insert(identity) }
    }

    public mutating func insert(_ identity: AuthIdentity) {
        guard !all.contains(identity) else { return }
        all.append(identity)
        // Stable: equal buckets keep insertion order, as a bin's list does.
        let size = Self.tableSize(for: all.count)
        all = all.enumerated().sorted {
            let a = Self.bucket($0.element, size), b = Self.bucket($1.element, size)
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
    }

    /// ConcurrentHashMap starts at 16 bins and doubles at three quarters full.
    static func tableSize(for count: Int) -> Int {
        var size = 16
        while count >= size - size / 4 { size *= 2 }
        return size
    }

    static func bucket(_ identity: AuthIdentity, _ size: Int) -> Int {
        let h = hashCode(identity)
        let spread = (h ^ (h >> 16)) & 0x7fff_ffff
        return Int(spread & UInt32(size - 1))
    }

    /// The jute-generated Id.hashCode: 37 × (37 × 17 + scheme) + id.
    static func hashCode(_ identity: AuthIdentity) -> UInt32 {
        let scheme = JavaStringSet.javaHashCode(identity.scheme)
        let id = JavaStringSet.javaHashCode(identity.id)
        return (37 &* (37 &* 17 &+ scheme)) &+ id
    }
}
