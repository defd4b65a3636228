import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ZooKeeperRecipes

@Suite struct ServiceRegistryTests {
    /// 8 instances register at once while a client watches; 3 of them close
    /// their sessions and one unregisters: the watcher follows each step, and
    /// every set it is shown is one that existed.
    @Test func watchersFollowInstancesComingAndGoing() async throws {
        try await withServer { server in
            let base = uniqueRoot("services")
            let observer = try await ClientOperationTests.connect(server)
            var instances: [ZooKeeperClient] = []
            for _ in 0..<8 { instances.append(try await ClientOperationTests.connect(server)) }
            let registry = ServiceRegistry(client: observer, basePath: base)
            let updates = registry.watch("api")
            let ids = (0..<8).map { "node-\($0)" }
            let all = Set(ids)
            let started = Counter()
            let task = Task {
                var seen: [[ServiceInstance]] = []
                for try await instances in updates {
                    // The first set (empty) is read before anyone registers.
                    if seen.isEmpty { await started.add() }
                    seen.append(instances)
                    if Set(instances.map(\.id)) == all { break }
                }
                return seen
            }
            try await within { while await started.value == 0 { try await Task.sleep(for: .milliseconds(20)) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, client) in instances.enumerated() {
                    group.addTask {
                        try await ServiceRegistry(client: client, basePath: base)
                            .register(service: "api", id: ids[i], data: Array("10.0.0.\(i):8080".utf8))
                    }
                }
                try await group.waitForAll()
            }
            let grown = try await within { try await task.value }
            #expect(grown.first == [])
            #expect(Set(grown.last?.map(\.id) ?? []) == all)
            for (a, b) in zip(grown, grown.dropFirst()) { #expect(Set(a.map(\.id)).isSubset(of: Set(b.map(\.id)))) }
            let listed = try await registry.instances(of: "api")
            #expect(listed == (0..<8).map { ServiceInstance(id: ids[$0], data: Array("10.0.0.\($0):8080".utf8)) })

            // The same id twice is refused.
            var refused: ErrorCode?
            do {
                try await ServiceRegistry(client: observer, basePath: base).register(service: "api", id: "node-0")
            } catch let error as ZooKeeperError { refused = error.code }
            #expect(refused == .nodeExists)

            for client in instances[0..<3] { await client.close() }
            try await ServiceRegistry(client: instances[3], basePath: base).unregister(service: "api", id: ids[3])
            let remaining = Set(ids[4...])
            let shrunk = try await within { try await collect(updates) { Set($0.map(\.id)) == remaining } }
            #expect(Set(shrunk.last?.map(\.id) ?? []) == remaining)
            #expect(Set(try await registry.instances(of: "api").map(\.id)) == remaining)
            for client in instances[3...] + [observer] { await client.close() }
        }
    }
}
