import NIOCore
import Testing
import ZooKeeperProtocol
@testable import ZooKeeperServerCore
import ZooKeeperStorageFormat

@Suite struct WriteRequestTests {
    @Test func createThenReadBackWithJavaStats() throws {
        let h = StateHarness()
        let c = h.connect()
        let zxidAfterConnect = h.state.lastZxid
        #expect(zxidAfterConnect == 1, "createSession consumes a zxid")
        let created = h.create(c, "/a", "hello", op: .create2)
        guard case .create2(let response)? = created.reply?.body else { Issue.record("no create2 body"); return }
        #expect(response.path == "/a")
        #expect(response.stat.czxid == 2 && response.stat.mzxid == 2 && response.stat.pzxid == 2)
        #expect(response.stat.ctime == h.now.wall && response.stat.dataLength == 5)
        #expect(created.reply?.zxid == 2)
        let root = h.state.tree.node("/")!
        #expect(root.stat.cversion == 1 && root.stat.pzxid == 2)
        guard case .getData(let data)? = h.getData(c, "/a").reply?.body else { Issue.record("no data"); return }
        #expect(data.data == ByteBuffer(string: "hello"))
    }

    @Test func failedWritesConsumeAZxidAndReadsDoNot() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/a")
        let exists = h.create(c, "/a")
        #expect(exists.err == .nodeExists)
        #expect(exists.reply?.zxid == 3)
        #expect(exists.reply?.body == ResponseBody.none)
        let missing = h.getData(c, "/nope")
        #expect(missing.err == .noNode)
        #expect(missing.reply?.zxid == 3)
        #expect(h.state.lastZxid == 3)
    }

    @Test func versionsAndErrorsInJavasOrder() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/p")
        h.create(c, "/p/c")
        #expect(h.setData(c, "/p", "x", version: 7).err == .badVersion)
        guard case .setData(let r)? = h.setData(c, "/p", "x", version: 0).reply?.body else { Issue.record("no stat"); return }
        #expect(r.stat.version == 1)
        #expect(h.delete(c, "/p").err == .notEmpty)
        #expect(h.delete(c, "/p/c", version: 3).err == .badVersion)
        #expect(h.delete(c, "/zookeeper").err == .badArguments)
        #expect(h.delete(c, "relative").err == .badArguments)
        #expect(h.create(c, "/missing/child").err == .noNode)
        #expect(h.create(c, "/").err == .nodeExists)
        #expect(h.create(c, "/p", mode: CreateMode(rawValue: 99)).err == .badArguments)
    }

    @Test func sequentialNamesTakeTheParentsCversion() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/q")
        h.create(c, "/q/x")
        h.delete(c, "/q/x")
        let first = h.create(c, "/q/n-", mode: .persistentSequential)
        guard case .create(let r)? = first.reply?.body else { Issue.record("no path"); return }
        // Java's delete moves pzxid but not cversion: one create so far.
        #expect(r.path == "/q/n-0000000001")
    }

    @Test func ephemeralsCannotHaveChildren() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/e", mode: .ephemeral)
        #expect(h.create(c, "/e/child").err == .noChildrenForEphemerals)
        #expect(h.state.tree.node("/e")?.stat.ephemeralOwner == c.sessionID)
    }

    @Test func ttlNeedsExtendedTypes() {
        let off = StateHarness()
        let c = off.connect()
        let ttl = RequestBody.createTTL(CreateTTLRequest(path: "/t", data: nil, acl: StateHarness.open, flags: CreateMode.persistentWithTTL.rawValue, ttl: 100))
        #expect(off.send(c, .createTTL, ttl).err == .unimplemented)
        let on = StateHarness { $0.extendedTypesEnabled = true }
        let d = on.connect()
        let created = on.send(d, .createTTL, ttl)
        #expect(created.err == .ok)
        guard case .create2(let r)? = created.reply?.body else { Issue.record("no stat"); return }
        #expect(r.stat.ephemeralOwner == 0, "Java reports 0 for TTL owners")
        let zero = RequestBody.createTTL(CreateTTLRequest(path: "/u", data: nil, acl: StateHarness.open, flags: CreateMode.persistentWithTTL.rawValue, ttl: 0))
        #expect(on.send(d, .createTTL, zero).err == .badArguments)
    }

    @Test func failedMultiHasJavasResultLayoutAndChangesNothing() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/m")
        let multi = MultiRequest(ops: [
            .init(.create, .create(CreateRequest(path: "/m/a", data: nil, acl: StateHarness.open, flags: 0))),
            .init(.create, .create(CreateRequest(path: "/m", data: nil, acl: StateHarness.open, flags: 0))),
            .init(.delete, .delete(DeleteRequest(path: "/m/a", version: -1))),
        ])
        let outcome = h.send(c, .multi, .multi(multi))
        #expect(outcome.err == .ok)
        guard case .multi(let response)? = outcome.reply?.body else { Issue.record("no results"); return }
        #expect(response.results.map(\.header.type) == [-1, -1, -1])
        #expect(response.results.map(\.header.err) == [0, ErrorCode.nodeExists.rawValue, ErrorCode.runtimeInconsistency.rawValue])
        #expect(h.state.tree.node("/m/a") == nil)
        #expect(outcome.reply?.zxid == 3, "connect, create, then the multi")
    }

    @Test func multiOpsSeeEachOther() {
        let h = StateHarness()
        let c = h.connect()
        let multi = MultiRequest(ops: [
            .init(.create, .create(CreateRequest(path: "/x", data: nil, acl: StateHarness.open, flags: 0))),
            .init(.create2, .create(CreateRequest(path: "/x/y", data: nil, acl: StateHarness.open, flags: 0))),
            .init(.setData, .setData(SetDataRequest(path: "/x", data: ByteBuffer(string: "v"), version: 0))),
            .init(.check, .check(CheckVersionRequest(path: "/x", version: 1))),
            .init(.delete, .delete(DeleteRequest(path: "/x/y", version: 0))),
        ])
        let outcome = h.send(c, .multi, .multi(multi))
        guard case .multi(let response)? = outcome.reply?.body else { Issue.record("no results"); return }
        // Java rebuilds create2 ops in a multi as plain creates.
        #expect(response.results.map(\.header.type) == [1, 1, 5, 13, 2])
        #expect(response.results.allSatisfy { $0.header.err == 0 })
        #expect(h.state.tree.node("/x")?.stat.version == 1)
        #expect(h.state.tree.node("/x/y") == nil)
    }

    @Test func topLevelCheckIsAnsweredOnlyWhenItFails() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/k")
        let ok = h.send(c, .check, .check(CheckVersionRequest(path: "/k", version: 0)))
        #expect(ok.reply == nil)
        #expect(h.state.lastZxid == 3)
        #expect(h.send(c, .check, .check(CheckVersionRequest(path: "/k", version: 5))).err == .badVersion)
    }

    @Test func unknownOpcodeIsUnimplementedWithZxidMinusOneAndCloses() {
        let h = StateHarness()
        let c = h.connect()
        let outcome = h.send(c, OpCode(9999), .unknown(ByteBuffer()))
        #expect(outcome.err == .unimplemented)
        #expect(outcome.reply?.zxid == -1)
        #expect(outcome.close)
    }

    @Test func undecodableWriteConsumesAZxid() {
        let h = StateHarness()
        let c = h.connect()
        let write = h.state.processUndecodable(xid: 5, op: .create, from: c, now: h.now)
        #expect(write.err == .marshallingError && write.reply?.zxid == 2 && !write.close)
        let read = h.state.processUndecodable(xid: 6, op: .getData, from: c, now: h.now)
        #expect(read.err == .marshallingError && read.reply?.zxid == 2)
    }

    @Test func reconfigOnStandaloneIsDisabled() {
        let h = StateHarness()
        let c = h.connect()
        let outcome = h.send(c, .reconfig, .reconfig(ReconfigRequest(joiningServers: nil, leavingServers: nil, newMembers: nil, curConfigId: -1)))
        #expect(outcome.err == .reconfigDisabled)
        #expect(outcome.reply?.zxid == 2)
    }
}

@Suite struct ContainerTests {
    @Test func emptiedContainersAndExpiredTTLNodesAreReaped() {
        let h = StateHarness { $0.extendedTypesEnabled = true }
        let c = h.connect()
        h.create(c, "/unused", mode: .container, op: .createContainer)
        h.create(c, "/used", mode: .container, op: .createContainer)
        h.create(c, "/used/child")
        h.delete(c, "/used/child")
        let ttl = RequestBody.createTTL(CreateTTLRequest(path: "/t", data: nil, acl: StateHarness.open, flags: CreateMode.persistentWithTTL.rawValue, ttl: 500))
        #expect(h.send(c, .createTTL, ttl).err == .ok)
        _ = h.getData(c, "/used", watch: true)
        #expect(h.state.containerCandidates(now: h.now) == ["/used"])
        h.advance(600)
        let reaped = h.state.reapContainers(now: h.now)
        #expect(reaped.txns.map { OpCode($0.header.type) } == [.deleteContainer, .deleteContainer])
        #expect(reaped.events.map { "\($0.1) \($0.2)" } == ["NodeDeleted /used"])
        #expect(h.state.tree.node("/used") == nil && h.state.tree.node("/t") == nil && h.state.tree.node("/unused") != nil)
    }
}

@Suite struct QuotaTests {
    @Test func statsTextRoundTripsJavasLayout() {
        let stats = QuotaStats("count=5,bytes=-1=;byteHardLimit=100;countHardLimit=3")
        #expect(stats.count == 5 && stats.bytes == -1 && stats.byteHardLimit == 100 && stats.countHardLimit == 3)
        #expect(stats.text == "count=5,bytes=-1=;byteHardLimit=100;countHardLimit=3")
        #expect(QuotaStats("count=1,bytes=2").text == "count=1,bytes=2")
    }

    @Test func statsFollowTheSubtreeAndHardLimitsAreEnforced() {
        let h = StateHarness { $0.enforceQuota = true }
        let c = h.connect()
        h.create(c, "/app", "abc")
        h.create(c, "/app/x", "12345")
        h.create(c, "/zookeeper/quota/app")
        h.create(c, "/zookeeper/quota/app/zookeeper_limits", "count=-1,bytes=-1=;countHardLimit=3")
        h.create(c, "/zookeeper/quota/app/zookeeper_stats", "count=0,bytes=0")
        let stats = { String(buffer: h.state.tree.node("/zookeeper/quota/app/zookeeper_stats")!.data!) }
        #expect(stats() == "count=2,bytes=8")
        h.create(c, "/app/y", "zz")
        #expect(stats() == "count=3,bytes=10")
        #expect(h.create(c, "/app/z").err == .quotaExceeded)
        h.setData(c, "/app/x", "1")
        #expect(stats() == "count=3,bytes=6")
        h.delete(c, "/app/y")
        #expect(stats() == "count=2,bytes=4")
        #expect(h.create(c, "/other").err == .ok)
    }
}

@Suite struct RecoveryTests {
    @Test func snapshotAndLogRebuildTheSameTree() {
        let h = StateHarness { $0.extendedTypesEnabled = true }
        let c = h.connect()
        h.create(c, "/a", "one")
        h.create(c, "/a/b", "two", mode: .ephemeral)
        let digest = [ACL(perms: Perms.read.rawValue, id: Id(scheme: "digest", id: "bob:abc="))]
        _ = h.send(c, .create, .create(CreateRequest(path: "/secret", data: nil, acl: digest, flags: 0)))
        let snapshot = h.state.snapshotBody()
        let snapshotZxid = h.state.lastZxid
        var log: [TxnEntry] = []
        log += h.setData(c, "/a", "three").txns
        log += h.create(c, "/c", mode: .persistentSequential).txns
        log += h.delete(c, "/a/b").txns
        let recovered = ZooKeeperState.recover(
            snapshot: snapshot, snapshotZxid: snapshotZxid, txns: log, settings: h.state.settings, now: h.now
        )
        #expect(recovered.lastZxid == h.state.lastZxid)
        #expect(recovered.snapshotBody() == h.state.snapshotBody())
        #expect(recovered.tree.node("/secret")?.acl == digest)
        #expect(recovered.sessions.isActive(c.sessionID))
        #expect(Array(recovered.tree.node("/")!.children) == Array(h.state.tree.node("/")!.children))
    }

    @Test func snapshotNodesAreDepthFirstFromTheEmptyPath() {
        let h = StateHarness()
        let c = h.connect()
        h.create(c, "/x")
        h.create(c, "/x/y")
        let paths = h.state.snapshotBody().nodes.map(\.path)
        #expect(paths.first == "")
        #expect(paths.firstIndex(of: "/x/y")! == paths.firstIndex(of: "/x")! + 1)
        #expect(Set(paths) == ["", "/zookeeper", "/zookeeper/quota", "/zookeeper/config", "/x", "/x/y"])
    }
}
