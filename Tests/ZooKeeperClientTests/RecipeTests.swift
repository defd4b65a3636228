import Testing
import ZooKeeperClient
import ZooKeeperRecipes

/// Who holds the lock, as the contenders report it.
actor LockLedger {
    private var holder: String?
    private(set) var overlaps = 0
    private(set) var acquiredSequences: [Int] = []

    func enter(_ node: String) {
        if holder != nil { overlaps += 1 }
        holder = node
        acquiredSequences.append(Int(node.suffix(10))!)
    }

    func leave(_ node: String) {
        if holder == node { holder = nil } else { overlaps += 1 }
    }
}

@Suite struct RecipeTests {
    /// 8 clients × 50 acquisitions each: never two holders, and the lock goes
    /// in the order the contenders queued (their sequence numbers).
    @Test func lockUnderContentionIsExclusiveAndFIFO() async throws {
        try await withServer { server in
            let path = uniqueRoot("lock")
            let ledger = LockLedger()
            let clients = try (0..<8).map { _ in try ZooKeeperClient(connectString: server.connectString) }
            for client in clients { try await client.waitUntilConnected() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    group.addTask {
                        let lock = DistributedLock(client: client, path: path)
                        for _ in 0..<50 {
                            try await lock.acquire()
                            let node = lock.node!
                            await ledger.enter(node)
                            await Task.yield()
                            await ledger.leave(node)
                            try await lock.release()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(await ledger.overlaps == 0)
            let sequences = await ledger.acquiredSequences
            #expect(sequences.count == 400)
            #expect(sequences == sequences.sorted())
            #expect(try await clients[0].getChildren(path).isEmpty)
            for client in clients { await client.close() }
        }
    }

    @Test func lockIsReleasedWhenTheHolderSessionEnds() async throws {
        try await withServer { server in
            let path = uniqueRoot("lock-session")
            let a = try ZooKeeperClient(connectString: server.connectString)
            let b = try ZooKeeperClient(connectString: server.connectString)
            try await a.waitUntilConnected()
            try await b.waitUntilConnected()
            let lockA = DistributedLock(client: a, path: path)
            try await lockA.acquire()
            let lockB = DistributedLock(client: b, path: path)
            let waiter = Task { try await lockB.acquire() }
            // B queues behind A (bounded wait: tests run side by side).
            for _ in 0..<100 where try await b.getChildren(path).count < 2 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try await b.getChildren(path).count == 2)
            await a.close()
            try await waiter.value
            #expect(lockB.node != nil)
            await b.close()
        }
    }

    @Test func leaderElectionHandsOverInOrder() async throws {
        try await withServer { server in
            let path = uniqueRoot("election")
            let clients = try (0..<3).map { _ in try ZooKeeperClient(connectString: server.connectString) }
            for client in clients { try await client.waitUntilConnected() }
            let elections = clients.map { LeaderElection(client: $0, path: path) }
            try await elections[0].awaitLeadership(data: Array("first".utf8))
            let candidate = elections[1]
            let second = Task { try await candidate.awaitLeadership(data: Array("second".utf8)) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await elections[2].leaderData() == Array("first".utf8))
            try await elections[0].resign()
            try await second.value
            #expect(try await elections[2].leaderData() == Array("second".utf8))
            for client in clients { await client.close() }
        }
    }
}

@Suite struct QueueTests {
    /// Two producers, three consumers: every item is taken exactly once.
    @Test func everyItemIsTakenExactlyOnce() async throws {
        try await withServer { server in
            let path = uniqueRoot("queue")
            let clients = try (0..<5).map { _ in try ZooKeeperClient(connectString: server.connectString) }
            for client in clients { try await client.waitUntilConnected() }
            #expect(try await DistributedQueue(client: clients[0], path: path).poll() == nil)
            let taken = try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
                for producer in 0..<2 {
                    let queue = DistributedQueue(client: clients[producer], path: path)
                    group.addTask {
                        for i in 0..<30 { try await queue.offer([UInt8(producer), UInt8(i)]) }
                        return []
                    }
                }
                for consumer in 2..<5 {
                    let queue = DistributedQueue(client: clients[consumer], path: path)
                    group.addTask { try await (0..<20).asyncMap { _ in try await queue.take() } }
                }
                var all: [[UInt8]] = []
                for try await items in group { all += items }
                return all
            }
            #expect(taken.count == 60)
            #expect(Set(taken.map { $0[0] * 100 + $0[1] }).count == 60)
            #expect(try await clients[0].getChildren(path).isEmpty)
            for client in clients { await client.close() }
        }
    }

    @Test func aSingleConsumerSeesFIFO() async throws {
        try await withServer { server in
            let zk = try ZooKeeperClient(connectString: server.connectString)
            try await zk.waitUntilConnected()
            let queue = DistributedQueue(client: zk, path: uniqueRoot("fifo"))
            for i in 0..<10 { try await queue.offer([UInt8(i)]) }
            var out: [UInt8] = []
            while let item = try await queue.poll() { out += item }
            #expect(out == Array(0..<10))
            await zk.close()
        }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ body: (Int) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for i in self { result.append(try await body(i)) }
        return result
    }
}
