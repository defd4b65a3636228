import NIOCore

/// Snappy as snappy-java's SnappyOutputStream frames it (Java's
/// `zookeeper.snapshot.compression.method=snappy`): a 16-byte header (magic,
/// version 1, compatible version 1), then blocks of at most 32 KiB, each a
/// big-endian length and a raw Snappy block.
public enum Snappy {
    public static let magic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let blockSize = 32 * 1024

    public static func compress(_ input: ByteBuffer) -> ByteBuffer {
        var output = ByteBuffer()
        output.writeBytes(magic)
        output.writeInteger(Int32(1))
        output.writeInteger(Int32(1))
        var block = [UInt8]()
        input.withUnsafeReadableBytes { source in
            var start = 0
            while start < source.count {
                let end = min(start + blockSize, source.count)
                block.removeAll(keepingCapacity: true)
                compressBlock(UnsafeRawBufferPointer(rebasing: source[start..<end]), into: &block)
                output.writeInteger(Int32(block.count))
                output.writeBytes(block)
                start = end
            }
        }
        return output
    }

    public static func decompress(_ input: ByteBuffer, limit: Int = .max) throws(StorageFormatError) -> ByteBuffer {
        var input = input
        guard input.readBytes(length: 8) == magic, let version = input.readInteger(as: Int32.self),
              input.readInteger(as: Int32.self) != nil else {
            throw StorageFormatError(.badMagic, offset: 0, detail: "not a snappy-java stream")
        }
        guard version >= 1 else { throw StorageFormatError(.badCompression, offset: 8, detail: "snappy stream version \(version)") }
        var output = ByteBuffer()
        while input.readableBytes > 0 {
            let offset = input.readerIndex
            guard let length = input.readInteger(as: Int32.self), length >= 0, let block = input.readSlice(length: Int(length)) else {
                throw StorageFormatError(.truncated, offset: offset, detail: "a snappy block ends early")
            }
            do throws(SnappyBlockError) {
                try decompressBlock(block, into: &output, limit: limit)
            } catch {
                throw StorageFormatError(.badCompression, offset: offset, detail: "snappy block: \(error.reason)")
            }
        }
        return output
    }

    struct SnappyBlockError: Error { var reason: String }

    /// One raw block: the length as a varint, then literals and back-references.
    static func decompressBlock(_ block: ByteBuffer, into output: inout ByteBuffer, limit: Int) throws(SnappyBlockError) {
        try block.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(SnappyBlockError) in
            var index = 0
            func byte() throws(SnappyBlockError) -> Int {
                guard index < bytes.count else { throw SnappyBlockError(reason: "ends inside an element") }
                defer { index += 1 }
                return Int(bytes[index])
            }
            var expected = 0
            var shift = 0
            while true {
                let next = try byte()
                expected |= (next & 0x7F) << shift
                if next & 0x80 == 0 { break }
                shift += 7
                guard shift <= 28 else { throw SnappyBlockError(reason: "length varint too long") }
            }
            guard output.readableBytes + expected <= limit else { throw SnappyBlockError(reason: "decompresses past the limit") }
            let start = output.writerIndex
            output.reserveCapacity(minimumWritableBytes: expected)
            while index < bytes.count {
                let tag = try byte()
                var length: Int
                var distance: Int
                switch tag & 3 {
                case 0:
                    length = tag >> 2
                    if length >= 60 {
                        let extra = length - 59
                        length = 0
                        for position in 0..<extra { length |= try byte() << (8 * position) }
                    }
                    length += 1
                    guard index + length <= bytes.count else { throw SnappyBlockError(reason: "literal past the end") }
                    output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]))
                    index += length
                    continue
                case 1:
                    length = 4 + ((tag >> 2) & 7)
                    distance = ((tag >> 5) << 8) | (try byte())
                case 2:
                    length = (tag >> 2) + 1
                    distance = try byte() | (try byte() << 8)
                default:
                    length = (tag >> 2) + 1
                    distance = try byte() | (try byte() << 8) | (try byte() << 16) | (try byte() << 24)
                }
                let produced = output.writerIndex - start
                guard distance > 0, distance <= produced else { throw SnappyBlockError(reason: "copy from before the block") }
                guard produced + length <= expected else { throw SnappyBlockError(reason: "more bytes than the block declares") }
                // Byte by byte: a copy may overlap what it is writing.
                for _ in 0..<length {
                    let value = output.getInteger(at: output.writerIndex - distance, as: UInt8.self)!
                    output.writeInteger(value)
                }
            }
            guard output.writerIndex - start == expected else { throw SnappyBlockError(reason: "fewer bytes than the block declares") }
        }
    }

    /// Greedy matching on a hash of four bytes, as the reference encoder does
    /// (with less effort spent skipping incompressible input).
    static func compressBlock(_ source: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var length = source.count
        while length >= 0x80 {
            output.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        func load(_ at: Int) -> UInt32 { source.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
        func literal(_ from: Int, _ to: Int) {
            guard to > from else { return }
            let count = to - from - 1
            if count < 60 {
                output.append(UInt8(count << 2))
            } else {
                var bytes = 0
                var rest = count
                while rest > 0 { bytes += 1; rest >>= 8 }
                output.append(UInt8((59 + bytes) << 2))
                for position in 0..<bytes { output.append(UInt8(truncatingIfNeeded: count >> (8 * position))) }
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[from..<to]))
        }
        var table = [Int32](repeating: -1, count: 1 << 14)
        var index = 0
        var pending = 0
        while index + 4 <= source.count {
            let word = load(index)
            let slot = Int((word &* 0x1E35_A7BD) >> 18)
            let candidate = Int(table[slot])
            table[slot] = Int32(index)
            guard candidate >= 0, index - candidate <= 0xFFFF, load(candidate) == word else {
                index += 1
                continue
            }
            literal(pending, index)
            var matched = 4
            while index + matched < source.count, source[candidate + matched] == source[index + matched] { matched += 1 }
            let distance = index - candidate
            var remaining = matched
            while remaining > 0 {
                let piece = min(remaining, 64)
                output.append(UInt8(((piece - 1) << 2) | 2))
                output.append(UInt8(distance & 0xFF))
                output.append(UInt8(distance >> 8))
                remaining -= piece
            }
            index += matched
            pending = index
        }
        literal(pending, source.count)
    }
}
