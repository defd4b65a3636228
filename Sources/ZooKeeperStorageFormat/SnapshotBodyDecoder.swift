import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// Decodes a snapshot body one item at a time, so a snapshot far larger than
/// what is buffered can be read as it arrives: from a snapshot file (see
/// `SnapshotFileDecoder`) or from the quorum stream after a SNAP packet.
///
/// `next` returns an item and consumes exactly its bytes, or returns nil and
/// consumes nothing when the buffer does not yet hold a whole item.
public struct SnapshotBodyDecoder: Sendable {
    private enum Phase: Hashable, Sendable {
        case sessionCount
        case sessions(left: Int32)
        case aclCacheCount
        case aclCacheEntries(left: Int32)
        case nodes
        case done
    }

    private var phase: Phase = .sessionCount
    private let limits: JuteLimits

    /// Bytes consumed so far; error offsets count from the start of the body.
    public private(set) var bytesConsumed = 0
    public private(set) var sessionCount: Int32?
    public private(set) var aclCacheCount: Int32?
    public private(set) var nodeCount = 0

    public init(limits: JuteLimits = .default) {
        self.limits = limits
    }

    /// True once the "/" ending the nodes has been read.
    public var isComplete: Bool { phase == .done }

    public mutating func next(from buffer: inout ByteBuffer) throws(StorageFormatError) -> SnapshotBodyItem? {
        var copy = buffer
        let item: SnapshotBodyItem?
        do throws(JuteError) {
            item = try read(from: &copy)
        } catch {
            throw StorageFormatError(.invalidRecord, offset: bytesConsumed, jute: error)
        }
        guard let item else { return nil }
        try advance(past: item)
        bytesConsumed += copy.readerIndex - buffer.readerIndex
        buffer = copy
        return item
    }

    /// Reads the next item from `buffer`, or nil when it is not all there.
    private func read(from buffer: inout ByteBuffer) throws(JuteError) -> SnapshotBodyItem? {
        switch phase {
        case .sessionCount:
            return buffer.readInteger(endianness: .big, as: Int32.self).map { .sessionCount($0) }
        case .sessions:
            guard buffer.readableBytes >= 12 else { return nil }
            let id = try buffer.readJuteLong(field: "session.id")
            let timeout = try buffer.readJuteInt(field: "session.timeout")
            return .session(SnapshotSession(sessionId: id, timeout: timeout))
        case .aclCacheCount:
            return buffer.readInteger(endianness: .big, as: Int32.self).map { .aclCacheCount($0) }
        case .aclCacheEntries:
            var skim = JuteSkim(buffer, limits: limits)
            guard skim.skip(8) else { return nil }
            guard try skim.skipVector(field: "acls", { (s: inout JuteSkim) throws(JuteError) in try s.skipACL() }) else {
                return nil
            }
            let index = try buffer.readJuteLong(field: "acl cache index")
            let acl = try buffer.readJuteVector(minimumElementSize: ACL.juteMinimumSize, field: "acls") {
                (element: inout ByteBuffer) throws(JuteError) -> ACL in try ACL(juteFrom: &element, limits: limits)
            }
            guard let acl else {
                // ReferenceCountedACLCache.deserialize refuses a null list.
                throw JuteError(.invalidValue, field: "acls", detail: "null ACL list in the ACL cache")
            }
            return .aclCacheEntry(SnapshotACLEntry(index: index, acl: acl))
        case .nodes:
            do throws(JuteError) {
                let path = try buffer.readJuteUString(limits: limits, field: "path")
                guard let path else {
                    throw JuteError(.invalidValue, field: "path", detail: "null node path")
                }
                if path == SnapshotBodyItem.endOfNodesPath { return .endOfNodes }
                let data = try buffer.readJuteBuffer(limits: limits, field: "DataNode.data")
                let acl = try buffer.readJuteLong(field: "DataNode.acl")
                let stat = try StatPersisted(juteFrom: &buffer, limits: limits)
                return .node(SnapshotNode(path: path, data: data, acl: acl, stat: stat))
            } catch where error.kind == .truncated {
                return nil
            }
        case .done:
            return nil
        }
    }

    private mutating func advance(past item: SnapshotBodyItem) throws(StorageFormatError) {
        switch item {
        case .sessionCount(let count):
            guard count >= 0 else {
                throw StorageFormatError(.negativeCount, offset: bytesConsumed, detail: "session count \(count)")
            }
            sessionCount = count
            phase = count > 0 ? .sessions(left: count) : .aclCacheCount
        case .session:
            guard case .sessions(let left) = phase else { return }
            phase = left > 1 ? .sessions(left: left - 1) : .aclCacheCount
        case .aclCacheCount(let count):
            guard count >= 0 else {
                throw StorageFormatError(.negativeCount, offset: bytesConsumed, detail: "ACL cache count \(count)")
            }
            aclCacheCount = count
            phase = count > 0 ? .aclCacheEntries(left: count) : .nodes
        case .aclCacheEntry:
            guard case .aclCacheEntries(let left) = phase else { return }
            phase = left > 1 ? .aclCacheEntries(left: left - 1) : .nodes
        case .node:
            nodeCount += 1
        case .endOfNodes:
            phase = .done
        }
    }
}
