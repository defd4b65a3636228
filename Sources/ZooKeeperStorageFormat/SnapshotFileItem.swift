import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// A checksum written into a snapshot file (`SnapStream.sealStream`): the
/// Adler-32 of every byte before it, as a long, then the string "/".
///
/// 3.8 seals the tree and, with digests enabled (the default), writes the
/// zxid digest and seals again; 3.9 may add the last processed zxid and a
/// third seal.
public struct SnapshotSeal: Hashable, Sendable {
    public enum Section: Hashable, Sendable {
        /// The seal right after the tree; nothing before it but the header and body.
        case tree
        case digest(SnapshotZxidDigest)
        case lastProcessedZxid(Int64)
    }

    /// What was written between the previous seal and this one.
    public var section: Section
    public var checksum: Int64

    public init(section: Section, checksum: Int64) {
        self.section = section
        self.checksum = checksum
    }

    /// The marker string after each checksum.
    public static let marker = "/"
}

/// One piece of a snapshot file, in file order.
public enum SnapshotFileItem: Hashable, Sendable {
    case header(FileHeader)
    case body(SnapshotBodyItem)
    case seal(SnapshotSeal)

    /// Writes the item as it stands, the stored checksum included.
    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .header(let header):
            buffer.writeJuteRecord(header)
        case .body(let item):
            item.write(to: &buffer)
        case .seal(let seal):
            seal.section.write(to: &buffer)
            buffer.writeJuteLong(seal.checksum)
            buffer.writeJuteUString(SnapshotSeal.marker)
        }
    }
}

extension SnapshotSeal.Section {
    func write(to buffer: inout ByteBuffer) {
        switch self {
        case .tree: break
        case .digest(let digest): digest.write(to: &buffer)
        case .lastProcessedZxid(let zxid): buffer.writeJuteLong(zxid)
        }
    }
}
