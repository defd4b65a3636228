import NIOCore
import Testing
import ZooKeeperJute
import ZooKeeperProtocol

/// Field-by-field encodings, written out by hand from the Jute rules.
@Suite struct GoldenRecordTests {
    @Test func connectRequestAsTheJavaClientSendsIt() throws {
        let bytes: [UInt8] = [
            0, 0, 0, 0,  // protocolVersion 0
            0, 0, 0, 0, 0, 0, 0, 0,  // lastZxidSeen 0
            0, 0, 0x75, 0x30,  // timeOut 30000
            0, 0, 0, 0, 0, 0, 0, 0,  // sessionId 0 (new session)
            0, 0, 0, 16,  // passwd length 16
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // passwd
            0,  // readOnly false
        ]
        let request = try ConnectRequest(juteBytes: ByteBuffer(bytes: bytes))
        #expect(request == ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: 30000, sessionId: 0,
            passwd: ByteBuffer(repeating: 0, count: 16), readOnly: false))
        #expect(Array(request.juteBytes.readableBytesView) == bytes)
    }

    @Test func statIsElevenFieldsInSchemaOrder() throws {
        let bytes: [UInt8] = [
            0, 0, 0, 0, 0, 0, 0, 2,  // czxid
            0, 0, 0, 0, 0, 0, 0, 3,  // mzxid
            0, 0, 1, 0x8b, 0, 0, 0, 0,  // ctime
            0, 0, 1, 0x8b, 0, 0, 0, 1,  // mtime
            0, 0, 0, 1,  // version
            0, 0, 0, 2,  // cversion
            0, 0, 0, 3,  // aversion
            0x01, 0, 0, 0, 0, 0, 0, 0x2a,  // ephemeralOwner: server 1's session 42
            0, 0, 0, 5,  // dataLength
            0, 0, 0, 6,  // numChildren
            0, 0, 0, 0, 0, 0, 0, 4,  // pzxid
        ]
        let stat = try Stat(juteBytes: ByteBuffer(bytes: bytes))
        #expect(stat.czxid == 2 && stat.mzxid == 3 && stat.pzxid == 4)
        #expect(stat.ctime == 0x18b_0000_0000 && stat.mtime == 0x18b_0000_0001)
        #expect(stat.version == 1 && stat.cversion == 2 && stat.aversion == 3)
        #expect(stat.ephemeralOwner == 0x0100_0000_0000_002a)
        #expect(stat.dataLength == 5 && stat.numChildren == 6)
        #expect(Array(stat.juteBytes.readableBytesView) == bytes)
    }

    @Test func createRequestWithWorldACL() throws {
        let bytes: [UInt8] = [
            0, 0, 0, 2, 0x2f, 0x61,  // path "/a"
            0xff, 0xff, 0xff, 0xff,  // data null
            0, 0, 0, 1,  // one ACL
            0, 0, 0, 0x1f,  // perms ALL
            0, 0, 0, 5, 0x77, 0x6f, 0x72, 0x6c, 0x64,  // scheme "world"
            0, 0, 0, 6, 0x61, 0x6e, 0x79, 0x6f, 0x6e, 0x65,  // id "anyone"
            0, 0, 0, 3,  // flags EPHEMERAL_SEQUENTIAL
        ]
        let request = try CreateRequest(juteBytes: ByteBuffer(bytes: bytes))
        #expect(request.path == "/a")
        #expect(request.data == nil)
        #expect(request.acl == [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))])
        #expect(CreateMode(rawValue: request.flags) == .ephemeralSequential)
        #expect(Array(request.juteBytes.readableBytesView) == bytes)
    }

    @Test func replyHeaderAndWatcherEvent() throws {
        let bytes: [UInt8] = [
            0xff, 0xff, 0xff, 0xff,  // xid -1: notification
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // zxid -1
            0, 0, 0, 0,  // err 0
            0, 0, 0, 4,  // type NodeChildrenChanged
            0, 0, 0, 3,  // state SyncConnected
            0, 0, 0, 2, 0x2f, 0x61,  // path "/a"
        ]
        var buffer = ByteBuffer(bytes: bytes)
        let header = try buffer.readJuteRecord(ReplyHeader.self)
        let event = try WatcherEvent(juteBytes: buffer)
        #expect(header == ReplyHeader(xid: Xid.notification, zxid: -1, err: 0))
        #expect(EventType(rawValue: event.type) == .nodeChildrenChanged)
        #expect(KeeperState(rawValue: event.state) == .syncConnected)
        #expect(event.path == "/a")
    }

    @Test func quorumPacketAndTxnHeader() throws {
        let bytes: [UInt8] = [
            0, 0, 0, 4,  // type COMMIT
            0, 0, 0, 1, 0, 0, 0, 7,  // zxid epoch 1 counter 7
            0xff, 0xff, 0xff, 0xff,  // data null
            0xff, 0xff, 0xff, 0xff,  // authinfo null
        ]
        let packet = try QuorumPacket(juteBytes: ByteBuffer(bytes: bytes))
        #expect(packet == QuorumPacket(type: 4, zxid: 0x1_0000_0007, data: nil, authinfo: nil))
        #expect(Array(packet.juteBytes.readableBytesView) == bytes)
    }
}
