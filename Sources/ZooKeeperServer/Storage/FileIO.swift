#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A file error naming the file and what was being done.
public struct StorageError: Error, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }

    static func errno(_ path: String, _ action: String) -> StorageError {
        StorageError(path: path, message: "\(action) failed: \(String(cString: strerror(Glibc.errno)))")
    }
}

/// Thin POSIX file access: whole-file reads, appends, fsync. The txn log
/// needs fsync and sparse padding, which Foundation does not offer.
enum FileIO {
    static func readAll(_ path: String) throws -> ByteBuffer {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StorageError.errno(path, "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError.errno(path, "stat") }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw StorageError.errno(path, "read")
            }
            if count == 0 { break }
            buffer.writeBytes(chunk[0..<count])
        }
        return buffer
    }

    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && Glibc.errno != EEXIST {
                throw StorageError.errno(current, "mkdir")
            }
        }
    }

    /// Writes a whole file and fsyncs it and its directory.
    static func writeDurably(_ path: String, _ buffer: ByteBuffer) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StorageError.errno(path, "open") }
        defer { close(fd) }
        try writeAll(fd, buffer, path: path)
        guard fsync(fd) == 0 else { throw StorageError.errno(path, "fsync") }
        syncDirectory(of: path)
    }

    static func writeAll(_ fd: Int32, _ buffer: ByteBuffer, path: String) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if Glibc.errno == EINTR { continue }
                    throw StorageError.errno(path, "write")
                }
                offset += written
            }
        }
    }

    static func syncDirectory(of path: String) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func truncate(_ path: String, to length: Int) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw StorageError.errno(path, "truncate") }
    }
}
