import NIOCore
import ZooKeeperProtocol

/// One operation of a multi or multiRead.
public enum Op: Hashable, Sendable {
    case create(path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Int64 = -1)
    case delete(path: String, version: Int32 = -1)
    case setData(path: String, data: [UInt8], version: Int32 = -1)
    case check(path: String, version: Int32)
    case getChildren(path: String)
    case getData(path: String)

    public var path: String {
        switch self {
        case .create(let path, _, _, _, _), .delete(let path, _), .setData(let path, _, _), .check(let path, _),
            .getChildren(let path), .getData(let path):
            path
        }
    }

    var isRead: Bool {
        switch self {
        case .getChildren, .getData: true
        default: false
        }
    }

    /// The op as it travels, its path prefixed with the chroot (Java's Op.withChroot).
    func wire(_ serverPath: (String) -> String) -> MultiRequest.Op {
        let path = serverPath(self.path)
        switch self {
        case .create(_, let data, let acl, let mode, let ttl):
            if mode.isTTL {
                return .init(.createTTL, .createTTL(CreateTTLRequest(path: path, data: ByteBuffer(bytes: data), acl: acl, flags: mode.rawValue, ttl: ttl)))
            }
            return .init(mode.isContainer ? .createContainer : .create,
                         .create(CreateRequest(path: path, data: ByteBuffer(bytes: data), acl: acl, flags: mode.rawValue)))
        case .delete(_, let version): return .init(.delete, .delete(DeleteRequest(path: path, version: version)))
        case .setData(_, let data, let version):
            return .init(.setData, .setData(SetDataRequest(path: path, data: ByteBuffer(bytes: data), version: version)))
        case .check(_, let version): return .init(.check, .check(CheckVersionRequest(path: path, version: version)))
        case .getChildren: return .init(.getChildren, .getChildren(GetChildrenRequest(path: path, watch: false)))
        case .getData: return .init(.getData, .getData(GetDataRequest(path: path, watch: false)))
        }
    }
}

/// The result of one op of a multi (Java's OpResult subclasses).
public enum OpResult: Hashable, Sendable {
    case create(path: String, stat: Stat?)
    case delete
    case setData(Stat)
    case check
    case getChildren([String])
    case getData([UInt8], Stat)
    case error(ErrorCode)
}

/// Builds a list of ops: `try await client.multi { Op.create(...); Op.delete(...) }`.
@resultBuilder
public enum OpsBuilder {
    public static func buildExpression(_ op: Op) -> [Op] { [op] }
    public static func buildExpression(_ ops: [Op]) -> [Op] { ops }
    public static func buildBlock(_ parts: [Op]...) -> [Op] { parts.flatMap { $0 } }
    public static func buildOptional(_ ops: [Op]?) -> [Op] { ops ?? [] }
    public static func buildEither(first ops: [Op]) -> [Op] { ops }
    public static func buildEither(second ops: [Op]) -> [Op] { ops }
    public static func buildArray(_ parts: [[Op]]) -> [Op] { parts.flatMap { $0 } }
}

extension ByteBuffer {
    var bytes: [UInt8] { Array(readableBytesView) }
}

extension Optional where Wrapped == ByteBuffer {
    var bytes: [UInt8] { self.map { Array($0.readableBytesView) } ?? [] }
}
