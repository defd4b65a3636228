import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperStorageFormat

/// Compressed snapshots as Java's SnapStream names, writes and reads them.
@Suite struct SnapshotCompressionTests {
    @Test func modeComesFromTheLastExtension() {
        #expect(SnapshotCompression(fileName: "snapshot.5a") == .none)
        #expect(SnapshotCompression(fileName: "snapshot.5a.gz") == .gzip)
        #expect(SnapshotCompression(fileName: "snapshot.5a.SNAPPY") == .snappy)
        #expect(SnapshotCompression(fileName: "snapshot.5a.zip") == .none)
        #expect(SnapshotCompression(method: "GZ") == .gzip)
        #expect(SnapshotCompression(method: "lz4") == .none)
        #expect(SnapshotCompression.snappy.fileExtension == ".snappy")
    }

    static let samples: [ByteBuffer] = [
        ByteBuffer(),
        ByteBuffer(string: "a"),
        ByteBuffer(string: String(repeating: "/app/config/node-0000000001 ", count: 5000)),
        // Incompressible, and over one 32 KiB snappy block.
        ByteBuffer(bytes: (0..<100_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }),
    ]

    @Test(arguments: [SnapshotCompression.gzip, .snappy])
    func roundTrip(_ mode: SnapshotCompression) throws {
        for sample in Self.samples {
            let compressed = mode.compress(sample)
            #expect(try mode.decompress(compressed) == sample)
        }
        // Repetitive input actually shrinks.
        #expect(mode.compress(Self.samples[2]).readableBytes < Self.samples[2].readableBytes / 10)
    }

    /// Bytes from Python's gzip module (gzip.compress(b"zookeeper\\n", mtime=0)),
    /// and two members back to back, which Java's GZIPInputStream reads as one stream.
    @Test func gzipFromAnotherWriter() throws {
        let member: [UInt8] = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0xca, 0xcf, 0xcf, 0x4e, 0x4d,
            0x2d, 0x48, 0x2d, 0xe2, 0x02, 0x00, 0xb3, 0xa4, 0x55, 0xd0, 0x0a, 0x00, 0x00, 0x00,
        ]
        #expect(String(buffer: try Gzip.decompress(ByteBuffer(bytes: member))) == "zookeeper\n")
        #expect(String(buffer: try Gzip.decompress(ByteBuffer(bytes: member + member))) == "zookeeper\nzookeeper\n")
    }

    /// Raw blocks written by hand from the format description: a literal,
    /// then copies with one- and two-byte offsets that overlap their output.
    @Test func snappyBlocksFromTheFormat() throws {
        func decode(_ block: [UInt8]) throws -> String {
            var out = ByteBuffer()
            try Snappy.decompressBlock(ByteBuffer(bytes: block), into: &out, limit: .max)
            return String(buffer: out)
        }
        #expect(try decode([0x05, 0x10] + Array("hello".utf8)) == "hello")
        #expect(try decode([0x0c, 0x0c] + Array("abcd".utf8) + [0x11, 0x04]) == "abcdabcdabcd")
        #expect(try decode([0x0a, 0x00, 0x61, 0x22, 0x01, 0x00]) == "aaaaaaaaaa")
        #expect(throws: Snappy.SnappyBlockError.self) { try decode([0x08, 0x00, 0x61, 0x26, 0x05, 0x00]) }
        #expect(throws: Snappy.SnappyBlockError.self) { try decode([0x05, 0x10] + Array("hel".utf8)) }
    }

    @Test func damagedStreamsAreErrorsNotCrashes() throws {
        let plain = Self.samples[2]
        for mode in [SnapshotCompression.gzip, .snappy] {
            let compressed = mode.compress(plain)
            for cut in [1, 10, compressed.readableBytes / 2, compressed.readableBytes - 1] {
                #expect(throws: StorageFormatError.self) { try mode.decompress(compressed.getSlice(at: 0, length: cut)!) }
            }
            #expect(throws: StorageFormatError.self) { try mode.decompress(compressed, limit: 1000) }
        }
        #expect(throws: StorageFormatError.self) { try Snappy.decompress(ByteBuffer(string: "not snappy at all")) }
    }
}
