import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// Adler-32 straight from its definition, to check seals independently.
func referenceAdler(_ bytes: [UInt8]) -> Int64 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    return Int64(b << 16 | a)
}

@Suite struct SnapshotTests {
    static let stat: [UInt8] =
        i64(0x1_0000_0002)                                   // czxid
        + i64(0x1_0000_0003)                                 // mzxid
        + i64(1_700_000_000_000)                             // ctime
        + i64(1_700_000_000_500)                             // mtime
        + i32(1)                                             // version
        + i32(0)                                             // cversion
        + i32(0)                                             // aversion
        + i64(0x100)                                         // ephemeralOwner (session 0x100)
        + i64(0x1_0000_0002)                                 // pzxid
    static let zeroStat = [UInt8](repeating: 0, count: 60)   // StatPersisted, all zero

    static let body: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]                             // session count 1
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00]   // session id 0x100
        + [0x00, 0x00, 0x75, 0x30]                           // timeout 30000
        + [0x00, 0x00, 0x00, 0x01]                           // ACL cache count 1
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]   // ACL index 1
        + [0x00, 0x00, 0x00, 0x01]                           // ACL list count 1
        + [0x00, 0x00, 0x00, 0x1F]                           // perms ALL
        + ustr("world") + ustr("anyone")                     // Id
        + [0x00, 0x00, 0x00, 0x00]                           // path "" (the root)
        + [0x00, 0x00, 0x00, 0x00]                           // data, empty
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]   // acl -1 (OPEN_ACL_UNSAFE)
        + zeroStat
        + ustr("/zookeeper") + i32(0) + i64(-1) + zeroStat   // path, data, acl, stat
        + ustr("/a")                                         // path
        + lengthPrefixed([0x68, 0x69])                       // data "hi"
        + i64(1)                                             // acl index 1
        + stat
        + [0x00, 0x00, 0x00, 0x01, 0x2F]                     // path "/": end of nodes

    static let header: [UInt8] =
        [0x5A, 0x4B, 0x53, 0x4E]                             // magic "ZKSN"
        + [0x00, 0x00, 0x00, 0x02]                           // version 2
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]   // dbid -1

    static let digestSection: [UInt8] =
        i64(0x1_0000_0003)                                   // ZxidDigest.zxid
        + i32(2)                                             // digestVersion 2
        + i64(0x0BAD_CAFE_F00D)                              // digest

    /// Header, body, seal, digest, seal: what 3.8 writes by default.
    static var file: [UInt8] {
        var bytes = header + body
        bytes += i64(referenceAdler(bytes)) + ustr("/")      // seal after the tree
        bytes += digestSection
        bytes += i64(referenceAdler(bytes)) + ustr("/")      // seal after the digest
        return bytes
    }

    static let expectedBody = SnapshotBody(
        sessions: [SnapshotSession(sessionId: 0x100, timeout: 30000)],
        aclCache: [SnapshotACLEntry(index: 1, acl: [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))])],
        nodes: [
            SnapshotNode(path: "", data: ByteBuffer(), acl: -1, stat: StatPersisted(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, pzxid: 0)),
            SnapshotNode(path: "/zookeeper", data: ByteBuffer(), acl: -1, stat: StatPersisted(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, pzxid: 0)),
            SnapshotNode(
                path: "/a", data: ByteBuffer(string: "hi"), acl: 1,
                stat: StatPersisted(czxid: 0x1_0000_0002, mzxid: 0x1_0000_0003, ctime: 1_700_000_000_000, mtime: 1_700_000_000_500, version: 1, cversion: 0, aversion: 0, ephemeralOwner: 0x100, pzxid: 0x1_0000_0002)
            ),
        ]
    )

    @Test func bodyDecodesAndReencodes() throws {
        let body = try SnapshotBody(decoding: ByteBuffer(Self.body))
        #expect(body == Self.expectedBody)
        var encoded = ByteBuffer()
        body.write(to: &encoded)
        #expect(encoded.bytes == Self.body)
    }

    @Test func bodyDecoderNeedsWholeItems() throws {
        // Each item's bytes: every prefix is "need more" and consumes nothing.
        var decoder = SnapshotBodyDecoder()
        var buffer = ByteBuffer(Self.body)
        var offset = 0
        var items: [SnapshotBodyItem] = []
        while let item = try decoder.next(from: &buffer) {
            let length = decoder.bytesConsumed - offset
            let itemBytes = Array(Self.body[offset..<(offset + length)])
            let state = decoder
            var fresh = SnapshotBodyDecoder()
            // Bring a fresh decoder to the same point, then try each prefix.
            var replay = ByteBuffer(Array(Self.body[..<offset]))
            while try fresh.next(from: &replay) != nil {}
            try expectEveryPrefixNeedsMore(itemBytes) { b in var d = fresh; return try d.next(from: &b) }
            _ = state
            items.append(item)
            offset += length
        }
        #expect(decoder.isComplete)
        #expect(decoder.sessionCount == 1)
        #expect(decoder.aclCacheCount == 1)
        #expect(decoder.nodeCount == 3)
        #expect(items == Self.expectedBody.items)
        // Byte-at-a-time feeding gives the same items.
        var byByte = SnapshotBodyDecoder()
        let (fed, leftover) = try feedByteAtATime(Self.body) { try byByte.next(from: &$0) }
        #expect(fed == items)
        #expect(leftover == 0)
    }

    @Test func fileWithDigest() throws {
        let file = try SnapshotFile(decoding: ByteBuffer(Self.file))
        #expect(file.header == FileHeader(magic: FileMagic.snapshot, version: 2, dbid: -1))
        #expect(file.body == Self.expectedBody)
        #expect(file.digest == SnapshotZxidDigest(zxid: 0x1_0000_0003, digestVersion: 2, digest: .long(0x0BAD_CAFE_F00D)))
        #expect(file.lastProcessedZxid == nil)
        #expect(file.encode().bytes == Self.file)
    }

    @Test func fileDecoderByteAtATime() throws {
        var decoder = SnapshotFileDecoder()
        var (items, leftover) = try feedByteAtATime(Self.file) { try decoder.next(from: &$0) }
        #expect(leftover == 0)
        // The digest section is optional, so only the caller knows the file ended.
        #expect(!decoder.isComplete)
        var empty = ByteBuffer()
        #expect(try decoder.next(from: &empty, endOfInput: true) == nil)
        #expect(decoder.isComplete)
        #expect(items.count == 1 + Self.expectedBody.items.count + 2)
        var reencoded = ByteBuffer()
        for item in items { item.write(to: &reencoded) }
        #expect(reencoded.bytes == Self.file)
        items.removeAll()
    }

    @Test func fileTrailerVariants() throws {
        // Digests disabled: the tree's seal alone.
        var plain = Self.header + Self.body
        plain += i64(referenceAdler(plain)) + ustr("/")
        let noDigest = try SnapshotFile(decoding: ByteBuffer(plain))
        #expect(noDigest.digest == nil)
        #expect(noDigest.encode().bytes == plain)
        // 3.9: the last processed zxid and a third seal.
        var withZxid = Self.file + i64(0x1_0000_0003)
        withZxid += i64(referenceAdler(withZxid)) + ustr("/")
        let nine = try SnapshotFile(decoding: ByteBuffer(withZxid))
        #expect(nine.lastProcessedZxid == 0x1_0000_0003)
        #expect(nine.encode().bytes == withZxid)
        // Digest version 1 kept the digest as a hex string.
        var legacy = plain + i64(5) + i32(1) + ustr("abc123")
        legacy += i64(referenceAdler(legacy)) + ustr("/")
        let old = try SnapshotFile(decoding: ByteBuffer(legacy))
        #expect(old.digest == SnapshotZxidDigest(zxid: 5, digestVersion: 1, digest: .hexString("abc123")))
        #expect(old.encode().bytes == legacy)
    }

    func fileError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> StorageFormatError? {
        do {
            _ = try SnapshotFile(decoding: ByteBuffer(bytes))
            Issue.record("no error", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func badSnapshots() {
        let file = Self.file
        // Wrong magic.
        #expect(fileError(Self.header.map { $0 == 0x53 ? 0x4C : $0 } + Array(file.dropFirst(16)))?.kind == .badMagic)
        // A flipped byte in node data: the tree's seal no longer matches.
        var flipped = file
        flipped[Self.header.count + Self.body.count - 70] ^= 0x01
        let mismatch = fileError(flipped)
        #expect(mismatch?.kind == .checksumMismatch)
        #expect(mismatch?.offset == Self.header.count + Self.body.count)
        // Truncated anywhere, and trailing garbage.
        #expect(fileError(Array(file.dropLast(3)))?.kind == .truncated)
        #expect(fileError(Array(file.prefix(100)))?.kind == .truncated)
        #expect(fileError(file + [0])?.kind != nil)
        // A negative session count.
        #expect(fileError(Self.header + i32(-1))?.kind == .negativeCount)
        // A null node path; a null ACL list; a negative data length; an oversized path.
        let afterACL = Array(Self.body.prefix(55))
        #expect(fileError(Self.header + afterACL + i32(-1))?.kind == .invalidRecord)
        #expect(fileError(Self.header + Array(Self.body.prefix(28)) + i32(-1))?.kind == .invalidRecord)
        #expect(fileError(Self.header + afterACL + ustr("/x") + i32(-7))?.jute?.kind == .negativeLength)
        #expect(fileError(Self.header + afterACL + i32(0x7FFF_0000))?.jute?.kind == .lengthExceedsLimit)
    }
}
