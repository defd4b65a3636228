import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperConformance

@Suite struct NormaliserTests {
    static let now: Int64 = 1_700_000_000_000
    func normaliser() -> Normaliser { Normaliser(timeWindow: (Self.now - 1000)...(Self.now + 1000)) }

    func frame(_ message: ServerMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.write(to: &buffer)
        return buffer
    }

    @Test func sessionsAndPasswordsBecomeSymbols() {
        var n = normaliser()
        let first = ServerMessage.connect(ConnectResponseFrame(response: ConnectResponse(
            protocolVersion: 0, timeOut: 30000, sessionId: 0x1000_0abc, passwd: ByteBuffer(bytes: Array(1...16)), readOnly: false)))
        let second = ServerMessage.connect(ConnectResponseFrame(response: ConnectResponse(
            protocolVersion: 0, timeOut: 4000, sessionId: 0x1000_0def, passwd: ByteBuffer(bytes: Array(1...16)), readOnly: false)))
        #expect(n.line(connection: "c1", message: first, raw: frame(first)) == "c1 connected proto=0 timeout=30000 session=S1 passwd=16B readOnly=false")
        #expect(n.line(connection: "c2", message: second, raw: frame(second)) == "c2 connected proto=0 timeout=4000 session=S2 passwd=16B readOnly=false")
        #expect(n.line(connection: "c3", message: first, raw: frame(first)) == "c3 connected proto=0 timeout=30000 session=S1 passwd=16B readOnly=false")
    }

    @Test func zxidsRelativeAndStatChecks() {
        var n = normaliser()
        let stat = Stat(
            czxid: 100, mzxid: 103, ctime: Self.now, mtime: Self.now + 5, version: 2, cversion: 1, aversion: 0,
            ephemeralOwner: 0x77, dataLength: 3, numChildren: 0, pzxid: 99)
        let reply = ServerMessage.reply(ServerReply(
            header: ReplyHeader(xid: 4, zxid: 100, err: 0), op: .getData,
            body: .getData(GetDataResponse(data: ByteBuffer(string: "abc"), stat: stat))))
        #expect(n.line(connection: "c1", message: reply, raw: frame(reply)) ==
            "c1 reply xid=4 zxid=Z err=Ok getData data=\"abc\" stat=(czxid=Z mzxid=Z+3 ctime=T mtime>=ctime version=2 cversion=1 aversion=0 owner=S1 dataLength=3 numChildren=0 pzxid=Z-1)")
        #expect(n.highestZxid == 100)
    }

    @Test func timesOutsideTheWindowAndModifiedMtimeShowThemselves() {
        var n = normaliser()
        let stat = Stat(
            czxid: 0, mzxid: 0, ctime: 5, mtime: 9, version: 0, cversion: 0, aversion: 0,
            ephemeralOwner: Int64(bitPattern: 0x8000_0000_0000_0000), dataLength: 0, numChildren: 0, pzxid: 0)
        #expect(n.stat(stat) == "(czxid=0 mzxid=0 ctime=5 mtime=9(ctime+4) version=0 cversion=0 aversion=0 owner=0x8000000000000000 dataLength=0 numChildren=0 pzxid=0)")
    }

    @Test func untouchedMessagesCarryTheirBytes() {
        var n = normaliser()
        let event = ServerMessage.event(ReplyHeader(xid: -1, zxid: -1, err: 0), WatcherEvent(type: 3, state: 3, path: "/a"))
        #expect(n.line(connection: "c1", message: event, raw: frame(event)) ==
            "c1 event xid=-1 zxid=-1 err=Ok type=NodeDataChanged state=SyncConnected path=/a raw=0000001effffffffffffffffffffffff000000000000000300000003000000022f61")
    }

    @Test func bytesThatDoNotReencodeAreShown() {
        var n = normaliser()
        let reply = ServerMessage.reply(ServerReply(header: ReplyHeader(xid: 1, zxid: 7, err: 0), op: .delete, body: .none))
        var raw = frame(reply)
        raw.writeBytes([0xaa])   // a byte the decoded form does not account for
        let line = n.line(connection: "c1", message: reply, raw: raw)
        #expect(line.hasPrefix("c1 reply xid=1 zxid=Z err=Ok raw=") && line.contains("re-encodes as"))
    }

    @Test func multiResultsAndTheirHeaders() {
        var n = normaliser()
        let multi = MultiResponse(results: [
            .init(header: MultiHeader(type: OpCode.create.rawValue, done: false, err: 0), body: .create(CreateResponse(path: "/a"))),
            .init(header: MultiHeader(type: -1, done: false, err: -101), body: .error(ErrorResponse(err: -101))),
            .init(header: MultiHeader(type: OpCode.delete.rawValue, done: false, err: 5), body: .none),
        ])
        #expect(n.describe(.multi(multi)) == "results=[create path=/a; error err=NoNode; delete header=(2,false,5)]")
    }
}
