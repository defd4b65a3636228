import Logging
import NIOCore
import NIOSSL
import NIOTLS
import ZooKeeperServerCore

/// Sent down the pipeline once a TLS handshake completes with a verified client
/// certificate: the identities it gives (`x509:<subject DN>`, maybe `super:`).
struct ClientCertificateIdentities {
    var identities: [AuthIdentity]
}

/// What a TLS connection's handlers share: the key material current when it
/// was accepted, the x509 provider, the logger, and the auth-failure counter
/// (Java's serverStats().incrementAuthFailedCount()).
struct TLSConnectionSetup {
    var tls: ClientTLS
    var provider: X509AuthenticationProvider?
    var logger: Logger
    var authFailed: @Sendable () -> Void

    /// The TLS handler and, behind it, the handshake check.
    func handlers() -> [ChannelHandler] {
        [NIOSSLServerHandler(context: tls.context), TLSHandshakeHandler(setup: self)]
    }
}

/// Behind the TLS handler: logs a failed handshake (closing only that
/// connection), and turns the client's certificate into x509 identities
/// (NettyServerCnxnFactory.CertificateVerifier and X509AuthenticationProvider).
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let setup: TLSConnectionSetup
    private var handshakeDone = false
    private var tls: ClientTLS { setup.tls }
    private var logger: Logger { setup.logger }

    init(setup: TLSConnectionSetup) { self.setup = setup }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        handshakeDone = true
        var metadata: Logger.Metadata = ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"]
        // Java looks at the certificate only when it asked for one.
        if tls.clientAuth != .none,
           let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate {
            do {
                let dn = try DistinguishedName.subject(ofCertificate: try certificate.toDERBytes())
                metadata["subject"] = "\(dn)"
                guard tls.hasTrustStore else {
                    setup.authFailed()
                    logger.error("closing connection: no trust manager (ssl.trustStore.location) to authenticate the client certificate", metadata: metadata)
                    context.close(promise: nil)
                    return
                }
                if let provider = setup.provider {
                    let identities = provider.identities(subject: dn)
                    logger.info("Authenticated Id '\(dn)' for Scheme 'x509'", metadata: metadata)
                    context.fireUserInboundEventTriggered(ClientCertificateIdentities(identities: identities))
                }
            } catch {
                setup.authFailed()
                logger.error("closing connection: cannot read the client certificate's subject: \(error)", metadata: metadata)
                context.close(promise: nil)
                return
            }
        }
        logger.debug("TLS handshake done", metadata: metadata)
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !handshakeDone else {
            context.fireErrorCaught(error)
            return
        }
        setup.authFailed()
        logger.warning(
            "closing connection: TLS handshake failed: \(error)",
            metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"]
        )
        handshakeDone = true
        context.close(promise: nil)
    }
}

/// `client.portUnification`: the first byte of a connection on the plain port
/// tells TLS (a handshake record, 0x16) from a ZooKeeper frame, as Netty's
/// OptionalSslHandler does for Java; TLS then goes through the same handlers as
/// on the secure port.
final class PortUnificationHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let setup: TLSConnectionSetup
    private var decided = false
    private var tls: ClientTLS { setup.tls }
    private var logger: Logger { setup.logger }

    init(setup: TLSConnectionSetup) { self.setup = setup }

    func channelActive(context: ChannelHandlerContext) {
        let timeout = tls.handshakeDetectionTimeout
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        let logger = logger
        context.eventLoop.scheduleTask(in: timeout) {
            guard !bound.value.decided else { return }
            logger.info("closing connection: no bytes within ssl.handshakeDetectionTimeoutMillis (\(timeout.nanoseconds / 1_000_000) ms)")
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !decided, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            context.fireChannelRead(data)
            return
        }
        decided = true
        if first == 0x16 {
            do {
                try context.pipeline.syncOperations.addHandlers(setup.handlers(), position: .after(self))
            } catch {
                logger.error("closing connection: cannot set up TLS: \(error)")
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
