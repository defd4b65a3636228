#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Reads a whole file into one ByteBuffer with plain read(2): no intermediate Data copy.
private let systemRead = read

enum FileReading {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws -> ByteBuffer {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "\(path): cannot open (errno \(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(description: "\(path): cannot stat (errno \(errno))") }
        var buffer = ByteBufferAllocator().buffer(capacity: max(0, Int(info.st_size)))
        while true {
            if buffer.writableBytes == 0 { buffer.reserveCapacity(minimumWritableBytes: 1 << 20) }
            var count = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { raw in
                count = systemRead(fd, raw.baseAddress, raw.count)
                return max(0, count)  // a failed read writes nothing
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(path): read failed (errno \(errno))")
            }
            if count == 0 { return buffer }
        }
    }
}
