import NIOCore
import ZooKeeperJute

/// What follows the ReplyHeader in a reply, by the op code of the request with
/// the same xid. Java's server sends a body only when it has a response record
/// (FinalRequestProcessor): a failed request normally has none, so an empty
/// remainder is `.none` whatever the op.
public enum ResponseBody: Hashable, Sendable {
    case none
    case create(CreateResponse)
    /// create2, createContainer, createTTL.
    case create2(Create2Response)
    case exists(ExistsResponse)
    /// getData, and reconfig (which answers with the new config as data).
    case getData(GetDataResponse)
    /// setData, and a standalone check (3.9), which Java answers the same way.
    case setData(SetDataResponse)
    case getACL(GetACLResponse)
    case setACL(SetACLResponse)
    case getChildren(GetChildrenResponse)
    case getChildren2(GetChildren2Response)
    case sync(SyncResponse)
    /// multi, multiRead.
    case multi(MultiResponse)
    /// addWatch answers with an ErrorResponse carrying 0.
    case error(ErrorResponse)
    case sasl(SetSASLResponse)
    case getEphemerals(GetEphemeralsResponse)
    case getAllChildrenNumber(GetAllChildrenNumberResponse)
    case whoAmI(WhoAmIResponse)
    /// A body for an op that has none, or for an unknown op; kept as it came.
    case unknown(ByteBuffer)

    public static func decode(
        op: OpCode,
        from bytes: ByteBuffer,
        limits: JuteLimits = .default
    ) throws(JuteError) -> ResponseBody {
        if bytes.readableBytes == 0 { return .none }
        return try bytes.peekJute { (reader: inout JuteReader) throws(JuteError) -> ResponseBody in
            try decode(op: op, whole: &reader, limits: limits)
        }
    }

    /// `decode(op:from:limits:)` on the bytes left in `reader`, all of which it takes.
    static func decode(op: OpCode, whole reader: inout JuteReader, limits: JuteLimits) throws(JuteError) -> ResponseBody {
        if reader.readableBytes == 0 { return .none }
        switch op {
        case .create: return .create(try .init(juteWhole: &reader, limits: limits))
        case .create2, .createContainer, .createTTL: return .create2(try .init(juteWhole: &reader, limits: limits))
        case .exists: return .exists(try .init(juteWhole: &reader, limits: limits))
        case .getData, .reconfig: return .getData(try .init(juteWhole: &reader, limits: limits))
        case .setData, .check: return .setData(try .init(juteWhole: &reader, limits: limits))
        case .getACL: return .getACL(try .init(juteWhole: &reader, limits: limits))
        case .setACL: return .setACL(try .init(juteWhole: &reader, limits: limits))
        case .getChildren: return .getChildren(try .init(juteWhole: &reader, limits: limits))
        case .getChildren2: return .getChildren2(try .init(juteWhole: &reader, limits: limits))
        case .sync: return .sync(try .init(juteWhole: &reader, limits: limits))
        case .multi, .multiRead: return .multi(try .init(juteWhole: &reader, limits: limits))
        case .addWatch: return .error(try .init(juteWhole: &reader, limits: limits))
        case .sasl: return .sasl(try .init(juteWhole: &reader, limits: limits))
        case .getEphemerals: return .getEphemerals(try .init(juteWhole: &reader, limits: limits))
        case .getAllChildrenNumber: return .getAllChildrenNumber(try .init(juteWhole: &reader, limits: limits))
        case .whoAmI: return .whoAmI(try .init(juteWhole: &reader, limits: limits))
        default: return .unknown(reader.readRest())
        }
    }

    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .none: break
        case .create(let r): r.writeJute(to: &buffer)
        case .create2(let r): r.writeJute(to: &buffer)
        case .exists(let r): r.writeJute(to: &buffer)
        case .getData(let r): r.writeJute(to: &buffer)
        case .setData(let r): r.writeJute(to: &buffer)
        case .getACL(let r): r.writeJute(to: &buffer)
        case .setACL(let r): r.writeJute(to: &buffer)
        case .getChildren(let r): r.writeJute(to: &buffer)
        case .getChildren2(let r): r.writeJute(to: &buffer)
        case .sync(let r): r.writeJute(to: &buffer)
        case .multi(let r): r.writeJute(to: &buffer)
        case .error(let r): r.writeJute(to: &buffer)
        case .sasl(let r): r.writeJute(to: &buffer)
        case .getEphemerals(let r): r.writeJute(to: &buffer)
        case .getAllChildrenNumber(let r): r.writeJute(to: &buffer)
        case .whoAmI(let r): r.writeJute(to: &buffer)
        case .unknown(var bytes): buffer.writeBuffer(&bytes)
        }
    }

    /// The Stat the reply carries, if any.
    public var stat: Stat? {
        switch self {
        case .create2(let r): r.stat
        case .exists(let r): r.stat
        case .getData(let r): r.stat
        case .setData(let r): r.stat
        case .getACL(let r): r.stat
        case .setACL(let r): r.stat
        case .getChildren2(let r): r.stat
        default: nil
        }
    }
}
