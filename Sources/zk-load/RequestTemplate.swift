import NIOCore
import ZooKeeperProtocol

/// Request frames encoded once by the codec, sent in turn (one frame for
/// get and set; create then delete for createdelete); copies differ only in
/// the xid, which sits right after the 4-byte length prefix.
struct RequestTemplate {
    let frames: [ByteBuffer]

    init(op: OpCode, body: RequestBody) {
        self.init([(op, body)])
    }

    init(_ requests: [(OpCode, RequestBody)]) {
        frames = requests.map { op, body in
            var buffer = ByteBuffer()
            ClientMessage.request(ClientRequest(xid: 0, op: op, body: body)).write(to: &buffer)
            return buffer
        }
    }

    /// Appends the `sequence`-th request of the cycle, carrying `xid`.
    func write(xid: Int32, sequence: Int = 0, to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeImmutableBuffer(frames[sequence % frames.count])
        buffer.setInteger(xid, at: start + 4, endianness: .big)
    }

    var length: Int { frames.map(\.readableBytes).max() ?? 0 }
}

/// The frames the generator sends.
enum LoadFrames {
    static let openACL = [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))]

    static func connect(timeoutMilliseconds: Int32) -> ByteBuffer {
        let request = ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: timeoutMilliseconds, sessionId: 0,
            passwd: ByteBuffer(repeating: 0, count: 16), readOnly: false
        )
        var buffer = ByteBuffer()
        ClientMessage.connect(ConnectRequestFrame(request: request)).write(to: &buffer)
        return buffer
    }

    static func create(path: String, data: ByteBuffer) -> RequestTemplate {
        RequestTemplate(op: .create, body: .create(CreateRequest(path: path, data: data, acl: openACL, flags: 0)))
    }

    static func getData(path: String) -> RequestTemplate {
        RequestTemplate(op: .getData, body: .getData(GetDataRequest(path: path, watch: false)))
    }

    static func setData(path: String, data: ByteBuffer) -> RequestTemplate {
        RequestTemplate(op: .setData, body: .setData(SetDataRequest(path: path, data: data, version: -1)))
    }

    /// Create a child, then delete it: two txns per cycle, no node left between cycles.
    static func createDelete(path: String, data: ByteBuffer) -> RequestTemplate {
        RequestTemplate([
            (.create, .create(CreateRequest(path: path, data: data, acl: openACL, flags: 0))),
            (.delete, .delete(DeleteRequest(path: path, version: -1))),
        ])
    }

    static let closeSession = RequestTemplate(op: .closeSession, body: .none)
}
