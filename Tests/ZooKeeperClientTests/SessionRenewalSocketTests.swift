import Foundation
import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ZooKeeperRecipes

/// A client with `renewExpiredSession` and each recipe across an expiry
/// (forced by `expireSession`), over sockets.
@Suite struct SessionRenewalSocketTests {
    static func renewingClient(_ server: TestServer) async throws -> ZooKeeperClient {
        let client = try ZooKeeperClient(connectString: server.connectString, sessionTimeout: .seconds(4),
                                         renewExpiredSession: true)
        try await client.waitUntilConnected()
        return client
    }

    @Test func anExpiredSessionIsReplacedAndItsAuthReplayed() async throws {
        try await withServer { server in
            let zk = try await Self.renewingClient(server)
            try await zk.addAuth(scheme: "digest", auth: Array("renew:secret".utf8))
            let path = uniqueRoot("renew-auth")
            try await zk.create(path, data: Array("mine".utf8), acl: ACL.creatorAllACL)
            let old = await zk.sessionId
            let watcher = await zk.makeWatcher()
            #expect(try await zk.exists(path, watcher: watcher) != nil)
            let states = zk.states()
            try await expireSession(of: zk, server: server)
            #expect(await next(states) { $0 == .expired } == .expired)
            #expect(await next(watcher.events) { $0.state == .expired }?.state == .expired)
            #expect(await next(states) { $0 == .syncConnected } == .syncConnected)
            #expect(await zk.sessionId != old)
            #expect(await zk.sessionId != 0)
            // Only the replayed digest identity can read the node.
            #expect(try await zk.getData(path).data == Array("mine".utf8))
            // The new session's ephemerals are its own.
            let ephemeral = try await zk.create(path + "/e", mode: .ephemeral)
            let current = await zk.sessionId
            #expect(try await zk.exists(ephemeral)?.ephemeralOwner == current)
            try await zk.delete(ephemeral)
            try await zk.delete(path)
            await zk.close()
        }
    }

    @Test func aLockHolderLearnsItsLockWasLost() async throws {
        try await withServer { server in
            let path = uniqueRoot("renew-lock")
            let zk = try await Self.renewingClient(server)
            let lock = DistributedLock(client: zk, path: path)
            try await lock.acquire()
            #expect(await lock.isHeld)
            let lost = Task { await lock.untilLost() }
            try await expireSession(of: zk, server: server)
            try await within { await lost.value }
            #expect(await lock.isHeld == false)
            await #expect(throws: ZooKeeperError(.sessionExpired, path: lock.node ?? "")) { try await lock.release() }
            // The renewed session can take the lock again.
            try await zk.waitUntilConnected()
            try await lock.acquire()
            #expect(await lock.isHeld)
            try await lock.release()
            #expect(try await zk.getChildren(path).isEmpty)
            await zk.close()
        }
    }

    @Test func aRegisteredInstanceComesBackInTheNewSession() async throws {
        try await withServer { server in
            let base = uniqueRoot("renew-registry")
            let zk = try await Self.renewingClient(server)
            let registry = ServiceRegistry(client: zk, basePath: base)
            let node = try await registry.register(service: "api", id: "one", data: Array("h:1".utf8))
            let old = try #require(try await zk.exists(node)).ephemeralOwner
            try await expireSession(of: zk, server: server)
            let back = try await eventually {
                guard let owner = try? await zk.exists(node)?.ephemeralOwner else { return false }
                let current = await zk.sessionId
                return owner != old && owner == current
            }
            #expect(back)
            #expect(try await registry.instances(of: "api") == [ServiceInstance(id: "one", data: Array("h:1".utf8))])
            try await registry.unregister(service: "api", id: "one")
            #expect(try await registry.instances(of: "api").isEmpty)
            await zk.close()
        }
    }

    @Test func aConfigSubscriberKeepsGoingAfterExpiry() async throws {
        try await withServer { server in
            let path = uniqueRoot("renew-config") + "/conf"
            let zk = try await Self.renewingClient(server)
            let publisher = try ZooKeeperClient(connectString: server.connectString)
            try await publisher.waitUntilConnected()
            let config = ConfigWatcher(client: publisher, path: path)
            try await config.publish(Array("v1".utf8))
            let recorder = StreamRecorder(ConfigWatcher(client: zk, path: path).values())
            defer { recorder.stop() }
            #expect(try await eventually { recorder.values == [Array("v1".utf8)] })
            try await expireSession(of: zk, server: server)
            try await zk.waitUntilConnected()
            try await config.publish(Array("v2".utf8))
            // v2 arrives through the new session's watch (or its re-read).
            #expect(try await eventually { recorder.values.last == Array("v2".utf8) })
            try await config.publish(Array("v3".utf8))
            #expect(try await eventually { recorder.values.last == Array("v3".utf8) })
            #expect(recorder.values == [Array("v1".utf8), Array("v2".utf8), Array("v3".utf8)])
            await publisher.close()
            await zk.close()
        }
    }

    @Test func aWaitingCandidateRejoinsAfterExpiry() async throws {
        try await withServer { server in
            let path = uniqueRoot("renew-election")
            let leaderClient = try ZooKeeperClient(connectString: server.connectString)
            try await leaderClient.waitUntilConnected()
            let leader = LeaderElection(client: leaderClient, path: path)
            try await leader.awaitLeadership(data: Array("a".utf8))
            let zk = try await Self.renewingClient(server)
            let candidate = LeaderElection(client: zk, path: path)
            let waiting = Task { try await candidate.awaitLeadership(data: Array("b".utf8)) }
            #expect(try await eventually { try await leaderClient.getChildren(path).count == 2 })
            let before = Set(try await leaderClient.getChildren(path))
            try await expireSession(of: zk, server: server)
            // The candidate's old node goes with the old session; it enters again.
            #expect(try await eventually {
                let now = Set(try await leaderClient.getChildren(path))
                return now.count == 2 && now != before
            })
            try await leader.resign()
            try await within { try await waiting.value }
            #expect(await candidate.isLeader)
            #expect(try await leaderClient.getData(try await candidateNode(path, leaderClient)).data == Array("b".utf8))
            await leaderClient.close()
            await zk.close()
        }
    }

    @Test func aWaitingConsumerTakesTheNextItemAfterExpiry() async throws {
        try await withServer { server in
            let path = uniqueRoot("renew-queue")
            let zk = try await Self.renewingClient(server)
            let producer = try ZooKeeperClient(connectString: server.connectString)
            try await producer.waitUntilConnected()
            let consumer = DistributedQueue(client: zk, path: path)
            #expect(try await consumer.poll() == nil)
            let taken = Task { try await consumer.take() }
            try await Task.sleep(for: .milliseconds(200))
            try await expireSession(of: zk, server: server)
            try await zk.waitUntilConnected()
            try await DistributedQueue(client: producer, path: path).offer(Array("job".utf8))
            #expect(try await within { try await taken.value } == Array("job".utf8))
            await producer.close()
            await zk.close()
        }
    }

    /// A member waiting in `enter` loses its node with the session; it
    /// joins again, so the barrier still opens when the second arrives.
    @Test func aBarrierMemberJoinsAgainAfterExpiry() async throws {
        try await withServer { server in
            let path = uniqueRoot("renew-barrier")
            let zk = try await Self.renewingClient(server)
            let other = try ZooKeeperClient(connectString: server.connectString)
            try await other.waitUntilConnected()
            let first = DoubleBarrier(client: zk, path: path, count: 2, member: "first")
            let entered = Task { try await first.enter() }
            #expect(try await eventually { (try? await other.getChildren(path)) == ["first"] })
            let owner = try #require(try await other.exists(path + "/first")).ephemeralOwner
            try await expireSession(of: zk, server: server)
            #expect(try await eventually {
                guard let stat = try? await other.exists(path + "/first") else { return false }
                return stat.ephemeralOwner != owner
            })
            let second = DoubleBarrier(client: other, path: path, count: 2, member: "second")
            try await within { try await second.enter() }
            try await within { try await entered.value }
            await other.close()
            await zk.close()
        }
    }

    private func candidateNode(_ path: String, _ client: ZooKeeperClient) async throws -> String {
        let children = try await client.getChildren(path).sorted { $0.suffix(10) < $1.suffix(10) }
        return "\(path)/\(children[0])"
    }
}
