import ZooKeeperProtocol

extension DecodedMessage {
    /// A short description for logs and test failures; zkdump renders messages in full.
    public var summary: String {
        let what: String
        switch content {
        case .client(let message): what = "client \(message.caseName)"
        case .server(let message): what = "server \(message.caseName)"
        case .election: what = "election item"
        case .quorum: what = "ZAB item"
        case .malformed(let reason): what = "malformed: \(reason)"
        case .undecoded(let reason): what = "undecoded: \(reason)"
        case .gap(let missing): what = "gap of \(missing) bytes"
        case .resynchronised(let skipped): what = "resynchronised after \(skipped) bytes"
        case .closed(let reason): what = "closed (\(reason))"
        }
        return "\(stream) \(proto.rawValue) \(what), \(wireBytes.readableBytes) bytes at offset \(streamOffset)"
    }
}

extension ClientMessage {
    var caseName: String {
        switch self {
        case .connect: "connect"
        case .request(let request): "request \(request.op) xid=\(request.xid)"
        case .fourLetterWord(let word): "four-letter word \(word)"
        case .raw: "bytes after a four-letter word"
        }
    }
}

extension ServerMessage {
    var caseName: String {
        switch self {
        case .connect: "connect response"
        case .reply(let reply): "reply xid=\(reply.xid) err=\(reply.err)"
        case .event: "watch event"
        case .fourLetterReply: "four-letter-word reply"
        }
    }
}
