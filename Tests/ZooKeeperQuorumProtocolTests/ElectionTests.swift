import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperQuorumProtocol

@Suite struct ElectionTests {
    static let initialV1: [UInt8] =
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00]     // protocol version -65536
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]   // sid 3
        + [0x00, 0x00, 0x00, 0x0E]                           // address length 14
        + Array("10.0.0.3:3888".utf8) + [0x20]               // "10.0.0.3:3888 " (14 bytes)

    static let initialV2: [UInt8] =
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01]     // protocol version -65535
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02]   // sid 2
        + lengthPrefixed(Array("a:3888|b:3889".utf8))        // two addresses

    static let initialLegacy: [UInt8] =
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05]     // sid 5 alone

    @Test func initialMessages() throws {
        var v1 = ByteBuffer(Self.initialV1)
        let message = try #require(try InitialMessage.read(from: &v1))
        #expect(v1.readableBytes == 0)
        #expect(message.protocolVersion == .v1)
        #expect(message.serverId == 3)
        #expect(message.address == "10.0.0.3:3888 ")

        var v2 = ByteBuffer(Self.initialV2)
        let multi = try #require(try InitialMessage.read(from: &v2))
        #expect(multi.protocolVersion == .v2)
        #expect(multi.addresses == ["a:3888", "b:3889"])

        var legacy = ByteBuffer(Self.initialLegacy)
        let old = try #require(try InitialMessage.read(from: &legacy))
        #expect(old.protocolVersion == nil)
        #expect(old.serverId == 5)

        for (bytes, decoded) in [(Self.initialV1, message), (Self.initialV2, multi), (Self.initialLegacy, old)] {
            var encoded = ByteBuffer()
            decoded.write(to: &encoded)
            #expect(encoded.bytes == bytes)
            try expectEveryPrefixNeedsMore(bytes) { try InitialMessage.read(from: &$0) }
        }
        #expect(InitialMessage(protocolVersion: .v1, serverId: 3, address: "10.0.0.3:3888 ") == message)
    }

    @Test func badInitialMessages() throws {
        func kind(_ bytes: [UInt8]) -> QuorumProtocolError.Kind? {
            var buffer = ByteBuffer(bytes)
            do { _ = try InitialMessage.read(from: &buffer); return nil } catch { return error.kind }
        }
        #expect(kind(i64(-1)) == .unknownProtocolVersion)
        #expect(kind(i64(-65534) + i64(1)) == .unknownProtocolVersion)
        let head = i64(-65536) + i64(1)
        #expect(kind(head + i32(0)) == .invalidAddressLength)
        #expect(kind(head + i32(-1)) == .invalidAddressLength)
        #expect(kind(head + i32(2049)) == .invalidAddressLength)
        // 2048 is accepted: it just needs its bytes.
        #expect(kind(head + i32(2048)) == nil)
        var full = ByteBuffer(head + i32(2048) + [UInt8](repeating: 0x61, count: 2048))
        #expect(try InitialMessage.read(from: &full)?.addressBytes?.readableBytes == 2048)
    }

    /// 28 bytes, pre-3.4.
    static let notification28: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]                             // state LOOKING
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]   // leader 1
        + [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07]   // zxid 0x200000007
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04]   // electionEpoch 4

    /// 40 bytes: + peerEpoch and 4 bytes Java does not read.
    static let notification40: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]                             // state FOLLOWING
        + i64(3) + i64(0x3_0000_0001) + i64(5)               // leader, zxid, electionEpoch
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]   // peerEpoch 3
        + [0x00, 0x00, 0x00, 0x01]                           // version 1 (ignored by Java)

    static let config = Array("server.1=h1:2888:3888:participant\nversion=100000000".utf8)
    /// Version 2: + version and the config.
    static let notificationV2: [UInt8] =
        [0x00, 0x00, 0x00, 0x02]                             // state LEADING
        + i64(2)                                             // leader 2
        + i64(0x1_0000_0005)                                 // zxid
        + i64(1)                                             // electionEpoch
        + i64(1)                                             // peerEpoch
        + [0x00, 0x00, 0x00, 0x02]                           // version 2
        + lengthPrefixed(config)                             // config length + text

    @Test func notificationLayouts() throws {
        let old = try ElectionNotification(body: ByteBuffer(Self.notification28))
        #expect(old.state == .looking)
        #expect(old.leader == 1)
        #expect(old.zxid == 0x2_0000_0007)
        #expect(old.electionEpoch == 4)
        #expect(old.peerEpoch == nil)
        #expect(old.effectivePeerEpoch == 2)
        #expect(old.body.bytes == Self.notification28)

        let forty = try ElectionNotification(body: ByteBuffer(Self.notification40))
        #expect(forty.state == .following)
        #expect(forty.peerEpoch == 3)
        #expect(forty.version == nil)
        #expect(forty.trailer.bytes == [0, 0, 0, 1])
        #expect(forty.body.bytes == Self.notification40)

        let current = try ElectionNotification(body: ByteBuffer(Self.notificationV2))
        #expect(current.state == .leading)
        #expect(current.version == 2)
        #expect(current.configText == String(decoding: Self.config, as: UTF8.self))
        #expect(current.trailer.readableBytes == 0)
        #expect(current.body.bytes == Self.notificationV2)

        // Version 1 in a longer message: no config; the rest is ignored.
        let v1 = i32(0) + i64(1) + i64(1) + i64(1) + i64(1) + i32(1) + [9, 9]
        let parsed = try ElectionNotification(body: ByteBuffer(v1))
        #expect(parsed.version == 1)
        #expect(parsed.config == nil)
        #expect(parsed.body.bytes == v1)
    }

    @Test func malformedNotifications() {
        func fails(_ bytes: [UInt8]) -> Bool {
            (try? ElectionNotification(body: ByteBuffer(bytes))) == nil
        }
        #expect(fails(Array(Self.notification28.prefix(27))))       // short
        #expect(fails(Array(Self.notification40.prefix(36))))       // 36..39 cut the version
        #expect(fails(Array(Self.notificationV2.prefix(42))))       // version 2 cuts the config length
        #expect(fails(Array(Self.notificationV2.prefix(44)) + [0])) // config shorter than its length
        let head = Array(Self.notificationV2.prefix(40))
        #expect(fails(head + i32(-1)))                              // negative config length
        #expect(fails(head + i32(1000) + [UInt8](repeating: 0, count: 10))) // over the message size
    }

    func frame(_ body: [UInt8]) -> [UInt8] { lengthPrefixed(body) }

    @Test func connectorDirection() throws {
        let stream = Self.initialV1 + frame(Self.notificationV2) + frame(Self.notification40)
        var decoder = ElectionStreamDecoder(direction: .fromConnector)
        var buffer = ByteBuffer(stream)
        var items: [ElectionStreamItem] = []
        while let item = try decoder.next(from: &buffer) { items.append(item) }
        #expect(buffer.readableBytes == 0)
        #expect(items.count == 3)
        guard case .initialMessage(let message) = items[0], case .notification(let first) = items[1] else {
            Issue.record("\(items)")
            return
        }
        #expect(message.serverId == 3)
        #expect(first.version == 2)

        var byByte = ElectionStreamDecoder(direction: .fromConnector)
        let (fed, leftover) = try feedByteAtATime(stream) { try byByte.next(from: &$0) }
        #expect(fed == items)
        #expect(leftover == 0)

        // Re-encoding the items gives the stream back.
        var encoded = ByteBuffer()
        for item in items {
            switch item {
            case .initialMessage(let message): message.write(to: &encoded)
            case .notification(let notification): notification.writeFrame(to: &encoded)
            default: Issue.record("\(item)")
            }
        }
        #expect(encoded.bytes == stream)
    }

    @Test func acceptorDirectionAndPrefixes() throws {
        for body in [Self.notification28, Self.notification40, Self.notificationV2] {
            try expectEveryPrefixNeedsMore(frame(body)) { b in
                var decoder = ElectionStreamDecoder(direction: .fromAcceptor)
                return try decoder.next(from: &b)
            }
        }
        try expectEveryPrefixNeedsMore(Self.initialV2) { b in
            var decoder = ElectionStreamDecoder(direction: .fromConnector)
            return try decoder.next(from: &b)
        }
        // A short body is skipped, as Java skips it, and the stream goes on.
        var decoder = ElectionStreamDecoder(direction: .fromAcceptor)
        var buffer = ByteBuffer(frame([1, 2, 3]) + frame(Self.notification28))
        guard case .malformedNotification(let raw, let error) = try decoder.next(from: &buffer) else {
            Issue.record("no malformed item")
            return
        }
        #expect(raw.bytes == [1, 2, 3])
        #expect(error.kind == .invalidNotification)
        guard case .notification = try decoder.next(from: &buffer) else { Issue.record("no notification"); return }
    }

    @Test func badFrameLengths() throws {
        for length: Int32 in [0, -1, 512 * 1024 + 1] {
            var decoder = ElectionStreamDecoder(direction: .fromAcceptor)
            var buffer = ByteBuffer(i32(length))
            #expect(throws: QuorumProtocolError(.invalidMessageLength, detail: "\(length), limit 524288")) {
                try decoder.next(from: &buffer)
            }
            #expect(buffer.readableBytes == 4)
        }
        // The largest frame is accepted (it just waits for its bytes).
        var decoder = ElectionStreamDecoder(direction: .fromAcceptor)
        var buffer = ByteBuffer(i32(512 * 1024))
        #expect(try decoder.next(from: &buffer) == nil)
    }

    static let authPacket: [UInt8] =
        [0x5F, 0x24, 0x35, 0x01, 0x35, 0x01, 0xED, 0xCC]     // magic -0xa0dbcafecafe1234L
        + [0x00, 0x00, 0x00, 0x00]                           // status IN_PROGRESS
        + lengthPrefixed([0xDE, 0xAD])                       // token

    @Test func quorumAuthPacketsBeforeNotifications() throws {
        let stream = Self.initialLegacy + Self.authPacket + frame(Self.notification28)
        var decoder = ElectionStreamDecoder(direction: .fromConnector)
        let (items, leftover) = try feedByteAtATime(stream) { try decoder.next(from: &$0) }
        #expect(leftover == 0)
        #expect(items.count == 3)
        #expect(items[1] == .quorumAuth(QuorumAuthPacket(magic: QuorumAuth.magic, status: 0, token: ByteBuffer([0xDE, 0xAD]))))
    }

    @Test func serverStates() {
        #expect([ServerState.looking, .following, .leading, .observing].map(\.rawValue) == [0, 1, 2, 3])
        #expect(ServerState.leading.description == "LEADING")
        #expect(ServerState(9).description == "unknown(9)")
    }
}
