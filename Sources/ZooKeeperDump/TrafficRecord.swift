import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// One line of `zkdump decode` output, as fields. Text and JSON are both
/// rendered from it, so they always say the same thing.
///
/// JSON keys, in this order when present (stable; scripts may rely on them):
/// - `time`: ISO-8601 UTC with microseconds; `src`, `dst`: `ip:port`;
/// - `proto`: client, quorum or election;
/// - `kind`: connect, request, response, event, ping, auth, fourletter, election,
///   quorum, malformed, undecoded, gap, close, unanswered;
/// - `session` (0x hex), `xid`, `op` (ZooDefs.OpCode name, or the QuorumPacket type
///   on the quorum port), `err` (KeeperException code name), `err_code`, `zxid` (0x hex),
///   `path`, `latency_us` (replies: time since the request);
/// - `offset` (stream offset of malformed and undecoded bytes), `bytes`;
/// - then the message's own fields (`data_len`, `data`, `version`, `flags`, `acl`,
///   `watch`, `stat`, `children`, `event_type`, `state`, `timeout`, `readonly`, ...).
public struct TrafficRecord: Sendable {
    public var time: CaptureTimestamp
    public var src: String
    public var dst: String
    public var proto: TrafficProtocol
    public var kind: String
    public var session: Int64?
    public var xid: Int32?
    public var op: String?
    public var err: ErrorCode?
    public var zxid: Int64?
    public var path: String?
    public var latencyMicros: Int64?
    public var offset: Int?
    public var byteCount: Int?
    /// The message's own fields, in display order.
    public var fields: JSONLine

    public init(time: CaptureTimestamp, src: String, dst: String, proto: TrafficProtocol, kind: String) {
        self.time = time
        self.src = src
        self.dst = dst
        self.proto = proto
        self.kind = kind
        self.fields = JSONLine()
    }

    /// Whether this line reports bytes that did not decode (the exit status counts them).
    public var isUndecoded: Bool { kind == "undecoded" || kind == "gap" }

    public var json: JSONLine {
        var formatter = TimestampFormatter()
        return json(&formatter)
    }

    public func json(_ formatter: inout TimestampFormatter) -> JSONLine {
        var line = JSONLine()
        line.set("time", formatter.iso8601(time))
        line.set("src", src)
        line.set("dst", dst)
        line.set("proto", proto.rawValue)
        line.set("kind", kind)
        if let session { line.set("session", Preview.hex(session)) }
        if let xid { line.set("xid", xid) }
        if let op { line.set("op", op) }
        if let err {
            line.set("err", err.name ?? "\(err.rawValue)")
            line.set("err_code", err.rawValue)
        }
        if let zxid { line.set("zxid", Preview.hex(zxid)) }
        if let path { line.set("path", path) }
        if let latencyMicros { line.set("latency_us", latencyMicros) }
        if let offset { line.set("offset", offset) }
        if let byteCount { line.set("bytes", byteCount) }
        for field in fields.fields { line.set(field.key, field.value) }
        return line
    }

    /// `time src > dst kind ...`, coloured by kind when `colour` is set.
    public func text(colour: Bool = false) -> String {
        var formatter = TimestampFormatter()
        return text(colour: colour, &formatter)
    }

    public func text(colour: Bool, _ formatter: inout TimestampFormatter) -> String {
        var out = formatter.iso8601(time)
        out.reserveCapacity(160)
        out += " " + src + " > " + dst + " "
        out += paint(kind + String(repeating: " ", count: max(0, 10 - kind.count)), colour)
        if let session { out += " session=" + Preview.hex(session) }
        if let xid { out += " xid=" + String(xid) }
        if let op { out += " " + op }
        if let path { out += " " + path }
        if let err {
            let name = err.name ?? String(err.rawValue)
            out += colour && err != .ok ? " \u{1b}[31merr=\(name)\u{1b}[0m" : " err=" + name
        }
        if let zxid { out += " zxid=" + Preview.hex(zxid) }
        if let latencyMicros { out += " " + String(latencyMicros) + "µs" }
        if let offset { out += " offset=" + String(offset) }
        if let byteCount { out += " bytes=" + String(byteCount) }
        for field in fields.fields { out += " " + field.key + "=" + Self.text(field.value) }
        return out
    }

    private func paint(_ text: String, _ colour: Bool) -> String {
        guard colour else { return text }
        let code: String
        switch kind {
        case "request": code = "36"
        case "response": code = "32"
        case "event": code = "35"
        case "ping", "auth", "close": code = "90"
        case "malformed", "undecoded", "gap", "unanswered": code = "31"
        case "election", "quorum": code = "33"
        default: code = "34"
        }
        return "\u{1b}[\(code)m\(text)\u{1b}[0m"
    }

    static func text(_ value: JSONLine.Value) -> String {
        switch value {
        case .string(let s):
            // One message, one line: line breaks inside values are shown escaped.
            let flat = s.utf8.contains(UInt8(ascii: "\n"))
                ? s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n") : s
            return flat.isEmpty || flat.utf8.contains(UInt8(ascii: " ")) ? "\"" + flat + "\"" : flat
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array(let values): return "[" + values.map(text).joined(separator: ",") + "]"
        case .object(let line): return "{" + line.fields.map { "\($0.key)=\(text($0.value))" }.joined(separator: " ") + "}"
        }
    }
}
