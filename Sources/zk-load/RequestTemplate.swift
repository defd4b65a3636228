import NIOCore
import ZooKeeperProtocol

/// One request frame encoded once by the codec; copies differ only in the xid,
/// which sits right after the 4-byte length prefix.
struct RequestTemplate {
    let bytes: ByteBuffer

    init(op: OpCode, body: RequestBody) {
        var buffer = ByteBuffer()
        ClientMessage.request(ClientRequest(xid: 0, op: op, body: body)).write(to: &buffer)
        bytes = buffer
    }

    /// Appends a copy carrying `xid`.
    func write(xid: Int32, to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeImmutableBuffer(bytes)
        buffer.setInteger(xid, at: start + 4, endianness: .big)
    }

    var length: Int { bytes.readableBytes }
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

    static let closeSession = RequestTemplate(op: .closeSession, body: .none)
}
