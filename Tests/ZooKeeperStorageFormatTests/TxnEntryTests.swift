import NIOCore
import ZooKeeperTestSupport
import Testing
import ZooKeeperJute
import ZooKeeperProtocol

@Suite struct TxnEntryTests {
    /// TxnHeader for session 0x100, cxid 3, zxid 0x100000002, time 1700000000000, type `type`.
    static func header(type: Int32) -> [UInt8] {
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00]   // clientId 0x100
            + [0x00, 0x00, 0x00, 0x03]                       // cxid 3
            + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02] // zxid 0x100000002
            + [0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00] // time 1700000000000
            + i32(type)                                      // type
    }

    static let digest: [UInt8] =
        [0x00, 0x00, 0x00, 0x02]                             // TxnDigest.version 2
        + [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0]   // TxnDigest.treeDigest

    static let worldACL: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]                             // acl count 1
        + [0x00, 0x00, 0x00, 0x1F]                           // perms ALL
        + ustr("world") + ustr("anyone")                     // Id

    func roundTrip(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> TxnEntry {
        let entry = try TxnEntry(juteBytes: ByteBuffer(bytes))
        #expect(entry.juteBytes.bytes == bytes, sourceLocation: sourceLocation)
        return entry
    }

    @Test func createWithDigest() throws {
        let bytes = Self.header(type: 1)
            + ustr("/a")                                     // path
            + lengthPrefixed([0x68, 0x69])                   // data "hi"
            + Self.worldACL                                  // acl
            + [0x00]                                         // ephemeral false
            + [0x00, 0x00, 0x00, 0x05]                       // parentCVersion 5
            + Self.digest
        let entry = try roundTrip(bytes)
        #expect(entry.header.clientId == 0x100)
        #expect(entry.header.cxid == 3)
        #expect(entry.header.zxid == 0x1_0000_0002)
        #expect(entry.header.time == 1_700_000_000_000)
        #expect(entry.type == .create)
        guard case .create(let create) = entry.body else { Issue.record("\(entry.body)"); return }
        #expect(create.path == "/a")
        #expect(create.data?.bytes == [0x68, 0x69])
        #expect(create.acl == [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))])
        #expect(create.ephemeral == false)
        #expect(create.parentCVersion == 5)
        #expect(entry.digest == TxnDigest(version: 2, treeDigest: 0x1234_5678_9ABC_DEF0))
    }

    @Test func createWithoutDigest() throws {
        let bytes = Self.header(type: 15) + ustr("/b") + i32(-1) + Self.worldACL + [0x01] + i32(0)
        let entry = try roundTrip(bytes)
        #expect(entry.digest == nil)
        guard case .create(let create) = entry.body else { Issue.record("\(entry.body)"); return }
        #expect(create.data == nil)
        #expect(create.ephemeral)
    }

    @Test func createV0FromOldLogs() throws {
        // No parentCVersion: Java's EOF fallback to CreateTxnV0.
        let v0 = Self.header(type: 1) + ustr("/old") + lengthPrefixed([1]) + Self.worldACL + [0x00]
        let entry = try roundTrip(v0)
        guard case .createV0(let create) = entry.body else { Issue.record("\(entry.body)"); return }
        #expect(create.path == "/old")
        #expect(entry.digest == nil)
        // The same with a digest: CreateTxn would leave 8 bytes, V0 leaves a whole digest.
        let withDigest = try roundTrip(v0 + Self.digest)
        guard case .createV0 = withDigest.body else { Issue.record("\(withDigest.body)"); return }
        #expect(withDigest.digest != nil)
        // create2 has no V0 form.
        #expect(throws: JuteError.self) { try TxnEntry(juteBytes: ByteBuffer(Self.header(type: 15) + Array(v0.dropFirst(32)))) }
    }

    @Test func closeSessionLayouts() throws {
        // Before CloseSessionTxn: the header alone, with or without digest.
        #expect(try roundTrip(Self.header(type: -11)).body == .empty)
        let bare = try roundTrip(Self.header(type: -11) + Self.digest)
        #expect(bare.body == .empty)
        #expect(bare.digest != nil)
        // With CloseSessionTxn: the ephemerals to delete.
        let full = try roundTrip(Self.header(type: -11) + i32(2) + ustr("/e1") + ustr("/e2") + Self.digest)
        #expect(full.body == .closeSession(CloseSessionTxn(paths2Delete: ["/e1", "/e2"])))
        #expect(full.digest != nil)
    }

    @Test func everyOtherType() throws {
        let cases: [(Int32, [UInt8], TxnBody)] = [
            (-10, i32(30000), .createSession(CreateSessionTxn(timeOut: 30000))),
            (2, ustr("/d"), .delete(DeleteTxn(path: "/d"))),
            (20, ustr("/c"), .delete(DeleteTxn(path: "/c"))),
            (5, ustr("/s") + lengthPrefixed([9]) + i32(4), .setData(SetDataTxn(path: "/s", data: ByteBuffer([9]), version: 4))),
            (16, ustr("/zookeeper/config") + lengthPrefixed(Array("server.1=a".utf8)) + i32(-1),
             .setData(SetDataTxn(path: "/zookeeper/config", data: ByteBuffer(string: "server.1=a"), version: -1))),
            (7, ustr("/p") + Self.worldACL + i32(2),
             .setACL(SetACLTxn(path: "/p", acl: [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))], version: 2))),
            (13, ustr("/v") + i32(7), .checkVersion(CheckVersionTxn(path: "/v", version: 7))),
            (-1, i32(-101), .error(ErrorTxn(err: -101))),
            (21, ustr("/t") + i32(-1) + Self.worldACL + i32(0) + i64(5000),
             .createTTL(CreateTTLTxn(path: "/t", data: nil, acl: [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))], parentCVersion: 0, ttl: 5000))),
            (19, ustr("/k") + i32(0) + Self.worldACL + i32(1),
             .createContainer(CreateContainerTxn(path: "/k", data: ByteBuffer(), acl: [ACL(perms: 31, id: Id(scheme: "world", id: "anyone"))], parentCVersion: 1))),
        ]
        for (type, body, expected) in cases {
            let entry = try roundTrip(Self.header(type: type) + body + Self.digest)
            #expect(entry.body == expected, "type \(type)")
            #expect(entry.digest != nil)
        }
    }

    @Test func multiDecodesEachOp() throws {
        let create = ustr("/m") + lengthPrefixed([]) + Self.worldACL + [0x00] + i32(0)
        let bytes = Self.header(type: 14)
            + i32(4)                                         // txns count
            + i32(1) + lengthPrefixed(create)                // create op
            + i32(13) + lengthPrefixed(ustr("/m") + i32(0))  // check op
            + i32(-1) + lengthPrefixed(i32(-110))            // error op
            + i32(99) + lengthPrefixed([0xAA, 0xBB])         // unknown op: kept raw
            + Self.digest
        let entry = try roundTrip(bytes)
        guard case .multi(let ops) = entry.body else { Issue.record("\(entry.body)"); return }
        #expect(ops.map(\.type) == [.create, .check, .error, OpCode(99)])
        #expect(ops[1].body == .checkVersion(CheckVersionTxn(path: "/m", version: 0)))
        #expect(ops[2].body == .error(ErrorTxn(err: -110)))
        #expect(ops[3].body == .unknown(ByteBuffer([0xAA, 0xBB])))
    }

    @Test func unknownTypeKeepsTheBytes() throws {
        let entry = try roundTrip(Self.header(type: 42) + [1, 2, 3, 4, 5])
        #expect(entry.body == .unknown(ByteBuffer([1, 2, 3, 4, 5])))
        #expect(entry.digest == nil)
    }

    @Test func badInput() {
        func kind(_ bytes: [UInt8]) -> JuteError.Kind? {
            do { _ = try TxnEntry(juteBytes: ByteBuffer(bytes)); return nil } catch { return error.kind }
        }
        // Trailing garbage that is not a whole digest.
        #expect(kind(Self.header(type: 2) + ustr("/d") + [1, 2, 3]) == .trailingBytes)
        #expect(kind(Self.header(type: 2) + ustr("/d") + Self.digest + [0]) == .trailingBytes)
        // Truncated header.
        #expect(kind(Array(Self.header(type: 2).prefix(20))) == .truncated)
        // Negative and oversized path lengths.
        #expect(kind(Self.header(type: 2) + i32(-2)) == .negativeLength)
        #expect(kind(Self.header(type: 2) + i32(0x7FFF_FFFF)) == .lengthExceedsLimit)
        // A multi op with null data, and one with bytes after its record.
        #expect(kind(Self.header(type: 14) + i32(1) + i32(2) + i32(-1)) == .invalidValue)
        #expect(kind(Self.header(type: 14) + i32(1) + i32(2) + lengthPrefixed(ustr("/x") + [0])) == .trailingBytes)
        // A null multi vector.
        #expect(kind(Self.header(type: 14) + i32(-1)) == .invalidValue)
    }
}
