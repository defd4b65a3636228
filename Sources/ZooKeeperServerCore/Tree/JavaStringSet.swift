/// A set of strings that iterates in the order `java.util.HashSet<String>` does.
///
/// Java's server answers getChildren and getEphemerals with its HashSet's
/// iteration order, and clients see that order on the wire. Keeping the same
/// buckets (String.hashCode spread as HashMap does, power-of-two tables that
/// double past a 0.75 load) gives the same bytes. Java turns buckets of more
/// than eight colliding names into trees, which can reorder them; names that
/// collide that often are not worth the complexity.
public struct JavaStringSet: Sendable, Sequence {
    private var buckets: [[String]]
    public private(set) var count: Int = 0

    /// `initialCapacity` as passed to Java's constructor (`new HashSet<>(8)` for children).
    /// Nothing is allocated until the first insert: most nodes are leaves.
    public init(initialCapacity: Int = 16) {
        var capacity = 1
        while capacity < initialCapacity { capacity <<= 1 }
        buckets = []
        self.initialCapacity = Int32(capacity)
    }

    private let initialCapacity: Int32

    public var isEmpty: Bool { count == 0 }

    public func contains(_ element: String) -> Bool {
        guard !buckets.isEmpty else { return false }
        return buckets[Self.index(of: element, tableSize: buckets.count)].contains(element)
    }

    /// Returns false when the element was there already.
    @discardableResult
    public mutating func insert(_ element: String) -> Bool {
        if buckets.isEmpty { buckets = Array(repeating: [], count: Int(initialCapacity)) }
        let index = Self.index(of: element, tableSize: buckets.count)
        if buckets[index].contains(element) { return false }
        buckets[index].append(element)
        count += 1
        if count > buckets.count * 3 / 4 { grow() }
        return true
    }

    @discardableResult
    public mutating func remove(_ element: String) -> Bool {
        guard !buckets.isEmpty else { return false }
        let index = Self.index(of: element, tableSize: buckets.count)
        guard let position = buckets[index].firstIndex(of: element) else { return false }
        buckets[index].remove(at: position)
        count -= 1
        return true
    }

    /// Java splits each bucket in two keeping relative order; re-inserting in
    /// iteration order into a table twice the size gives the same buckets.
    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: [], count: old.count * 2)
        for bucket in old {
            for element in bucket {
                buckets[Self.index(of: element, tableSize: buckets.count)].append(element)
            }
        }
    }

    public func makeIterator() -> FlattenSequence<[[String]]>.Iterator {
        buckets.joined().makeIterator()
    }

    /// `HashMap.hash`: the String hash with its high half folded into the low.
    static func index(of element: String, tableSize: Int) -> Int {
        let h = javaHashCode(element)
        let spread = h ^ (h >> 16)
        return Int(spread & UInt32(tableSize - 1))
    }

    /// `String.hashCode`: over UTF-16 code units, wrapping.
    public static func javaHashCode(_ string: String) -> UInt32 {
        var h: UInt32 = 0
        for unit in string.utf16 { h = h &* 31 &+ UInt32(unit) }
        return h
    }
}
