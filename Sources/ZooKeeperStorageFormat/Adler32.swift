import NIOCore

/// The Adler-32 checksum (RFC 1950), as `java.util.zip.Adler32` computes it.
/// ZooKeeper uses it to guard txn log records and snapshot files; it detects
/// accidents, not tampering.
public struct Adler32: Hashable, Sendable {
    private static let modulus: UInt32 = 65521
    /// The most bytes that can be summed before `b` could overflow 32 bits.
    private static let blockSize = 5552

    private var a: UInt32 = 1
    private var b: UInt32 = 0

    public init() {}

    /// The checksum so far; Java's `getValue()` returns the same number as a long.
    public var value: UInt32 { (b << 16) | a }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            let end = min(index + Self.blockSize, bytes.count)
            var a = self.a
            var b = self.b
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            self.a = a % Self.modulus
            self.b = b % Self.modulus
        }
    }

    /// Adds the readable bytes of `buffer`.
    public mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { update($0) }
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        var adler = Adler32()
        adler.update(buffer)
        return adler.value
    }
}
