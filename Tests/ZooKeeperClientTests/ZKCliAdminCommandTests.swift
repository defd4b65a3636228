import Foundation
import Testing
import ZooKeeperCLI
import ZooKeeperClient
import ZooKeeperServerConfig

/// setAcl, reconfig and version beyond what the recorded session covers.
@Suite struct ZKCliAdminCommandTests {
    @Test func aclTextAsJavasAclParserReadsIt() {
        let parsed = ACLText(parsing: "world:anyone:rxq,foo,digest:bob:hash=:cdrwa,,")
        #expect(parsed.acl.map { "\($0.id.scheme ?? ""):\($0.id.id ?? ""):\($0.perms)" } == ["world:anyone:1", "digest:bob:hash=:31"])
        #expect(parsed.warnings == ["Unknown perm type: x", "Unknown perm type: q", "foo does not have the form scheme:id:perm"])
        #expect(ACLText(parsing: "").warnings == [" does not have the form scheme:id:perm"])
        #expect(ACLText(parsing: ",").acl.isEmpty && ACLText(parsing: ",").warnings.isEmpty)
    }

    @Test func setAclWithStatAndARecursiveWalkThatCannotRead() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let root = uniqueRoot("cli-setacl")
            let runner = CommandRunner(client: zk)
            _ = await runner.run("create \(root)")
            _ = await runner.run("create \(root)/a")
            _ = await runner.run("create \(root)/b")
            let stat = await runner.run("setAcl -s \(root) world:anyone:cdrwa")
            #expect(stat.out.contains("aclVersion = 1\n") && stat.out.hasPrefix("cZxid = "))
            // /a lets nobody read or administer it: its ACL cannot be set
            // (reported inline) and the walk cannot list its children.
            _ = await runner.run("setAcl \(root)/a world:anyone:cd")
            let walk = await runner.run("setAcl -R \(root) world:anyone:cdrwa")
            #expect(walk.out == "KeeperErrorCode = NoAuth for \(root)/a")
            #expect(walk.err == "Insufficient permission : \(root)/a\n")
            _ = await runner.run("delete \(root)/a")
            _ = await runner.run("deleteall \(root)")
            await zk.close()
        }
    }

    @Test func reconfigFromAFileAndItsErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zkcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func members(_ text: String) throws -> String {
            let file = dir.appendingPathComponent("dynamic.cfg")
            try Data(text.utf8).write(to: file)
            return try CommandRunner.membership(fromFile: file.path)
        }
        #expect(try members("server.2=b:2889:3889;2182\nserver.1=a:2888:3888:observer;127.0.0.1:2181\nserver.3=c:1:2\nversion=1f\n")
            == "server.1=a:2888:3888:observer;127.0.0.1:2181\nserver.2=b:2889:3889:participant;0.0.0.0:2182\nserver.3=c:1:2:participant\nversion=1f")
        #expect(throws: (any Error).self) { try members("foo=bar\n") }
        #expect(throws: (any Error).self) { try members("server.1=127.0.0.1:2888\n") }
        #expect(throws: (any Error).self) { try members("server.1=a:1:2:observer\n") }
    }

    @Test func reconfigMessages() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            let runner = CommandRunner(client: zk)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zkcli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let bad = dir.appendingPathComponent("bad.cfg")
            try Data("foo=bar\n".utf8).write(to: bad)
            #expect(await runner.run("reconfig -file \(bad.path)").err == "Error processing \(bad.path)Unrecognised parameter: foo\n")
            let good = dir.appendingPathComponent("good.cfg")
            try Data("server.1=127.0.0.1:2888:3888;2181\nserver.2=127.0.0.1:2889:3889;2182\n".utf8).write(to: good)
            #expect(await runner.run("reconfig -file \(good.path)").err == "KeeperErrorCode = Reconfig is disabled\n")
            await zk.close()
        }
    }

    @Test func versionNamesThisBuild() async throws {
        try await withServer { server in
            let zk = try await ClientOperationTests.connect(server)
            #expect(await CommandRunner(client: zk).run("version").out == "ZooKeeper CLI version: \(CommandRunner.version)\n")
            await zk.close()
        }
    }
}
