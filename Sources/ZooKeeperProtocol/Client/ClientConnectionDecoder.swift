import NIOCore
import ZooKeeperJute

/// Decodes both directions of one client-port connection.
///
/// Replies are decoded by the op of the request with the same xid, so the
/// decoder remembers the ops of requests it has seen; feed it each direction's
/// bytes in the order they were sent (a capture's time order does that).
/// Every `next...` call returns nil until a whole message is buffered and
/// leaves the buffer untouched then; a malformed message throws and consumes
/// nothing, so a caller can show the bytes and skip them.
public struct ClientConnectionDecoder: Sendable {
    public enum Phase: Hashable, Sendable {
        /// Expecting the ConnectRequest / ConnectResponse.
        case handshake
        /// Framed requests and replies.
        case established
        /// The client sent a four-letter word; the rest is unframed.
        case fourLetterWord
    }

    public private(set) var clientPhase: Phase
    public private(set) var serverPhase: Phase
    public var limits: JuteLimits
    public var maxFrameLength: Int

    /// Ops of requests not yet answered, by xid.
    private var pending: [Int32: OpCode] = [:]
    /// A hostile or lossy stream could leave requests unanswered forever.
    private static let pendingLimit = 1 << 16

    /// `startedMidStream`: the capture began after the handshake.
    public init(
        startedMidStream: Bool = false,
        limits: JuteLimits = .default,
        maxFrameLength: Int = Frame.defaultMaxLength
    ) {
        clientPhase = startedMidStream ? .established : .handshake
        serverPhase = clientPhase
        self.limits = limits
        self.maxFrameLength = maxFrameLength
    }

    public mutating func nextClientMessage(from buffer: inout ByteBuffer) throws(JuteError) -> ClientMessage? {
        switch clientPhase {
        case .fourLetterWord:
            guard buffer.readableBytes > 0 else { return nil }
            return .raw(buffer.readSlice(length: buffer.readableBytes)!)
        case .handshake:
            guard let first = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
                return nil
            }
            let word = FourLetterWord(rawValue: first)
            if word.isKnown {
                buffer.moveReaderIndex(forwardBy: 4)
                clientPhase = .fourLetterWord
                serverPhase = .fourLetterWord
                return .fourLetterWord(word)
            }
            guard let body = try Frame.read(from: &buffer, maxLength: maxFrameLength) else { return nil }
            let frame = try rewinding(&buffer, body) { () throws(JuteError) in
                try ConnectRequestFrame(frameBody: body, limits: limits)
            }
            clientPhase = .established
            return .connect(frame)
        case .established:
            // Frame, header and body are read in one pass over the bytes; nothing
            // is consumed unless all of it decodes.
            let maxFrameLength = maxFrameLength
            let limits = limits
            var failedHeader: RequestHeader?
            let request: ClientRequest?
            do throws(JuteError) {
                request = try buffer.readJuteMessage { (reader: inout JuteReader) throws(JuteError) -> ClientRequest? in
                    guard var frame = try Self.frameBody(&reader, maxLength: maxFrameLength) else { return nil }
                    let header = try RequestHeader(juteReader: &frame, limits: limits)
                    do throws(JuteError) {
                        let body = try RequestBody.decode(op: OpCode(header.type), whole: &frame, limits: limits)
                        return ClientRequest(header: header, body: body)
                    } catch {
                        failedHeader = header
                        throw error
                    }
                }
            } catch {
                // Java answers a request whose body does not decode (MarshallingError), so
                // its op is remembered even when decoding it fails.
                if let failedHeader { expectReply(xid: failedHeader.xid, op: OpCode(failedHeader.type)) }
                throw error
            }
            guard let request else { return nil }
            expectReply(xid: request.header.xid, op: request.op)
            return .request(request)
        }
    }

    public mutating func nextServerMessage(from buffer: inout ByteBuffer) throws(JuteError) -> ServerMessage? {
        switch serverPhase {
        case .fourLetterWord:
            guard buffer.readableBytes > 0 else { return nil }
            return .fourLetterReply(buffer.readSlice(length: buffer.readableBytes)!)
        case .handshake:
            guard let body = try Frame.read(from: &buffer, maxLength: maxFrameLength) else { return nil }
            let frame = try rewinding(&buffer, body) { () throws(JuteError) in
                try ConnectResponseFrame(frameBody: body, limits: limits)
            }
            serverPhase = .established
            return .connect(frame)
        case .established:
            let maxFrameLength = maxFrameLength
            return try buffer.readJuteMessage { (reader: inout JuteReader) throws(JuteError) -> ServerMessage? in
                guard var frame = try Self.frameBody(&reader, maxLength: maxFrameLength) else { return nil }
                return try decodeReply(&frame)
            }
        }
    }

    /// A reader over the next frame's body, nil until all of it is there; a
    /// length Java would refuse throws (see `Frame.read`, which this mirrors).
    private static func frameBody(_ reader: inout JuteReader, maxLength: Int) throws(JuteError) -> JuteReader? {
        guard reader.readableBytes >= 4 else { return nil }
        let length = try reader.readInt(field: "frame")
        try Frame.check(length: length, maxLength: maxLength)
        guard reader.readableBytes >= Int(length) else { return nil }
        return try reader.subReader(length: Int(length), field: "frame")
    }

    private mutating func expectReply(xid: Int32, op: OpCode) {
        // Java answers every ping with xid -2, whatever xid the ping carried.
        guard op != .ping else { return }
        if pending.count >= Self.pendingLimit { pending.removeAll() }
        pending[xid] = op
    }

    private mutating func decodeReply(_ bytes: inout JuteReader) throws(JuteError) -> ServerMessage {
        let header = try ReplyHeader(juteReader: &bytes, limits: limits)
        if header.xid == Xid.notification {
            return .event(header, try WatcherEvent(juteWhole: &bytes, limits: limits))
        }
        let op = pending.removeValue(forKey: header.xid) ?? Self.impliedOp(xid: header.xid)
        let body: ResponseBody
        if let op {
            body = try ResponseBody.decode(op: op, whole: &bytes, limits: limits)
        } else {
            body = bytes.readableBytes == 0 ? .none : .unknown(bytes.readRest())
        }
        return .reply(ServerReply(header: header, op: op, body: body))
    }

    /// The op a reply's special xid implies when its request was not seen.
    public static func impliedOp(xid: Int32) -> OpCode? {
        switch xid {
        case Xid.ping: .ping
        case Xid.auth: .auth
        case Xid.setWatches: .setWatches
        default: nil
        }
    }

    /// Runs `decode` on a frame already taken from `buffer`; on error puts the
    /// frame back so the buffer is as it was.
    private func rewinding<T>(
        _ buffer: inout ByteBuffer,
        _ body: ByteBuffer,
        _ decode: () throws(JuteError) -> T
    ) throws(JuteError) -> T {
        do {
            return try decode()
        } catch {
            buffer.moveReaderIndex(to: buffer.readerIndex - body.readableBytes - 4)
            throw error
        }
    }
}
