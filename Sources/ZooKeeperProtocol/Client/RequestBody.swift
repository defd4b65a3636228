import NIOCore
import ZooKeeperJute

/// What follows the RequestHeader in a client request, by op code.
public enum RequestBody: Hashable, Sendable {
    /// ping, closeSession, whoAmI, createSession: the header is the whole request.
    case none
    /// create, create2, createContainer.
    case create(CreateRequest)
    case createTTL(CreateTTLRequest)
    case delete(DeleteRequest)
    /// deleteContainer: Java reads the whole body as a UTF-8 path with no length
    /// prefix (it is the leader's ContainerManager that builds this request).
    case deleteContainer(ByteBuffer)
    case exists(ExistsRequest)
    case getData(GetDataRequest)
    case setData(SetDataRequest)
    case getACL(GetACLRequest)
    case setACL(SetACLRequest)
    case getChildren(GetChildrenRequest)
    case getChildren2(GetChildren2Request)
    case sync(SyncRequest)
    case check(CheckVersionRequest)
    /// multi, multiRead.
    case multi(MultiRequest)
    case reconfig(ReconfigRequest)
    case checkWatches(CheckWatchesRequest)
    case removeWatches(RemoveWatchesRequest)
    case auth(AuthPacket)
    case setWatches(SetWatches)
    case setWatches2(SetWatches2)
    case sasl(GetSASLRequest)
    case getEphemerals(GetEphemeralsRequest)
    case getAllChildrenNumber(GetAllChildrenNumberRequest)
    case addWatch(AddWatchRequest)
    /// An op code this build does not know; the bytes are kept as they came.
    case unknown(ByteBuffer)

    /// Decodes the body of a request of type `op`; `bytes` must hold exactly the body.
    public static func decode(
        op: OpCode,
        from bytes: ByteBuffer,
        limits: JuteLimits = .default
    ) throws(JuteError) -> RequestBody {
        try bytes.peekJute { (reader: inout JuteReader) throws(JuteError) -> RequestBody in
            try decode(op: op, whole: &reader, limits: limits)
        }
    }

    /// `decode(op:from:limits:)` on the bytes left in `reader`, all of which it takes.
    static func decode(op: OpCode, whole reader: inout JuteReader, limits: JuteLimits) throws(JuteError) -> RequestBody {
        switch op {
        case .ping, .closeSession, .whoAmI, .createSession:
            guard reader.readableBytes == 0 else {
                throw JuteError(.trailingBytes, field: "\(op) request", detail: "\(reader.readableBytes) bytes")
            }
            return .none
        case .create, .create2, .createContainer: return .create(try .init(juteWhole: &reader, limits: limits))
        case .createTTL: return .createTTL(try .init(juteWhole: &reader, limits: limits))
        case .delete: return .delete(try .init(juteWhole: &reader, limits: limits))
        case .deleteContainer: return .deleteContainer(reader.readRest())
        case .exists: return .exists(try .init(juteWhole: &reader, limits: limits))
        case .getData: return .getData(try .init(juteWhole: &reader, limits: limits))
        case .setData: return .setData(try .init(juteWhole: &reader, limits: limits))
        case .getACL: return .getACL(try .init(juteWhole: &reader, limits: limits))
        case .setACL: return .setACL(try .init(juteWhole: &reader, limits: limits))
        case .getChildren: return .getChildren(try .init(juteWhole: &reader, limits: limits))
        case .getChildren2: return .getChildren2(try .init(juteWhole: &reader, limits: limits))
        case .sync: return .sync(try .init(juteWhole: &reader, limits: limits))
        case .check: return .check(try .init(juteWhole: &reader, limits: limits))
        case .multi, .multiRead: return .multi(try .init(juteWhole: &reader, limits: limits))
        case .reconfig: return .reconfig(try .init(juteWhole: &reader, limits: limits))
        case .checkWatches: return .checkWatches(try .init(juteWhole: &reader, limits: limits))
        case .removeWatches: return .removeWatches(try .init(juteWhole: &reader, limits: limits))
        case .auth: return .auth(try .init(juteWhole: &reader, limits: limits))
        case .setWatches: return .setWatches(try .init(juteWhole: &reader, limits: limits))
        case .setWatches2: return .setWatches2(try .init(juteWhole: &reader, limits: limits))
        case .sasl: return .sasl(try .init(juteWhole: &reader, limits: limits))
        case .getEphemerals: return .getEphemerals(try .init(juteWhole: &reader, limits: limits))
        case .getAllChildrenNumber: return .getAllChildrenNumber(try .init(juteWhole: &reader, limits: limits))
        case .addWatch: return .addWatch(try .init(juteWhole: &reader, limits: limits))
        default: return .unknown(reader.readRest())
        }
    }

    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .none: break
        case .create(let r): r.writeJute(to: &buffer)
        case .createTTL(let r): r.writeJute(to: &buffer)
        case .delete(let r): r.writeJute(to: &buffer)
        case .deleteContainer(var path): buffer.writeBuffer(&path)
        case .exists(let r): r.writeJute(to: &buffer)
        case .getData(let r): r.writeJute(to: &buffer)
        case .setData(let r): r.writeJute(to: &buffer)
        case .getACL(let r): r.writeJute(to: &buffer)
        case .setACL(let r): r.writeJute(to: &buffer)
        case .getChildren(let r): r.writeJute(to: &buffer)
        case .getChildren2(let r): r.writeJute(to: &buffer)
        case .sync(let r): r.writeJute(to: &buffer)
        case .check(let r): r.writeJute(to: &buffer)
        case .multi(let r): r.writeJute(to: &buffer)
        case .reconfig(let r): r.writeJute(to: &buffer)
        case .checkWatches(let r): r.writeJute(to: &buffer)
        case .removeWatches(let r): r.writeJute(to: &buffer)
        case .auth(let r): r.writeJute(to: &buffer)
        case .setWatches(let r): r.writeJute(to: &buffer)
        case .setWatches2(let r): r.writeJute(to: &buffer)
        case .sasl(let r): r.writeJute(to: &buffer)
        case .getEphemerals(let r): r.writeJute(to: &buffer)
        case .getAllChildrenNumber(let r): r.writeJute(to: &buffer)
        case .addWatch(let r): r.writeJute(to: &buffer)
        case .unknown(var bytes): buffer.writeBuffer(&bytes)
        }
    }

    /// The znode path the request names, if it names one.
    public var path: String? {
        switch self {
        case .create(let r): r.path
        case .createTTL(let r): r.path
        case .delete(let r): r.path
        case .deleteContainer(let path): String(decoding: path.readableBytesView, as: UTF8.self)
        case .exists(let r): r.path
        case .getData(let r): r.path
        case .setData(let r): r.path
        case .getACL(let r): r.path
        case .setACL(let r): r.path
        case .getChildren(let r): r.path
        case .getChildren2(let r): r.path
        case .sync(let r): r.path
        case .check(let r): r.path
        case .checkWatches(let r): r.path
        case .removeWatches(let r): r.path
        case .getEphemerals(let r): r.prefixPath
        case .getAllChildrenNumber(let r): r.path
        case .addWatch(let r): r.path
        case .none, .multi, .reconfig, .auth, .setWatches, .setWatches2, .sasl, .unknown: nil
        }
    }
}
