import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ZooKeeperProtocol

/// A raw client for tests: sends bytes, collects what the server sends, and
/// decodes it with the project's codec. Every wait is bounded.
final class WireClient: Sendable {
    private let channel: any Channel
    private let inbox: Inbox
    private let decoder = NIOLockedValueBox(ClientConnectionDecoder())

    final class Inbox: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = NIOLockedValueBox(ByteBuffer())
        let closed = NIOLockedValueBox(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            _ = bytes.withLockedValue { $0.writeBuffer(&incoming) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.withLockedValue { $0 = true }
        }
    }

    /// - Parameter tls: a client TLS context: the connection starts with a handshake.
    static func connect(to address: SocketAddress, group: any EventLoopGroup, tls: NIOSSLContext? = nil) async throws -> WireClient {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(inbox)
                }
            }
            .connect(to: address).get()
        return WireClient(channel: channel, inbox: inbox)
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    func send(_ message: ClientMessage) async throws {
        var buffer = ByteBuffer()
        message.write(to: &buffer)
        // Let the decoder learn the ops, so it can decode the replies.
        var copy = buffer
        _ = decoder.withLockedValue { try? $0.nextClientMessage(from: &copy) }
        try await channel.writeAndFlush(buffer)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Opens a session; returns the ConnectResponse.
    func handshake(timeout: Int32 = 10_000, session: Int64 = 0, password: [UInt8] = Array(repeating: 0, count: 16)) async throws -> ConnectResponseFrame {
        try await send(.connect(ConnectRequestFrame(request: ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0, timeOut: timeout, sessionId: session, passwd: ByteBuffer(bytes: password), readOnly: false
        ))))
        guard case .connect(let response) = try await next() else { throw WireError.unexpected("no ConnectResponse") }
        return response
    }

    /// The next message from the server, waiting at most `seconds`. Looks
    /// once more after the deadline: a test task starved of CPU by other
    /// suites may wake up late with the message long since arrived.
    func next(seconds: Double = 20) async throws -> ServerMessage {
        let deadline = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
        while true {
            let message = try inbox.bytes.withLockedValue { bytes -> ServerMessage? in
                try decoder.withLockedValue { try $0.nextServerMessage(from: &bytes) }
            }
            if let message { return message }
            if inbox.closed.withLockedValue({ $0 }) { throw WireError.closed }
            if NIODeadline.now() >= deadline { throw WireError.timedOut }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// True once the server has closed the connection (within `seconds`).
    func waitClosed(seconds: Double = 20) async throws -> Bool {
        let deadline = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
        while NIODeadline.now() < deadline {
            if inbox.closed.withLockedValue({ $0 }) { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    var receivedText: String { inbox.bytes.withLockedValue { String(buffer: $0) } }
    /// Bytes received and not yet decoded.
    var receivedBytes: ByteBuffer { inbox.bytes.withLockedValue { $0 } }

    /// Sends one request and returns the next message (its reply, or an event first).
    func request(_ xid: Int32, _ op: OpCode, _ body: RequestBody) async throws -> ServerMessage {
        try await send(.request(ClientRequest(xid: xid, op: op, body: body)))
        return try await next()
    }

    /// A four-letter word on a fresh connection, in the given pieces (the word,
    /// split or followed by more bytes); returns all the server wrote before
    /// closing. Throws when the server does not close within `seconds`.
    static func fourLetterWord(
        _ pieces: [[UInt8]], to address: SocketAddress, group: any EventLoopGroup, seconds: Double = 5
    ) async throws -> String {
        let client = try await connect(to: address, group: group)
        for piece in pieces {
            try await client.sendRaw(piece)
            try await Task.sleep(for: .milliseconds(20))
        }
        guard try await client.waitClosed(seconds: seconds) else {
            await client.close()
            throw WireError.timedOut
        }
        return client.receivedText
    }

    static func fourLetterWord(_ word: String, to address: SocketAddress, group: any EventLoopGroup) async throws -> String {
        try await fourLetterWord([Array(word.utf8)], to: address, group: group)
    }

    func close() async { try? await channel.close() }
}

enum WireError: Error { case timedOut, closed, unexpected(String) }
