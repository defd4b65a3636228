import NIOCore
import Testing
import ZooKeeperTestSupport
import ZooKeeperJute
import ZooKeeperPCAP
import ZooKeeperProtocol
import ZooKeeperTraffic

/// Every client-port frame of every capture: decodes whole, re-encodes to the
/// same bytes, and every prefix of it is "need more bytes".
@Suite struct ClientCaptureTests {
    @Test func capturesArePresent() {
        #expect(Captures.names.count >= 10, "captures/: \(Captures.names)")
    }

    @Test(arguments: Captures.names)
    func everyClientMessageRoundTrips(capture: String) throws {
        let decoded = try Captures.decode(capture)
        #expect(decoded.streams.readError == nil)
        #expect(decoded.streams.gapCount == 0)
        let client = decoded.messages.filter { $0.proto == .client }
        #expect(client.count > 10, "\(capture): every capture has client-port traffic")
        for message in client {
            var again = ByteBuffer()
            switch message.content {
            case .client(let m): m.write(to: &again)
            case .server(let m): m.write(to: &again)
            case .election, .quorum, .malformed, .undecoded, .gap, .resynchronised, .closed:
                continue  // other suites check these
            }
            #expect(again == message.wireBytes, "\(capture): \(message.summary)")
        }
    }

    /// Re-decodes each connection's messages with a fresh decoder, checking on
    /// a copy of its state that every prefix of each message needs more bytes.
    @Test(arguments: Captures.names)
    func everyPrefixOfEveryClientMessageNeedsMoreBytes(capture: String) throws {
        let decoded = try Captures.decode(capture)
        var decoders: [ConnectionID: ClientConnectionDecoder] = [:]
        var checked = 0
        for message in decoded.messages where message.proto == .client {
            let isClient: Bool
            switch message.content {
            case .client: isClient = true
            case .server: isClient = false
            default: continue
            }
            var decoder = decoders[message.stream.connection, default: ClientConnectionDecoder()]
            let bytes = message.wireBytes
            for cut in prefixLengths(bytes.readableBytes) {
                var trial = decoder
                var prefix = bytes.getSlice(at: bytes.readerIndex, length: cut)!
                let result = isClient ? try trial.nextClientMessage(from: &prefix).map { "\($0)" }
                    : try trial.nextServerMessage(from: &prefix).map { "\($0)" }
                // A four-letter-word reply is unframed text: any prefix is itself a reply.
                if case .server(.fourLetterReply) = message.content { continue }
                if case .client(.raw) = message.content { continue }
                #expect(result == nil, "\(capture): \(cut)-byte prefix of \(message.summary)")
                #expect(prefix.readerIndex == 0)
            }
            var whole = bytes
            if isClient {
                _ = try decoder.nextClientMessage(from: &whole)
            } else {
                _ = try decoder.nextServerMessage(from: &whole)
            }
            #expect(whole.readableBytes == 0)
            decoders[message.stream.connection] = decoder
            checked += 1
        }
        #expect(checked > 10, "\(capture): \(checked) client messages checked")
    }
}

/// Every prefix for small messages; for large ones the first and last 64 and 256 between.
func prefixLengths(_ count: Int) -> [Int] {
    guard count > 512 else { return Array(0..<count) }
    let middle = stride(from: 64, to: count - 64, by: max(1, (count - 128) / 256))
    return Array(0..<64) + Array(middle) + Array((count - 64)..<count)
}
