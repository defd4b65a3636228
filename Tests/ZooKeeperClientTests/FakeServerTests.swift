import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// A server that misbehaves on purpose, on a free loopback port: its first
/// connection answers the first request with `misbehaviour`, later ones
/// answer properly (NoNode for everything).
final class MisbehavingServer: @unchecked Sendable {
    enum Misbehaviour: Sendable {
        case wrongXid, garbage, oversizedFrame, truncatedConnectResponse, silence
    }

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private(set) var channel: Channel?
    let connectRequests = NIOLockedValueBox<[ConnectRequest]>([])
    let misbehaviour: Misbehaviour

    init(_ misbehaviour: Misbehaviour) { self.misbehaviour = misbehaviour }

    var port: Int { channel?.localAddress?.port ?? 0 }

    func start() async throws {
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.addHandler(Handler(server: self))
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let server: MisbehavingServer
        var buffer = ByteBuffer()
        var handshaken = false
        var first = false

        init(server: MisbehavingServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer.writeBuffer(&bytes)
            while let frame = try? Frame.read(from: &buffer) {
                handle(frame, context: context)
            }
        }

        private func handle(_ frame: ByteBuffer, context: ChannelHandlerContext) {
            var out = ByteBuffer()
            if !handshaken {
                handshaken = true
                guard let request = try? ConnectRequestFrame(frameBody: frame).request else { return }
                first = server.connectRequests.withLockedValue { $0.append(request); return $0.count == 1 }
                if first && server.misbehaviour == .truncatedConnectResponse {
                    out.writeInteger(Int32(6))
                    out.writeBytes([0, 0, 0, 0, 0, 1])
                } else {
                    ServerMessage.connect(ConnectResponseFrame(response: ConnectResponse(
                        protocolVersion: 0, timeOut: 6_000, sessionId: 0x77,
                        passwd: ByteBuffer(repeating: 5, count: 16), readOnly: false))).write(to: &out)
                }
                context.writeAndFlush(NIOAny(out), promise: nil)
                return
            }
            guard let request = try? ClientRequest(frameBody: frame) else { return }
            if request.op == .ping {
                if first && server.misbehaviour == .silence { return }
                ServerMessage.reply(ServerReply(header: ReplyHeader(xid: Xid.ping, zxid: 1, err: 0), op: .ping, body: .none)).write(to: &out)
            } else if first {
                switch server.misbehaviour {
                case .wrongXid:
                    ServerMessage.reply(ServerReply(header: ReplyHeader(xid: request.xid + 100, zxid: 1, err: 0), op: nil, body: .none)).write(to: &out)
                case .garbage:
                    out.writeInteger(Int32(3))
                    out.writeBytes([1, 2, 3])
                case .oversizedFrame:
                    out.writeInteger(Int32(Frame.defaultMaxLength + 1))
                case .truncatedConnectResponse, .silence:
                    return
                }
            } else {
                ServerMessage.reply(ServerReply(header: ReplyHeader(xid: request.xid, zxid: 2, err: ErrorCode.noNode.rawValue), op: nil, body: .none)).write(to: &out)
            }
            context.writeAndFlush(NIOAny(out), promise: nil)
        }
    }
}

@Suite struct FakeServerTests {
    /// Every misbehaviour costs the pending call ConnectionLoss, then the client
    /// reconnects with the same session and carries on.
    @Test(arguments: [MisbehavingServer.Misbehaviour.wrongXid, .garbage, .oversizedFrame, .silence])
    func badRepliesFailThePendingCallAndTheSessionResumes(_ misbehaviour: MisbehavingServer.Misbehaviour) async throws {
        let server = MisbehavingServer(misbehaviour)
        try await server.start()
        let zk = try ZooKeeperClient(connectString: "127.0.0.1:\(server.port)", sessionTimeout: .seconds(6))
        do {
            try await zk.waitUntilConnected()
            let states = zk.states()
            await #expect(throws: ZooKeeperError(.connectionLoss, path: "/x")) { try await zk.getData("/x") }
            #expect(await next(states) { $0 == .disconnected } == .disconnected)
            #expect(await next(states) { $0 == .syncConnected } == .syncConnected)
            await #expect(throws: ZooKeeperError(.noNode, path: "/x")) { try await zk.getData("/x") }
            let requests = server.connectRequests.withLockedValue { $0 }
            #expect(requests.count >= 2)
            #expect(requests.last?.sessionId == 0x77)
            #expect(requests.last?.passwd == ByteBuffer(repeating: 5, count: 16))
        } catch {
            Issue.record(error)
        }
        await zk.close()
        await server.stop()
    }

    @Test func truncatedConnectResponseIsRetried() async throws {
        let server = MisbehavingServer(.truncatedConnectResponse)
        try await server.start()
        let zk = try ZooKeeperClient(connectString: "127.0.0.1:\(server.port)", sessionTimeout: .seconds(6))
        try await zk.waitUntilConnected()
        #expect(server.connectRequests.withLockedValue { $0.count } == 2)
        #expect(await zk.sessionId == 0x77)
        await zk.close()
        await server.stop()
    }
}
