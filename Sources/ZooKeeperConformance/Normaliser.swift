import NIOCore
import ZooKeeperProtocol

/// Turns what a server sent into one readable line per message, replacing
/// what differs from run to run by symbols, and nothing else:
///
/// - session ids: `S1`, `S2`, ... by order of appearance;
/// - zxids above 0: `Z`, `Z+n`, `Z-n` relative to the first one the scenario saw;
/// - ctime: `T` if within `timeWindow` of the run; mtime: `mtime=ctime` (never
///   set, version 0) or `mtime>=ctime` (set since);
/// - passwords: their length, and `zero` if all bytes are 0.
///
/// A message none of this touched also gets its bytes as `raw=` hex, and a
/// message whose decoded form does not re-encode to the same bytes always does.
public struct Normaliser: Sendable {
    public private(set) var sessions: [Int64: String] = [:]
    public private(set) var zxidBase: Int64?
    /// The highest zxid seen in a reply header (for `relZxid=last`, `lastZxid=last`).
    public private(set) var highestZxid: Int64 = 0
    /// Milliseconds since 1970 that count as "now" for ctime: [lower, upper].
    public var timeWindow: ClosedRange<Int64>

    private var touched = false

    public init(timeWindow: ClosedRange<Int64>) {
        self.timeWindow = timeWindow
    }

    // MARK: Symbols

    public mutating func session(_ id: Int64) -> String {
        if id == 0 { return "0" }
        touched = true
        if let symbol = sessions[id] { return symbol }
        let symbol = "S\(sessions.count + 1)"
        sessions[id] = symbol
        return symbol
    }

    public mutating func zxid(_ value: Int64) -> String {
        guard value > 0 else { return String(value) }
        touched = true
        guard let base = zxidBase else {
            zxidBase = value
            return "Z"
        }
        let delta = value - base
        return delta == 0 ? "Z" : delta > 0 ? "Z+\(delta)" : "Z\(delta)"
    }

    /// An ephemeralOwner: a session's symbol, or the value itself when it is
    /// no session (0, containers' Long.MIN_VALUE, TTL nodes' 0xff.. encoding).
    public mutating func owner(_ value: Int64) -> String {
        if value <= 0 { return value == 0 ? "0" : "0x" + String(UInt64(bitPattern: value), radix: 16) }
        return session(value)
    }

    public mutating func stat(_ stat: Stat) -> String {
        var ctime = String(stat.ctime)
        if stat.ctime != 0 {
            touched = true
            if timeWindow.contains(stat.ctime) { ctime = "T" }
        }
        let mtime: String
        if stat.mtime == stat.ctime && stat.version == 0 {
            mtime = "mtime=ctime"
        } else if stat.mtime >= stat.ctime && stat.version > 0 {
            mtime = "mtime>=ctime"
        } else {
            mtime = "mtime=\(stat.mtime)(ctime\(stat.mtime - stat.ctime >= 0 ? "+" : "")\(stat.mtime - stat.ctime))"
        }
        if stat.mtime != 0 { touched = true }
        return "(czxid=\(zxid(stat.czxid)) mzxid=\(zxid(stat.mzxid)) ctime=\(ctime) \(mtime)"
            + " version=\(stat.version) cversion=\(stat.cversion) aversion=\(stat.aversion)"
            + " owner=\(owner(stat.ephemeralOwner)) dataLength=\(stat.dataLength)"
            + " numChildren=\(stat.numChildren) pzxid=\(zxid(stat.pzxid)))"
    }

    // MARK: Messages

    /// The line for one message as it came (`raw` is the whole frame, length included).
    public mutating func line(connection: String, message: ServerMessage, raw: ByteBuffer) -> String {
        touched = false
        var text: String
        switch message {
        case .connect(let frame):
            let r = frame.response
            text = "connected proto=\(r.protocolVersion) timeout=\(r.timeOut) session=\(session(r.sessionId))"
                + " passwd=\(password(r.passwd)) readOnly=\(r.readOnly)"
            if !frame.hasReadOnlyByte { text += " readOnlyByte=absent" }
            if r.timeOut > 0, r.sessionId != 0 { noteZxid(0) }
        case .reply(let reply):
            noteZxid(reply.zxid)
            text = "reply xid=\(reply.xid) zxid=\(zxid(reply.zxid)) err=\(reply.err)"
            let body = describe(reply.body)
            if !body.isEmpty { text += " " + (reply.op.map { "\($0) " } ?? "op=? ") + body }
        case .event(let header, let event):
            text = "event xid=\(header.xid) zxid=\(zxid(header.zxid)) err=\(ErrorCode(header.err))"
                + " type=\(EventType(rawValue: event.type)) state=\(KeeperState(rawValue: event.state)) path=\(string(event.path))"
        case .fourLetterReply(let bytes):
            text = "text " + quote(Array(bytes.readableBytesView))
        }
        var encoded = ByteBuffer()
        message.write(to: &encoded)
        if encoded != raw {
            text += " raw=\(hex(raw)) (decoded form re-encodes as \(hex(encoded)))"
        } else if !touched, case .fourLetterReply = message {
            // The text is the bytes.
        } else if !touched {
            text += " raw=\(hex(raw))"
        }
        return "\(connection) \(text)"
    }

    private mutating func noteZxid(_ value: Int64) {
        highestZxid = max(highestZxid, value)
    }

    mutating func describe(_ body: ResponseBody) -> String {
        switch body {
        case .none: return ""
        case .create(let r): return "path=\(string(r.path))"
        case .create2(let r): return "path=\(string(r.path)) stat=\(stat(r.stat))"
        case .exists(let r): return "stat=\(stat(r.stat))"
        case .getData(let r): return "data=\(data(r.data)) stat=\(stat(r.stat))"
        case .setData(let r): return "stat=\(stat(r.stat))"
        case .getACL(let r): return "acl=\(acls(r.acl)) stat=\(stat(r.stat))"
        case .setACL(let r): return "stat=\(stat(r.stat))"
        case .getChildren(let r): return "children=\(strings(r.children))"
        case .getChildren2(let r): return "children=\(strings(r.children)) stat=\(stat(r.stat))"
        case .sync(let r): return "path=\(string(r.path))"
        case .multi(let r):
            var parts: [String] = []
            for result in r.results {
                var part = "\(result.op)"
                // Java writes (type, false, 0) for a result and (-1, false, err) for an error.
                if result.header.done || (result.op != .error && result.header.err != 0) {
                    part += " header=(\(result.header.type),\(result.header.done),\(result.header.err))"
                }
                if case .error(let e) = result.body {
                    part += " err=\(ErrorCode(e.err))"
                    if result.header.err != e.err { part += " headerErr=\(ErrorCode(result.header.err))" }
                } else {
                    let inner = describe(result.body)
                    if !inner.isEmpty { part += " " + inner }
                }
                parts.append(part)
            }
            var text = "results=[" + parts.joined(separator: "; ") + "]"
            if r.end != MultiHeader(type: -1, done: true, err: -1) {
                text += " end=(\(r.end.type),\(r.end.done),\(r.end.err))"
            }
            return text
        case .error(let r): return "errorResponse=\(ErrorCode(r.err))"
        case .sasl(let r): return "token=\(data(r.token))"
        case .getEphemerals(let r): return "ephemerals=\(strings(r.ephemerals))"
        case .getAllChildrenNumber(let r): return "total=\(r.totalNumber)"
        case .whoAmI(let r):
            guard let infos = r.clientInfo else { return "clientInfo=null" }
            return "clientInfo=[" + infos.map { "\(string($0.authScheme)):\(string($0.user))" }.joined(separator: ",") + "]"
        case .unknown(let bytes): return "body=hex:\(hex(bytes))"
        }
    }

    private func password(_ passwd: ByteBuffer?) -> String {
        guard let passwd else { return "null" }
        let zero = passwd.readableBytesView.allSatisfy { $0 == 0 }
        return "\(passwd.readableBytes)B" + (zero && passwd.readableBytes > 0 ? "-zero" : "")
    }

    private func acls(_ list: [ACL]?) -> String {
        guard let list else { return "null" }
        return "[" + list.map { acl in
            let perms = acl.perms & ~Perms.all.rawValue == 0 && acl.perms != 0 ? Perms(rawValue: acl.perms).description : String(acl.perms)
            return "\(string(acl.id.scheme)):\(string(acl.id.id)):\(perms)"
        }.joined(separator: ",") + "]"
    }
}

/// `null` for a null string, else the string itself.
func string(_ value: String?) -> String { value ?? "null" }

func strings(_ values: [String]?) -> String {
    guard let values else { return "null" }
    return "[" + values.joined(separator: ",") + "]"
}

/// Data as `"text"` when it is printable ASCII, else `hex:...`; `null` for null.
func data(_ buffer: ByteBuffer?) -> String {
    guard let buffer else { return "null" }
    let bytes = Array(buffer.readableBytesView)
    if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return quote(bytes) }
    return "hex:" + hex(buffer)
}

/// Bytes in double quotes with `\"`, `\\`, `\n`, `\r`, `\t` and `\xHH` escapes.
func quote(_ bytes: [UInt8]) -> String {
    var text = "\""
    for b in bytes {
        switch b {
        case UInt8(ascii: "\""): text += "\\\""
        case UInt8(ascii: "\\"): text += "\\\\"
        case UInt8(ascii: "\n"): text += "\\n"
        case UInt8(ascii: "\r"): text += "\\r"
        case UInt8(ascii: "\t"): text += "\\t"
        case 0x20..<0x7f: text.unicodeScalars.append(Unicode.Scalar(b))
        default: text += "\\x" + hexByte(b)
        }
    }
    return text + "\""
}

func hex(_ buffer: ByteBuffer) -> String { hex(Array(buffer.readableBytesView)) }

func hex(_ bytes: [UInt8]) -> String { bytes.map(hexByte).joined() }

private func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xf)]])
}
