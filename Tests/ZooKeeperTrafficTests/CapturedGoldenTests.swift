import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol
import ZooKeeperTraffic

/// Frames copied from the captures, commented field by field. Each test also
/// checks the bytes are in the capture, so the goldens cannot drift from it.
@Suite struct CapturedGoldenTests {
    private func expectCaptured(_ bytes: [UInt8], in capture: String) throws {
        let found = try Captures.decode(capture).messages.contains { Array($0.wireBytes.readableBytesView) == bytes }
        #expect(found, "golden bytes not found in \(capture)")
    }

    @Test func kazooConnectRequestAndJavaResponse() throws {
        let request: [UInt8] = [
            0x00, 0x00, 0x00, 0x2d,  // frame length 45
            0x00, 0x00, 0x00, 0x00,  // protocolVersion 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // lastZxidSeen 0
            0x00, 0x00, 0x27, 0x10,  // timeOut 10000
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // sessionId 0: a new session
            0x00, 0x00, 0x00, 0x10,  // passwd length 16
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00,  // readOnly false
        ]
        let response: [UInt8] = [
            0x00, 0x00, 0x00, 0x25,  // frame length 37
            0x00, 0x00, 0x00, 0x00,  // protocolVersion 0
            0x00, 0x00, 0x27, 0x10,  // timeOut 10000 (negotiated)
            0x01, 0x00, 0x00, 0x11, 0xc6, 0x81, 0x00, 0x00,  // sessionId: server id 1 in the top byte
            0x00, 0x00, 0x00, 0x10,  // passwd length 16
            0x05, 0x74, 0x9e, 0xd5, 0xae, 0x15, 0xe5, 0x67, 0xeb, 0x5a, 0x6d, 0x96, 0xa7, 0x20, 0x85, 0x7c,
            0x00,  // readOnly false
        ]
        try expectCaptured(request, in: "standalone_basic")
        try expectCaptured(response, in: "standalone_basic")

        var decoder = ClientConnectionDecoder()
        var bytes = ByteBuffer(bytes: request)
        guard case .connect(let connect) = try decoder.nextClientMessage(from: &bytes) else {
            Issue.record("not a connect")
            return
        }
        #expect(connect.request.timeOut == 10000 && connect.request.sessionId == 0 && connect.hasReadOnlyByte)
        bytes = ByteBuffer(bytes: response)
        guard case .connect(let connected) = try decoder.nextServerMessage(from: &bytes) else {
            Issue.record("not a connect response")
            return
        }
        #expect(connected.response.sessionId == 0x0100_0011_c681_0000)
        #expect(connected.response.sessionId >> 56 == 1)
        var again = ByteBuffer()
        ServerMessage.connect(connected).write(to: &again)
        #expect(Array(again.readableBytesView) == response)
    }

    @Test func createRequestAndReply() throws {
        let request: [UInt8] = [
            0x00, 0x00, 0x00, 0x3e,  // frame length 62
            0x00, 0x00, 0x00, 0x01,  // xid 1
            0x00, 0x00, 0x00, 0x01,  // type 1: create
            0x00, 0x00, 0x00, 0x06, 0x2f, 0x62, 0x61, 0x73, 0x69, 0x63,  // path "/basic"
            0x00, 0x00, 0x00, 0x09, 0x72, 0x6f, 0x6f, 0x74, 0x20, 0x64, 0x61, 0x74, 0x61,  // data "root data"
            0x00, 0x00, 0x00, 0x01,  // one ACL
            0x00, 0x00, 0x00, 0x1f,  // perms ALL
            0x00, 0x00, 0x00, 0x05, 0x77, 0x6f, 0x72, 0x6c, 0x64,  // scheme "world"
            0x00, 0x00, 0x00, 0x06, 0x61, 0x6e, 0x79, 0x6f, 0x6e, 0x65,  // id "anyone"
            0x00, 0x00, 0x00, 0x00,  // flags PERSISTENT
        ]
        let reply: [UInt8] = [
            0x00, 0x00, 0x00, 0x1a,  // frame length 26
            0x00, 0x00, 0x00, 0x01,  // xid 1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,  // zxid 2
            0x00, 0x00, 0x00, 0x00,  // err 0
            0x00, 0x00, 0x00, 0x06, 0x2f, 0x62, 0x61, 0x73, 0x69, 0x63,  // path "/basic"
        ]
        try expectCaptured(request, in: "standalone_basic")
        try expectCaptured(reply, in: "standalone_basic")
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        var bytes = ByteBuffer(bytes: request)
        let message = try decoder.nextClientMessage(from: &bytes)
        #expect(message == .request(ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(
            path: "/basic", data: ByteBuffer(string: "root data"),
            acl: [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))], flags: 0)))))
        bytes = ByteBuffer(bytes: reply)
        #expect(try decoder.nextServerMessage(from: &bytes) == .reply(ServerReply(
            header: ReplyHeader(xid: 1, zxid: 2, err: 0), op: .create, body: .create(CreateResponse(path: "/basic")))))
    }

    @Test func watchEvent() throws {
        let event: [UInt8] = [
            0x00, 0x00, 0x00, 0x20,  // frame length 32
            0xff, 0xff, 0xff, 0xff,  // xid -1: notification
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // zxid -1 (Java puts no zxid in events)
            0x00, 0x00, 0x00, 0x00,  // err 0
            0x00, 0x00, 0x00, 0x01,  // type NodeCreated
            0x00, 0x00, 0x00, 0x03,  // state SyncConnected
            0x00, 0x00, 0x00, 0x04, 0x2f, 0x77, 0x2f, 0x78,  // path "/w/x"
        ]
        try expectCaptured(event, in: "standalone_watches")
        var decoder = ClientConnectionDecoder(startedMidStream: true)
        var bytes = ByteBuffer(bytes: event)
        #expect(try decoder.nextServerMessage(from: &bytes) == .event(
            ReplyHeader(xid: -1, zxid: -1, err: 0),
            WatcherEvent(type: EventType.nodeCreated.rawValue, state: KeeperState.syncConnected.rawValue, path: "/w/x")))
    }

    @Test func failedMultiReply() throws {
        let reply: [UInt8] = [
            0x00, 0x00, 0x00, 0x5a,  // frame length 90
            0x00, 0x00, 0x00, 0x04,  // xid 4
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,  // zxid 5: the failed multi took a zxid
            0x00, 0x00, 0x00, 0x00,  // err 0, although the multi failed
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,  // MultiHeader: error, not done, err 0
            0x00, 0x00, 0x00, 0x00,  // ErrorResponse 0: rolled back
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,  // error, not done, err 0
            0x00, 0x00, 0x00, 0x00,  // ErrorResponse 0
            0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0x99,  // error, not done, err -103 BadVersion
            0xff, 0xff, 0xff, 0x99,  // ErrorResponse -103
            0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xfe,  // error, not done, err -2
            0xff, 0xff, 0xff, 0xfe,  // ErrorResponse -2 RuntimeInconsistency
            0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xfe,  // error, not done, err -2
            0xff, 0xff, 0xff, 0xfe,  // ErrorResponse -2
            0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff,  // end: type -1, done, err -1
        ]
        try expectCaptured(reply, in: "standalone_multi")
        var body = ByteBuffer(bytes: reply.dropFirst(4 + 16))
        let response = try body.readJuteRecord(MultiResponse.self)
        #expect(body.readableBytes == 0)
        #expect(response.results.map(\.err) == [.ok, .ok, .badVersion, .runtimeInconsistency, .runtimeInconsistency])
        #expect(Array(response.juteBytes.readableBytesView) == Array(reply.dropFirst(20)))
    }

    @Test func electionInitialMessage() throws {
        let initial: [UInt8] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,  // protocol version -65536
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,  // sid 4 (the observer)
            0x00, 0x00, 0x00, 0x0e,  // address length 14
            0x31, 0x32, 0x37, 0x2e, 0x30, 0x2e, 0x30, 0x2e, 0x34, 0x3a, 0x33, 0x38, 0x38, 0x38,  // "127.0.0.4:3888"
        ]
        try expectCaptured(initial, in: "ensemble_formation")
        var bytes = ByteBuffer(bytes: initial)
        let message = try #require(try InitialMessage.read(from: &bytes))
        #expect(message.serverId == 4 && message.addresses == ["127.0.0.4:3888"])
        #expect(message.protocolVersion == ElectionProtocolVersion(-65536))
    }
}
