import NIOCore

/// How a snapshot file is compressed, as Java's SnapStream decides it: by
/// `zookeeper.snapshot.compression.method` when writing, by the file name's
/// last extension when reading (`snapshot.5a.gz`). The Adler-32 seals cover
/// the uncompressed bytes either way.
public enum SnapshotCompression: String, Sendable, CaseIterable {
    case none = ""
    case gzip = "gz"
    case snappy = "snappy"

    /// StreamMode.fromString: case-insensitive; anything unknown means none.
    public init(method: String) {
        self = Self.allCases.first { $0.rawValue.lowercased() == method.lowercased() } ?? .none
    }

    /// StreamMode from the last dot-separated part of a file name.
    public init(fileName: String) {
        let parts = fileName.split(separator: ".", omittingEmptySubsequences: false)
        self = parts.count > 1 ? Self(method: String(parts.last!)) : .none
    }

    /// What the file name ends with: "", ".gz" or ".snappy".
    public var fileExtension: String { rawValue.isEmpty ? "" : "." + rawValue }

    public func compress(_ bytes: ByteBuffer) -> ByteBuffer {
        switch self {
        case .none: bytes
        case .gzip: Gzip.compress(bytes)
        case .snappy: Snappy.compress(bytes)
        }
    }

    /// `limit` bounds the uncompressed size, so a small file cannot claim gigabytes.
    public func decompress(_ bytes: ByteBuffer, limit: Int = .max) throws(StorageFormatError) -> ByteBuffer {
        switch self {
        case .none: bytes
        case .gzip: try Gzip.decompress(bytes, limit: limit)
        case .snappy: try Snappy.decompress(bytes, limit: limit)
        }
    }
}
