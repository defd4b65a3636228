import NIOCore
import ZooKeeperJute

/// A request frame after the handshake: RequestHeader then a body chosen by its type.
public struct ClientRequest: Hashable, Sendable {
    public var header: RequestHeader
    public var body: RequestBody

    public init(header: RequestHeader, body: RequestBody) {
        self.header = header
        self.body = body
    }

    public init(xid: Int32, op: OpCode, body: RequestBody) {
        self.init(header: RequestHeader(xid: xid, type: op.rawValue), body: body)
    }

    public init(frameBody: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        self = try frameBody.peekJute { (reader: inout JuteReader) throws(JuteError) -> ClientRequest in
            let header = try RequestHeader(juteReader: &reader, limits: limits)
            return ClientRequest(header: header, body: try RequestBody.decode(op: OpCode(header.type), whole: &reader, limits: limits))
        }
    }

    public var xid: Int32 { header.xid }
    public var op: OpCode { OpCode(header.type) }

    public func writeBody(to buffer: inout ByteBuffer) {
        header.writeJute(to: &buffer)
        body.write(to: &buffer)
    }
}

/// A reply frame: ReplyHeader then, when the server had a response record, its body.
public struct ServerReply: Hashable, Sendable {
    public var header: ReplyHeader
    /// The op of the request this answers, when the decoder saw that request.
    public var op: OpCode?
    public var body: ResponseBody

    public init(header: ReplyHeader, op: OpCode?, body: ResponseBody) {
        self.header = header
        self.op = op
        self.body = body
    }

    public var xid: Int32 { header.xid }
    public var zxid: Int64 { header.zxid }
    public var err: ErrorCode { ErrorCode(header.err) }

    public func writeBody(to buffer: inout ByteBuffer) {
        header.writeJute(to: &buffer)
        body.write(to: &buffer)
    }
}

/// Everything a client sends on the client port.
public enum ClientMessage: Hashable, Sendable {
    case connect(ConnectRequestFrame)
    case request(ClientRequest)
    /// Four raw bytes instead of a handshake.
    case fourLetterWord(FourLetterWord)
    /// Bytes after a four-letter word (`stmk` takes an 8-byte mask); not framed.
    case raw(ByteBuffer)

    /// The message as it travels: framed, except the unframed four-letter word.
    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .connect(let frame): Frame.write(to: &buffer) { frame.writeBody(to: &$0) }
        case .request(let request): Frame.write(to: &buffer) { request.writeBody(to: &$0) }
        case .fourLetterWord(let word): buffer.writeJuteInt(word.rawValue)
        case .raw(var bytes): buffer.writeBuffer(&bytes)
        }
    }
}

/// Everything a server sends on the client port.
public enum ServerMessage: Hashable, Sendable {
    case connect(ConnectResponseFrame)
    case reply(ServerReply)
    /// A watch event: a ReplyHeader with xid -1, then the WatcherEvent.
    case event(ReplyHeader, WatcherEvent)
    /// The plain-text answer to a four-letter word, as it arrives.
    case fourLetterReply(ByteBuffer)

    public func write(to buffer: inout ByteBuffer) {
        switch self {
        case .connect(let frame): Frame.write(to: &buffer) { frame.writeBody(to: &$0) }
        case .reply(let reply): Frame.write(to: &buffer) { reply.writeBody(to: &$0) }
        case .event(let header, let event):
            Frame.write(to: &buffer) {
                header.writeJute(to: &$0)
                event.writeJute(to: &$0)
            }
        case .fourLetterReply(var text): buffer.writeBuffer(&text)
        }
    }
}
