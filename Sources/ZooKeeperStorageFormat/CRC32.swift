/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as
/// `java.util.zip.CRC32` computes it. ZooKeeper sums one per znode into the
/// tree digest that 3.6+ writes into txn logs and snapshots; gzip seals its
/// members with it.
public struct CRC32: Hashable, Sendable {
    /// Eight 256-entry tables back to back, so the loop folds eight bytes
    /// per step (slicing-by-8).
    /// Allocated once and never freed: a plain pointer costs no reference
    /// counting on every update, unlike an array.
    nonisolated(unsafe) private static let tables: UnsafePointer<UInt32> = {
        let tables = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        tables.initialize(repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return UnsafePointer(tables)
    }()

    private var crc: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// Java's `getValue()`, which returns it as a non-negative long.
    public var value: UInt32 { ~crc }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        var crc = self.crc
        let table = Self.tables
        @inline(__always) func t(_ slice: Int, _ index: UInt32) -> UInt32 { table[slice &* 256 &+ Int(index & 0xFF)] }
        var index = 0
        let count = bytes.count
        while count &- index >= 8 {
            let low = crc ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian
            let high = bytes.loadUnaligned(fromByteOffset: index &+ 4, as: UInt32.self).littleEndian
            crc = t(7, low) ^ t(6, low >> 8) ^ t(5, low >> 16) ^ t(4, low >> 24)
                ^ t(3, high) ^ t(2, high >> 8) ^ t(1, high >> 16) ^ t(0, high >> 24)
            index &+= 8
        }
        while index < count {
            crc = (crc >> 8) ^ t(0, crc ^ UInt32(bytes[index]))
            index &+= 1
        }
        self.crc = crc
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
