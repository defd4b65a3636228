import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A whole snapshot file held in memory.
public struct SnapshotFile: Hashable, Sendable {
    public var header: FileHeader
    public var body: SnapshotBody
    /// Present when the writer had `zookeeper.digest.enabled` (3.6+ default).
    public var digest: SnapshotZxidDigest?
    /// Present in 3.9 snapshots written with the last processed zxid.
    public var lastProcessedZxid: Int64?

    public init(
        header: FileHeader = FileHeader(magic: FileMagic.snapshot, version: FileMagic.version, dbid: FileMagic.snapshotDbid),
        body: SnapshotBody,
        digest: SnapshotZxidDigest? = nil,
        lastProcessedZxid: Int64? = nil
    ) {
        self.header = header
        self.body = body
        self.digest = digest
        self.lastProcessedZxid = lastProcessedZxid
    }

    /// Decodes a complete file, verifying every seal.
    public init(decoding file: ByteBuffer, limits: JuteLimits = .default) throws(StorageFormatError) {
        var buffer = file
        var decoder = SnapshotFileDecoder(limits: limits)
        var header: FileHeader?
        var body = SnapshotBody()
        var digest: SnapshotZxidDigest?
        var zxid: Int64?
        while let item = try decoder.next(from: &buffer, endOfInput: true) {
            switch item {
            case .header(let value): header = value
            case .body(let value): body.append(value)
            case .seal(let seal):
                switch seal.section {
                case .tree: break
                case .digest(let value): digest = value
                case .lastProcessedZxid(let value): zxid = value
                }
            }
        }
        // endOfInput makes the decoder throw rather than stop short, so the header is there.
        self.init(header: header!, body: body, digest: digest, lastProcessedZxid: zxid)
    }

    /// The file's bytes, each seal computed as `FileSnap.serialize` computes it.
    public func encode() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeJuteRecord(header)
        body.write(to: &buffer)
        var sections: [SnapshotSeal.Section] = [.tree]
        if let digest { sections.append(.digest(digest)) }
        if let lastProcessedZxid { sections.append(.lastProcessedZxid(lastProcessedZxid)) }
        for section in sections {
            section.write(to: &buffer)
            // Each seal covers every byte before it, earlier seals included.
            buffer.writeJuteLong(Int64(Adler32.checksum(buffer)))
            buffer.writeJuteUString(SnapshotSeal.marker)
        }
        return buffer
    }
}
