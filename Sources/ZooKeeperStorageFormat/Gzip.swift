import CZlib
import NIOCore

/// Gzip streams through the system zlib: what `java.util.zip.GZIPOutputStream`
/// writes and `GZIPInputStream` reads (members one after another are read
/// as one stream, as Java reads them).
public enum Gzip {
    /// Compresses `input` into one gzip member at zlib's default level (Java's too).
    public static func compress(_ input: ByteBuffer) -> ByteBuffer {
        var stream = z_stream()
        // 15 window bits, +16 for a gzip header and trailer instead of zlib's.
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
        defer { deflateEnd(&stream) }
        var output = ByteBuffer()
        let bound = Int(deflateBound(&stream, uLong(input.readableBytes)))
        output.reserveCapacity(bound)
        input.withUnsafeReadableBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(source.count)
            var result = Z_OK
            while result != Z_STREAM_END {
                output.reserveCapacity(minimumWritableBytes: max(bound - output.readableBytes, 1 << 16))
                let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { target in
                    stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(target.count)
                    result = deflate(&stream, Z_FINISH)
                    return target.count - Int(stream.avail_out)
                }
                precondition(result == Z_OK || result == Z_STREAM_END || (result == Z_BUF_ERROR && written == 0),
                             "deflate failed: \(result)")
            }
        }
        return output
    }

    /// Decompresses every member of a gzip stream.
    public static func decompress(_ input: ByteBuffer, limit: Int = .max) throws(StorageFormatError) -> ByteBuffer {
        var output = ByteBuffer()
        var failure: StorageFormatError?
        input.withUnsafeReadableBytes { source in
            var offset = 0
            repeat {
                var stream = z_stream()
                guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                    failure = StorageFormatError(.badCompression, offset: offset, detail: "zlib could not start inflating")
                    return
                }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress! + offset)
                stream.avail_in = uInt(source.count - offset)
                var result = Z_OK
                while result != Z_STREAM_END {
                    if output.readableBytes > limit {
                        failure = StorageFormatError(.badCompression, offset: offset, detail: "decompresses to more than \(limit) bytes")
                        return
                    }
                    output.reserveCapacity(minimumWritableBytes: max(source.count * 2, 1 << 16))
                    output.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { target in
                        stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                        stream.avail_out = uInt(target.count)
                        result = inflate(&stream, Z_NO_FLUSH)
                        return target.count - Int(stream.avail_out)
                    }
                    if result == Z_BUF_ERROR && stream.avail_in == 0 {
                        failure = StorageFormatError(.truncated, offset: source.count, detail: "the gzip stream ends early")
                        return
                    }
                    guard result == Z_OK || result == Z_STREAM_END else {
                        let message = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                        failure = StorageFormatError(.badCompression, offset: offset + Int(stream.total_in), detail: "gzip: \(message)")
                        return
                    }
                }
                offset += Int(stream.total_in)
            } while offset < source.count
        }
        if let failure { throw failure }
        return output
    }
}
