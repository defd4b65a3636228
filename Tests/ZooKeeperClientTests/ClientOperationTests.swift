import NIOCore
import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// Every operation of the client against a real server (in-process zkserver,
/// or Java ZooKeeper when ZK_TEST_SERVER is set).
@Suite struct ClientOperationTests {
    static func connect(_ server: TestServer, chroot: String = "") async throws -> ZooKeeperClient {
        let client = try ZooKeeperClient(connectString: server.connectString + chroot, sessionTimeout: .seconds(30))
        try await client.waitUntilConnected()
        return client
    }

    @Test func createReadUpdateDelete() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            let root = uniqueRoot("crud")
            #expect(try await zk.create(root, data: Array("hi".utf8)) == root)
            let (data, stat) = try await zk.getData(root)
            #expect(data == Array("hi".utf8))
            #expect(stat.version == 0)
            #expect(try await zk.exists(root)?.dataLength == 2)
            #expect(try await zk.exists(root + "/nope") == nil)
            let updated = try await zk.setData(root, data: [1, 2, 3], version: 0)
            #expect(updated.version == 1)
            await #expect(throws: ZooKeeperError(.badVersion, path: root)) { try await zk.setData(root, data: [], version: 0) }
            await #expect(throws: ZooKeeperError(.noNode, path: root + "/x/y")) { try await zk.create(root + "/x/y") }
            await #expect(throws: ZooKeeperError(.nodeExists, path: root)) { try await zk.create(root) }
            try await zk.create(root + "/child")
            await #expect(throws: ZooKeeperError(.notEmpty, path: root)) { try await zk.delete(root) }
            try await zk.delete(root + "/child", version: 0)
            try await zk.delete(root, version: 1)
            #expect(try await zk.exists(root) == nil)
            await #expect(throws: ZooKeeperError(.noNode, path: root)) { try await zk.delete(root) }
            await #expect(throws: ZooKeeperArgumentError.self) { try await zk.create("no-slash") }
            await zk.close()
        }
    }

    @Test func everyCreateMode() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            let root = uniqueRoot("modes")
            try await zk.create(root)
            let seq = try await zk.create(root + "/s-", mode: .persistentSequential)
            #expect(seq == root + "/s-0000000000")
            let eph = try await zk.create(root + "/e", mode: .ephemeral)
            let ephSeq = try await zk.create(root + "/es-", mode: .ephemeralSequential)
            #expect(ephSeq == root + "/es-0000000002")
            #expect(Set(try await zk.getEphemerals(root)) == [eph, ephSeq])
            let (containerPath, containerStat) = try await zk.createWithStat(root + "/c", mode: .container)
            #expect(containerPath == root + "/c")
            #expect(containerStat.czxid > 0)
            let (ttlPath, ttlStat) = try await zk.createWithStat(root + "/t", mode: .persistentWithTTL, ttl: 60_000)
            #expect(ttlPath == root + "/t")
            #expect(ttlStat.czxid > containerStat.czxid)
            let (ttlSeq, _) = try await zk.createWithStat(root + "/ts-", mode: .persistentSequentialWithTTL, ttl: 60_000)
            #expect(ttlSeq.hasPrefix(root + "/ts-"))
            let (plain, plainStat) = try await zk.createWithStat(root + "/p", data: [9])
            #expect(plain == root + "/p")
            #expect(plainStat.dataLength == 1)
            #expect(try await zk.getAllChildrenNumber(root) == 7)
            let (children, stat) = try await zk.getChildrenWithStat(root)
            #expect(children.count == 7)
            #expect(stat.numChildren == 7)
            await zk.close()
            // Ephemerals go with the session.
            let other = try await Self.connect(server)
            #expect(try await other.exists(eph) == nil)
            await other.close()
        }
    }

    @Test func aclsAuthAndWhoAmI() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            let root = uniqueRoot("acl")
            try await zk.create(root, acl: ACL.openACLUnsafe)
            #expect(try await zk.getACL(root).acl == ACL.openACLUnsafe)
            try await zk.addAuth(scheme: "digest", auth: Array("alice:secret".utf8))
            #expect(try await zk.whoAmI().contains { $0.authScheme == "digest" && $0.user == "alice" })
            let stat = try await zk.setACL(root, acl: ACL.creatorAllACL, version: 0)
            #expect(stat.aversion == 1)
            let acl = try await zk.getACL(root).acl
            #expect(acl.first?.id.scheme == "digest")
            await #expect(throws: ZooKeeperError(.badVersion, path: root)) { try await zk.setACL(root, acl: ACL.openACLUnsafe, version: 0) }
            let stranger = try await Self.connect(server)
            await #expect(throws: ZooKeeperError(.noAuth, path: root)) { try await stranger.getData(root) }
            await #expect(throws: ZooKeeperError(.invalidACL, path: root + "/x")) {
                try await stranger.create(root + "/x", acl: ACL.creatorAllACL)
            }
            try await zk.delete(root)
            await stranger.close()
            await zk.close()
        }
    }

    @Test func multiAndMultiRead() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            let root = uniqueRoot("multi")
            let results = try await zk.multi {
                Op.create(path: root, data: [], acl: ACL.openACLUnsafe, mode: .persistent)
                Op.create(path: root + "/a", data: [1], acl: ACL.openACLUnsafe, mode: .persistent)
                Op.setData(path: root + "/a", data: [2], version: 0)
                Op.check(path: root, version: 0)
            }
            #expect(results.count == 4)
            #expect(results[0] == .create(path: root, stat: nil))
            guard case .setData(let stat) = results[2] else { Issue.record("setData result"); return }
            #expect(stat.version == 1)
            #expect(results[3] == .check)
            do {
                _ = try await zk.multi([
                    .create(path: root + "/b", data: [], acl: ACL.openACLUnsafe, mode: .persistent),
                    .delete(path: root + "/missing"),
                ])
                Issue.record("multi should fail")
            } catch let error as ZooKeeperError {
                #expect(error.code == .noNode)
                #expect(error.results?.count == 2)
            }
            #expect(try await zk.exists(root + "/b") == nil)
            let reads = try await zk.multiRead {
                Op.getData(path: root + "/a")
                Op.getChildren(path: root)
                Op.getData(path: root + "/missing")
            }
            #expect(reads.count == 3)
            guard case .getData(let data, _) = reads[0] else { Issue.record("getData result"); return }
            #expect(data == [2])
            #expect(reads[1] == .getChildren(["a"]))
            #expect(reads[2] == .error(.noNode))
            #expect(try await zk.sync(root) == root)
            await zk.close()
        }
    }

    @Test func chrootMapsPaths() async throws {
        try await withServer { server in
            let root = uniqueRoot("chroot")
            let plain = try await Self.connect(server)
            try await plain.create(root)
            let zk = try await Self.connect(server, chroot: root)
            #expect(try await zk.create("/x", data: [1]) == "/x")
            #expect(try await zk.create("/s-", mode: .ephemeralSequential) == "/s-0000000001")
            #expect(try await plain.getData(root + "/x").data == [1])
            #expect(try await zk.getChildren("/").sorted() == ["s-0000000001", "x"])
            #expect(try await zk.getEphemerals("/") == ["/s-0000000001"])
            let watcher = await zk.makeWatcher()
            _ = try await zk.getData("/x", watcher: watcher)
            try await plain.setData(root + "/x", data: [2])
            let event = await next(watcher.events) { $0.type != .none }
            #expect(event == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/x"))
            await zk.close()
            await plain.close()
        }
    }

    @Test func pipelinedCallsAreAnsweredInOrder() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            let root = uniqueRoot("pipe")
            try await zk.create(root)
            let created = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<200 { group.addTask { try await zk.create("\(root)/n\(i)", data: [UInt8(i % 256)]) } }
                var all: [String] = []
                for try await path in group { all.append(path) }
                return all
            }
            #expect(created.count == 200)
            #expect(try await zk.getAllChildrenNumber(root) == 200)
            await zk.close()
        }
    }

    @Test func closedClientFailsCalls() async throws {
        try await withServer { server in
            let zk = try await Self.connect(server)
            await zk.close()
            #expect(await zk.state == .closed)
            await #expect(throws: ZooKeeperError(.sessionExpired, path: "/")) { try await zk.getData("/") }
        }
    }
}
