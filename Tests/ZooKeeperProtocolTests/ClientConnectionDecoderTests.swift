import NIOCore
import Testing
import ZooKeeperJute
import ZooKeeperProtocol

private let password = ByteBuffer(repeating: 7, count: 16)
private let stat = Stat(
    czxid: 2, mzxid: 2, ctime: 1, mtime: 1, version: 0, cversion: 0, aversion: 0,
    ephemeralOwner: 0, dataLength: 1, numChildren: 0, pzxid: 2)
private let worldAll = [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))]

/// A short conversation, in the order it travels.
private let clientMessages: [ClientMessage] = [
    .connect(ConnectRequestFrame(request: ConnectRequest(
        protocolVersion: 0, lastZxidSeen: 0, timeOut: 30000, sessionId: 0, passwd: ByteBuffer(repeating: 0, count: 16),
        readOnly: false))),
    .request(ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(
        path: "/a", data: ByteBuffer(bytes: [1]), acl: worldAll, flags: 0)))),
    .request(ClientRequest(xid: 2, op: .getData, body: .getData(GetDataRequest(path: "/a", watch: true)))),
    .request(ClientRequest(xid: Xid.ping, op: .ping, body: .none)),
    .request(ClientRequest(xid: 3, op: .multi, body: .multi(MultiRequest(ops: [
        .init(.check, .check(CheckVersionRequest(path: "/a", version: 0))),
        .init(.delete, .delete(DeleteRequest(path: "/a", version: -1))),
    ])))),
    .request(ClientRequest(xid: 4, op: .exists, body: .exists(ExistsRequest(path: "/nope", watch: false)))),
    .request(ClientRequest(xid: 5, op: .closeSession, body: .none)),
]

private let serverMessages: [ServerMessage] = [
    .connect(ConnectResponseFrame(response: ConnectResponse(
        protocolVersion: 0, timeOut: 30000, sessionId: 0x1000_0000_0000_0001, passwd: password, readOnly: false))),
    .reply(ServerReply(header: ReplyHeader(xid: 1, zxid: 2, err: 0), op: .create, body: .create(CreateResponse(path: "/a")))),
    .reply(ServerReply(header: ReplyHeader(xid: 2, zxid: 2, err: 0), op: .getData, body: .getData(GetDataResponse(
        data: ByteBuffer(bytes: [1]), stat: stat)))),
    .reply(ServerReply(header: ReplyHeader(xid: Xid.ping, zxid: 2, err: 0), op: .ping, body: .none)),
    .reply(ServerReply(header: ReplyHeader(xid: 3, zxid: 3, err: 0), op: .multi, body: .multi(MultiResponse(results: [
        .init(header: MultiHeader(type: OpCode.check.rawValue, done: false, err: 0), body: .none),
        .init(header: MultiHeader(type: OpCode.delete.rawValue, done: false, err: 0), body: .none),
    ])))),
    .event(ReplyHeader(xid: -1, zxid: 3, err: 0), WatcherEvent(type: EventType.nodeDeleted.rawValue, state: 3, path: "/a")),
    .reply(ServerReply(header: ReplyHeader(xid: 4, zxid: 3, err: ErrorCode.noNode.rawValue), op: .exists, body: .none)),
    .reply(ServerReply(header: ReplyHeader(xid: 5, zxid: 4, err: 0), op: .closeSession, body: .none)),
]

private func encoded<M>(_ messages: [M], _ write: (M, inout ByteBuffer) -> Void) -> ByteBuffer {
    var buffer = ByteBuffer()
    for message in messages { write(message, &buffer) }
    return buffer
}

/// Feeds the two streams interleaved, `chunk` bytes at a time, one message per
/// direction per turn so each reply follows its request.
private func decodeConversation(chunk: Int) throws -> ([ClientMessage], [ServerMessage]) {
    let clientBytes = encoded(clientMessages) { $0.write(to: &$1) }
    let serverBytes = encoded(serverMessages) { $0.write(to: &$1) }
    var decoder = ClientConnectionDecoder()
    var clientIn = ByteBuffer(), serverIn = ByteBuffer()
    var clientOffset = 0, serverOffset = 0
    var clientOut: [ClientMessage] = [], serverOut: [ServerMessage] = []
    while clientOut.count < clientMessages.count || serverOut.count < serverMessages.count {
        // Client side until one request is out, then server side until one reply is out.
        while clientOut.count <= serverOut.count, clientOut.count < clientMessages.count {
            if let message = try decoder.nextClientMessage(from: &clientIn) {
                clientOut.append(message)
            } else {
                let n = min(chunk, clientBytes.readableBytes - clientOffset)
                try #require(n > 0)
                clientIn.writeImmutableBuffer(clientBytes.getSlice(at: clientOffset, length: n)!)
                clientOffset += n
            }
        }
        while serverOut.count < clientOut.count || (clientOut.count == clientMessages.count && serverOut.count < serverMessages.count) {
            if let message = try decoder.nextServerMessage(from: &serverIn) {
                serverOut.append(message)
            } else {
                let n = min(chunk, serverBytes.readableBytes - serverOffset)
                try #require(n > 0)
                serverIn.writeImmutableBuffer(serverBytes.getSlice(at: serverOffset, length: n)!)
                serverOffset += n
            }
        }
    }
    #expect(clientIn.readableBytes == 0 && serverIn.readableBytes == 0)
    return (clientOut, serverOut)
}

@Suite struct ClientConnectionDecoderTests {
    @Test(arguments: [1, 3, 1000])
    func conversationDecodesInAnyChunking(chunk: Int) throws {
        let (client, server) = try decodeConversation(chunk: chunk)
        #expect(client == clientMessages)
        #expect(server == serverMessages)
    }

    @Test func repliesAreDecodedByTheOpOfTheirRequest() throws {
        let (_, server) = try decodeConversation(chunk: 1000)
        guard case .reply(let reply) = server[2] else {
            Issue.record("not a reply")
            return
        }
        #expect(reply.op == .getData)
        #expect(reply.body.stat == stat)
    }

    @Test func everyPrefixOfAFrameNeedsMoreBytes() throws {
        var frame = ByteBuffer()
        clientMessages[1].write(to: &frame)
        for cut in 0..<frame.readableBytes {
            var decoder = ClientConnectionDecoder(startedMidStream: true)
            var prefix = frame.getSlice(at: 0, length: cut)!
            #expect(try decoder.nextClientMessage(from: &prefix) == nil)
            #expect(prefix.readerIndex == 0)
        }
    }

    @Test func connectRequestWithoutReadOnlyByte() throws {
        let frame = ConnectRequestFrame(
            request: ConnectRequest(
                protocolVersion: 0, lastZxidSeen: 5, timeOut: 4000, sessionId: 9, passwd: password, readOnly: false),
            hasReadOnlyByte: false)
        var bytes = ByteBuffer()
        ClientMessage.connect(frame).write(to: &bytes)
        #expect(bytes.readableBytes == 4 + 44)
        var decoder = ClientConnectionDecoder()
        #expect(try decoder.nextClientMessage(from: &bytes) == .connect(frame))

        let response = ConnectResponseFrame(
            response: ConnectResponse(protocolVersion: 0, timeOut: 0, sessionId: 0, passwd: password, readOnly: false),
            hasReadOnlyByte: false)
        var reply = ByteBuffer()
        ServerMessage.connect(response).write(to: &reply)
        #expect(reply.readableBytes == 4 + 36)
        #expect(try decoder.nextServerMessage(from: &reply) == .connect(response))
        #expect(response.sessionExpired)
    }

    @Test func connectRequestWithReadOnlyTrue() throws {
        let frame = ConnectRequestFrame(request: ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: 4000, sessionId: 0, passwd: password, readOnly: true))
        var bytes = ByteBuffer()
        ClientMessage.connect(frame).write(to: &bytes)
        #expect(bytes.readableBytes == 4 + 45)
        #expect(bytes.getInteger(at: 48, as: UInt8.self) == 1)
        var decoder = ClientConnectionDecoder()
        #expect(try decoder.nextClientMessage(from: &bytes) == .connect(frame))
    }

    @Test func fourLetterWordAndItsTextReply() throws {
        var decoder = ClientConnectionDecoder()
        var request = ByteBuffer(string: "ruok")
        #expect(try decoder.nextClientMessage(from: &request) == .fourLetterWord(FourLetterWord("ruok")!))
        var reply = ByteBuffer(string: "imok")
        #expect(try decoder.nextServerMessage(from: &reply) == .fourLetterReply(ByteBuffer(string: "imok")))
        #expect(decoder.serverPhase == .fourLetterWord)
    }

    @Test func anUnknownWordIsReadAsAFrameLengthAsJavaDoes() {
        // "abcd" as a length is 0x61626364, far over jute.maxbuffer: the server closes.
        var decoder = ClientConnectionDecoder()
        var bytes = ByteBuffer(string: "abcd")
        #expect(throws: JuteError(.lengthExceedsLimit, field: "frame",
                                  detail: "length 1633837924 is greater than jute.maxbuffer=1048575")) {
            try decoder.nextClientMessage(from: &bytes)
        }
        #expect(bytes.readerIndex == 0)
    }

    @Test func negativeFrameLength() {
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        var bytes = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xfe])
        #expect(throws: JuteError(.negativeLength, field: "frame", detail: "length -2")) {
            try decoder.nextServerMessage(from: &bytes)
        }
    }

    @Test func configurableFrameLimit() throws {
        var decoder = ClientConnectionDecoder(startedMidStream: true, maxFrameLength: 16)
        var bytes = ByteBuffer()
        clientMessages[1].write(to: &bytes)
        #expect(throws: JuteError.self) { try decoder.nextClientMessage(from: &bytes) }
    }

    @Test func malformedBodyThrowsAndConsumesNothing() {
        // A getData (op 4) whose path claims 100 bytes inside a 12-byte frame.
        var bytes = ByteBuffer(bytes: [0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 100])
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        do {
            _ = try decoder.nextClientMessage(from: &bytes)
            Issue.record("decoded")
        } catch {
            #expect(error.kind == .truncated)
            #expect(error.field == "GetDataRequest.path")
        }
        #expect(bytes.readerIndex == 0)
    }

    @Test func trailingGarbageInsideAFrame() {
        var body = ByteBuffer()
        ClientRequest(xid: 1, op: .sync, body: .sync(SyncRequest(path: "/"))).writeBody(to: &body)
        body.writeInteger(UInt8(0xee))
        var bytes = ByteBuffer()
        Frame.write(body, to: &bytes)
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        do {
            _ = try decoder.nextClientMessage(from: &bytes)
            Issue.record("decoded")
        } catch {
            #expect(error.kind == .trailingBytes)
        }
    }

    @Test func unknownOpCodeKeepsItsBytes() throws {
        var body = ByteBuffer()
        ClientRequest(xid: 9, op: OpCode(9999), body: .unknown(ByteBuffer(bytes: [1, 2, 3]))).writeBody(to: &body)
        var bytes = ByteBuffer()
        Frame.write(body, to: &bytes)
        let copy = bytes
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        let message = try #require(try decoder.nextClientMessage(from: &bytes))
        var again = ByteBuffer()
        message.write(to: &again)
        #expect(again == copy)
    }

    @Test func multiWithAnOpThatCannotBeInAMulti() {
        var body = ByteBuffer()
        MultiHeader(type: OpCode.sync.rawValue, done: false, err: -1).writeJute(to: &body)
        SyncRequest(path: "/").writeJute(to: &body)
        MultiHeader(type: -1, done: true, err: -1).writeJute(to: &body)
        #expect(throws: JuteError.self) { try MultiRequest(juteBytes: body) }
    }

    @Test func failedMultiResultsCarryErrorResponses() throws {
        let response = MultiResponse(results: [
            .init(header: MultiHeader(type: -1, done: false, err: ErrorCode.noNode.rawValue),
                  body: .error(ErrorResponse(err: ErrorCode.noNode.rawValue))),
            .init(header: MultiHeader(type: -1, done: false, err: ErrorCode.runtimeInconsistency.rawValue),
                  body: .error(ErrorResponse(err: ErrorCode.runtimeInconsistency.rawValue))),
        ])
        let decoded = try MultiResponse(juteBytes: response.juteBytes)
        #expect(decoded == response)
        #expect(decoded.results.map(\.err) == [.noNode, .runtimeInconsistency])
    }
}
