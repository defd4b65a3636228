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

/// Behind the TLS handler: logs a failed handshake (closing only that
/// connection), and turns the client's certificate into x509 identities
/// (NettyServerCnxnFactory.CertificateVerifier and X509AuthenticationProvider).
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let tls: ClientTLS
    private let provider: X509AuthenticationProvider?
    private let logger: Logger
    private let authFailed: @Sendable () -> Void
    private var handshakeDone = false

    /// - Parameter authFailed: counts a failed handshake or certificate, as Java's
    ///   serverStats().incrementAuthFailedCount().
    init(tls: ClientTLS, provider: X509AuthenticationProvider?, logger: Logger, authFailed: @escaping @Sendable () -> Void) {
        self.tls = tls
        self.provider = provider
        self.logger = logger
        self.authFailed = authFailed
    }

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
                    authFailed()
                    logger.error("closing connection: no trust manager (ssl.trustStore.location) to authenticate the client certificate", metadata: metadata)
                    context.close(promise: nil)
                    return
                }
                if let provider {
                    let identities = provider.identities(subject: dn)
                    logger.info("Authenticated Id '\(dn)' for Scheme 'x509'", metadata: metadata)
                    context.fireUserInboundEventTriggered(ClientCertificateIdentities(identities: identities))
                }
            } catch {
                authFailed()
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
        authFailed()
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

    private let tls: ClientTLS
    private let provider: X509AuthenticationProvider?
    private let logger: Logger
    private let authFailed: @Sendable () -> Void
    private var decided = false

    init(tls: ClientTLS, provider: X509AuthenticationProvider?, logger: Logger, authFailed: @escaping @Sendable () -> Void) {
        self.tls = tls
        self.provider = provider
        self.logger = logger
        self.authFailed = authFailed
    }

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
                try context.pipeline.syncOperations.addHandlers(
                    [
                        NIOSSLServerHandler(context: tls.context),
                        TLSHandshakeHandler(tls: tls, provider: provider, logger: logger, authFailed: authFailed),
                    ],
                    position: .after(self)
                )
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
