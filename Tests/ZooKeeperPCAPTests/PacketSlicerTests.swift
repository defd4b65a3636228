import NIOCore
import Testing
@testable import ZooKeeperPCAP

@Suite("Packet slicer")
struct PacketSlicerTests {
    @Test("slices past 16 MiB come from chunks and hold the file's bytes, in any order")
    func slicesBeyondTheDirectLimit() {
        let size = PacketSlicer.directSliceLimit + 3 * PacketSlicer.chunkSize + 12_345
        var bytes = ByteBufferAllocator().buffer(capacity: size + 7)
        bytes.writeBytes([1, 2, 3, 4, 5, 6, 7])  // a file that does not start at the buffer's first byte
        bytes.moveReaderIndex(forwardBy: 7)
        // A pattern that differs from chunk to chunk, written a page at a time (this runs unoptimised).
        let page = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var written = 0
        while written < size {
            let count = min(page.count, size - written)
            let rotation = (written >> 12) % 7
            bytes.writeBytes(page[rotation..<count])
            bytes.writeBytes(page[0..<rotation])
            written += count
        }
        let file = FileBytes(bytes)
        var slicer = PacketSlicer()
        let expected = file.buffer
        let ranges: [(Int, Int)] = [
            (0, 100), (PacketSlicer.directSliceLimit - 50, 50), (PacketSlicer.directSliceLimit - 50, 100),
            (PacketSlicer.directSliceLimit + 10, 1000), (PacketSlicer.directSliceLimit + 2000, 10),
            (PacketSlicer.directSliceLimit + PacketSlicer.chunkSize - 5, 20),  // across the chunk's end
            (PacketSlicer.directSliceLimit + 100, 30),  // back before the current chunk
            (PacketSlicer.directSliceLimit + 2 * PacketSlicer.chunkSize, 2 * PacketSlicer.chunkSize),  // longer than a chunk
            (size - 1, 1), (size, 0),
        ]
        for (offset, length) in ranges {
            let slice = slicer.slice(of: file, at: offset, length: length)
            #expect(slice == expected.getSlice(at: offset, length: length), "offset \(offset), length \(length)")
        }
        #expect(slicer.slice(of: file, at: size - 1, length: 2) == nil)
        #expect(slicer.slice(of: file, at: -1, length: 1) == nil)
    }
}
