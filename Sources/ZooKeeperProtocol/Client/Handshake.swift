import NIOCore
import ZooKeeperJute

/// The first frame a client sends. Clients older than 3.4 end it before the
/// `readOnly` byte; Java's server accepts both, so we record which form came.
public struct ConnectRequestFrame: Hashable, Sendable {
    public var request: ConnectRequest
    public var hasReadOnlyByte: Bool

    public init(request: ConnectRequest, hasReadOnlyByte: Bool = true) {
        self.request = request
        self.hasReadOnlyByte = hasReadOnlyByte
    }

    public init(frameBody: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        (request, hasReadOnlyByte) = try decodeOptionalReadOnly(
            frameBody, limits: limits,
            full: ConnectRequest.self,
            withoutReadOnly: { (b: inout ByteBuffer) throws(JuteError) in try ConnectRequest(juteFrom: &b, limits: limits, readOnlyDefault: false) }
        )
    }

    public func writeBody(to buffer: inout ByteBuffer) {
        if hasReadOnlyByte {
            request.writeJute(to: &buffer)
        } else {
            var full = request.juteBytes
            full.moveWriterIndex(to: full.writerIndex - 1)
            buffer.writeBuffer(&full)
        }
    }
}

/// The server's answer to a ConnectRequest. Servers before 3.4 omit `readOnly`.
/// A zero timeout means the session has expired (or, when the client's
/// lastZxidSeen is ahead of the server, that the server refused it).
public struct ConnectResponseFrame: Hashable, Sendable {
    public var response: ConnectResponse
    public var hasReadOnlyByte: Bool

    public init(response: ConnectResponse, hasReadOnlyByte: Bool = true) {
        self.response = response
        self.hasReadOnlyByte = hasReadOnlyByte
    }

    public init(frameBody: ByteBuffer, limits: JuteLimits = .default) throws(JuteError) {
        (response, hasReadOnlyByte) = try decodeOptionalReadOnly(
            frameBody, limits: limits,
            full: ConnectResponse.self,
            withoutReadOnly: { (b: inout ByteBuffer) throws(JuteError) in try ConnectResponse(juteFrom: &b, limits: limits, readOnlyDefault: false) }
        )
    }

    public func writeBody(to buffer: inout ByteBuffer) {
        if hasReadOnlyByte {
            response.writeJute(to: &buffer)
        } else {
            var full = response.juteBytes
            full.moveWriterIndex(to: full.writerIndex - 1)
            buffer.writeBuffer(&full)
        }
    }

    /// Java's client treats a non-positive negotiated timeout as session expiry.
    public var sessionExpired: Bool { response.timeOut <= 0 }
}

/// Reads `Record` with its final readOnly byte if present, else without it;
/// anything after the readOnly byte is an error.
private func decodeOptionalReadOnly<Record: JuteRecord>(
    _ body: ByteBuffer,
    limits: JuteLimits,
    full: Record.Type,
    withoutReadOnly: (inout ByteBuffer) throws(JuteError) -> Record
) throws(JuteError) -> (Record, Bool) {
    var short = body
    let record = try withoutReadOnly(&short)
    switch short.readableBytes {
    case 0:
        return (record, false)
    case 1:
        return (try Record(juteBytes: body, limits: limits), true)
    default:
        throw JuteError(
            .trailingBytes, field: Record.juteName,
            detail: "\(short.readableBytes - 1) bytes after readOnly"
        )
    }
}

extension ConnectRequest {
    init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits, readOnlyDefault: Bool) throws(JuteError) {
        self.init(
            protocolVersion: try buffer.readJuteInt(field: "ConnectRequest.protocolVersion"),
            lastZxidSeen: try buffer.readJuteLong(field: "ConnectRequest.lastZxidSeen"),
            timeOut: try buffer.readJuteInt(field: "ConnectRequest.timeOut"),
            sessionId: try buffer.readJuteLong(field: "ConnectRequest.sessionId"),
            passwd: try buffer.readJuteBuffer(limits: limits, field: "ConnectRequest.passwd"),
            readOnly: readOnlyDefault
        )
    }
}

extension ConnectResponse {
    init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits, readOnlyDefault: Bool) throws(JuteError) {
        self.init(
            protocolVersion: try buffer.readJuteInt(field: "ConnectResponse.protocolVersion"),
            timeOut: try buffer.readJuteInt(field: "ConnectResponse.timeOut"),
            sessionId: try buffer.readJuteLong(field: "ConnectResponse.sessionId"),
            passwd: try buffer.readJuteBuffer(limits: limits, field: "ConnectResponse.passwd"),
            readOnly: readOnlyDefault
        )
    }
}
