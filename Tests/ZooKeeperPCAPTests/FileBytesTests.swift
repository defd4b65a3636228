import NIOCore
import Testing
@testable import ZooKeeperPCAP

@Suite("File bytes")
struct FileBytesTests {
    @Test("slices past 16 MiB come from chunks and hold the file's bytes, in any order")
    func slicesBeyondTheDirectLimit() {
        let size = FileBytes.directSliceLimit + 3 * FileBytes.chunkSize + 12_345
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
        var file = FileBytes(bytes)
        let expected = file.buffer
        let ranges: [(Int, Int)] = [
            (0, 100), (FileBytes.directSliceLimit - 50, 50), (FileBytes.directSliceLimit - 50, 100),
            (FileBytes.directSliceLimit + 10, 1000), (FileBytes.directSliceLimit + 2000, 10),
            (FileBytes.directSliceLimit + FileBytes.chunkSize - 5, 20),  // across the chunk's end
            (FileBytes.directSliceLimit + 100, 30),  // back before the current chunk
            (FileBytes.directSliceLimit + 2 * FileBytes.chunkSize, 2 * FileBytes.chunkSize),  // longer than a chunk
            (size - 1, 1), (size, 0),
        ]
        for (offset, length) in ranges {
            let slice = file.slice(at: offset, length: length)
            #expect(slice == expected.getSlice(at: offset, length: length), "offset \(offset), length \(length)")
        }
        #expect(file.slice(at: size - 1, length: 2) == nil)
        #expect(file.slice(at: -1, length: 1) == nil)
    }
}
