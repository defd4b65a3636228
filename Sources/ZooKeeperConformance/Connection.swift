import Glibc
import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// What reading a connection produced.
enum Incoming {
    /// A whole message and the bytes it came in (length prefix included).
    case message(ServerMessage, raw: ByteBuffer)
    /// Bytes that do not decode; the rest of the stream is not decoded either.
    case undecodable(String, raw: ByteBuffer)
    /// The server closed the connection (FIN or RST); `leftover` is a partial message.
    case closed(leftover: ByteBuffer)
    case timeout
}

struct ConnectionError: Error, CustomStringConvertible {
    var description: String
}

/// One client-port connection over a blocking socket; reads wait with poll(2)
/// and never longer than the deadline given.
final class Connection {
    let name: String
    private var fd: Int32
    private var inbound = ByteBuffer()
    private var outbound = ByteBuffer()
    private(set) var decoder = ClientConnectionDecoder()
    private var eof = false
    private var undecodable = false
    /// The server closed it and that has been reported.
    private(set) var closedReported = false
    private(set) var closedByClient = false
    private var nextXid: Int32 = 1

    /// The session this connection was given, if any.
    var sessionId: Int64 = 0
    var password: ByteBuffer?

    init(name: String, host: String, port: Int) throws {
        self.name = name
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let numeric = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, numeric, &address.sin_addr) == 1 else {
            throw ConnectionError(description: "not an IPv4 address: \(host)")
        }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            Glibc.close(fd)
            throw ConnectionError(description: "connect to \(host):\(port): \(String(cString: strerror(e)))")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    var isOpen: Bool { fd >= 0 && !eof }
    var serverClosed: Bool { eof }

    func takeXid() -> Int32 {
        defer { nextXid += 1 }
        return nextXid
    }

    /// Sends a message and tells the decoder about it, so replies decode by op.
    func send(_ message: ClientMessage) throws {
        var bytes = ByteBuffer()
        message.write(to: &bytes)
        try send(bytes: bytes)
    }

    /// Sends bytes; those that decode as client messages are noted for the replies.
    func send(bytes: ByteBuffer) throws {
        var copy = bytes
        outbound.writeBuffer(&copy)
        do {
            while try decoder.nextClientMessage(from: &outbound) != nil {}
        } catch {
            outbound.clear()
        }
        var pending = Array(bytes.readableBytesView)
        while !pending.isEmpty {
            let n = pending.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectionError(description: "send: \(String(cString: strerror(errno)))")
            }
            pending.removeFirst(n)
        }
    }

    /// The next message, a close, or a timeout at `deadline`.
    func next(until deadline: ContinuousClock.Instant) -> Incoming {
        while true {
            if !undecodable, inbound.readableBytes > 0 {
                let before = inbound
                do {
                    if let message = try decoder.nextServerMessage(from: &inbound) {
                        let raw = before.getSlice(at: before.readerIndex, length: before.readableBytes - inbound.readableBytes)!
                        if case .fourLetterReply = message, !eof {
                            // Unframed text: keep collecting until the server closes.
                            inbound = before
                        } else {
                            return .message(message, raw: raw)
                        }
                    }
                } catch {
                    undecodable = true
                    let raw = inbound.readSlice(length: inbound.readableBytes)!
                    return .undecodable("\(error)", raw: raw)
                }
            }
            if eof {
                if undecodable, inbound.readableBytes > 0 {
                    return .undecodable("after undecodable bytes", raw: inbound.readSlice(length: inbound.readableBytes)!)
                }
                let leftover = inbound.readSlice(length: inbound.readableBytes)!
                closedReported = true
                return .closed(leftover: leftover)
            }
            let now = ContinuousClock.now
            guard now < deadline else { return .timeout }
            let remaining = deadline - now
            let ms = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, ms)
            if ready < 0 {
                if errno == EINTR { continue }
                eof = true
                continue
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                inbound.writeBytes(chunk[0..<n])
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                eof = true
            }
        }
    }

    /// Closes the socket from our side.
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        closedByClient = true
    }
}
