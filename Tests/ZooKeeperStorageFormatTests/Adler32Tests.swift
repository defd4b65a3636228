import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperStorageFormat

@Suite struct Adler32Tests {
    @Test func knownValues() {
        // java.util.zip.Adler32 of nothing is 1; of "Wikipedia" is 0x11E60398 (RFC 1950 example).
        #expect(Adler32().value == 1)
        #expect(Adler32.checksum(ByteBuffer(string: "Wikipedia")) == 0x11E6_0398)
        #expect(Adler32.checksum(ByteBuffer(string: "abc")) == 0x024D_0127)
    }

    @Test func longInputMatchesTheDefinition() {
        // Past the 5552-byte block where the sums must be reduced.
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(Adler32.checksum(ByteBuffer(bytes: bytes)) == (b << 16 | a))
        // Chunked updates give the same value.
        var chunked = Adler32()
        for chunk in stride(from: 0, to: bytes.count, by: 777) {
            chunked.update(bytes[chunk..<min(chunk + 777, bytes.count)])
        }
        #expect(chunked.value == (b << 16 | a))
    }
}
