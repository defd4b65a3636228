import NIOCore
import Testing
import ZooKeeperProtocol

/// The server over real sockets: framing limits, bad input, event ordering across connections.
@Suite struct ServerBehaviourTests {
    static let open = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))]

    func reply(_ client: WireClient) async throws -> ServerReply {
        guard case .reply(let reply) = try await client.next() else { throw WireError.unexpected("not a reply") }
        return reply
    }

    @Test func oversizedFrameClosesTheConnectionButNotTheSession() async throws {
        let server = try await TestServer.start()
        let first = try await server.client()
        let response = try await first.handshake()
        // A length above jute.maxbuffer (0xfffff): Java closes without reading it.
        try await first.sendRaw([0x00, 0x10, 0x00, 0x00, 0, 0, 0, 1])
        #expect(try await first.waitClosed())
        let second = try await server.client()
        let resumed = try await second.handshake(
            session: response.response.sessionId, password: Array(response.response.passwd!.readableBytesView)
        )
        #expect(resumed.response.sessionId == response.response.sessionId)
        #expect(resumed.response.timeOut == 10_000)
        await second.close()
        await server.stop()
    }

    @Test func garbageBeforeTheHandshakeClosesOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let bad = try await server.client()
        try await bad.sendRaw([0xff, 0xff, 0xff, 0xfe, 1, 2, 3])
        #expect(try await bad.waitClosed())
        let short = try await server.client()
        _ = try await short.handshake()
        try await short.sendRaw([0, 0, 0, 4, 0, 0, 0, 1])  // shorter than a request header
        #expect(try await short.waitClosed())
        let good = try await server.client()
        _ = try await good.handshake()
        try await good.send(.request(ClientRequest(xid: 1, op: .exists, body: .exists(ExistsRequest(path: "/zookeeper", watch: false)))))
        #expect(try await reply(good).err == .ok)
        await good.close()
        await server.stop()
    }

    @Test func undecodableBodyIsAMarshallingErrorAndTheConnectionStays() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        _ = try await client.handshake()
        // getData (4) whose path claims 1000 bytes that are not there.
        try await client.sendRaw([0, 0, 0, 12, 0, 0, 0, 7, 0, 0, 0, 4, 0, 0, 0x03, 0xe8])
        var raw = ByteBuffer()
        // The decoder cannot know the op of a raw request: read the header by hand.
        let deadline = ContinuousClock.now + .seconds(5)
        while raw.readableBytes < 20 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            raw = client.receivedBytes
        }
        #expect(raw.getInteger(at: raw.readerIndex + 4, as: Int32.self) == 7)
        #expect(raw.getInteger(at: raw.readerIndex + 16, as: Int32.self) == ErrorCode.marshallingError.rawValue)
        #expect(!(try await client.waitClosed(seconds: 0.2)))
        await client.close()
        await server.stop()
    }

    @Test func eventsReachOtherConnectionsBeforeTheirNextReply() async throws {
        let server = try await TestServer.start()
        let writer = try await server.client(), watcher = try await server.client()
        _ = try await writer.handshake()
        _ = try await watcher.handshake()
        try await writer.send(.request(ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/ev", data: nil, acl: Self.open, flags: 0)))))
        #expect(try await reply(writer).err == .ok)
        try await watcher.send(.request(ClientRequest(xid: 1, op: .getData, body: .getData(GetDataRequest(path: "/ev", watch: true)))))
        #expect(try await reply(watcher).err == .ok)
        try await writer.send(.request(ClientRequest(xid: 2, op: .setData, body: .setData(SetDataRequest(path: "/ev", data: ByteBuffer(string: "x"), version: -1)))))
        #expect(try await reply(writer).err == .ok)
        // The writer's reply is back, so the change happened: the watcher must see the event first.
        try await watcher.send(.request(ClientRequest(xid: 2, op: .getData, body: .getData(GetDataRequest(path: "/ev", watch: false)))))
        guard case .event(let header, let event) = try await watcher.next() else { Issue.record("no event first"); return }
        #expect(header.xid == -1 && header.zxid == -1)
        #expect(EventType(rawValue: event.type) == .nodeDataChanged && event.path == "/ev")
        #expect(try await reply(watcher).xid == 2)
        await writer.close()
        await watcher.close()
        await server.stop()
    }

    @Test func ownEventComesBeforeTheReplyOfTheWriteThatFiredIt() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        _ = try await client.handshake()
        try await client.send(.request(ClientRequest(xid: 1, op: .exists, body: .exists(ExistsRequest(path: "/own", watch: true)))))
        #expect(try await reply(client).err == .noNode)
        try await client.send(.request(ClientRequest(xid: 2, op: .create, body: .create(CreateRequest(path: "/own", data: nil, acl: Self.open, flags: 0)))))
        guard case .event(_, let event) = try await client.next() else { Issue.record("reply before event"); return }
        #expect(EventType(rawValue: event.type) == .nodeCreated)
        #expect(try await reply(client).xid == 2)
        await client.close()
        await server.stop()
    }

    @Test func resumingASessionClosesItsOldConnection() async throws {
        let server = try await TestServer.start()
        let old = try await server.client()
        let response = try await old.handshake()
        let new = try await server.client()
        _ = try await new.handshake(session: response.response.sessionId, password: Array(response.response.passwd!.readableBytesView))
        #expect(try await old.waitClosed())
        await new.close()
        await server.stop()
    }
}
