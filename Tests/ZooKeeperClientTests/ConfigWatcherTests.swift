import Testing
import ZooKeeperClient
import ZooKeeperRecipes

actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

@Suite struct ConfigWatcherTests {
    static func number(_ value: [UInt8]?) -> Int? { value.flatMap { Int(String(decoding: $0, as: UTF8.self)) } }

    /// 4 subscribers while a writer publishes 1...100 as fast as it can: each
    /// starts with "absent", sees only increasing values, and ends on 100.
    @Test func subscribersSeeEveryBurstEndOnTheLatestValue() async throws {
        try await withServer { server in
            let path = uniqueRoot("config") + "/app/settings"
            let writer = try await ClientOperationTests.connect(server)
            var subscribers: [ZooKeeperClient] = []
            for _ in 0..<4 { subscribers.append(try await ClientOperationTests.connect(server)) }
            let streams = subscribers.map { ConfigWatcher(client: $0, path: path).values() }
            let started = Counter()
            let seen = try await within(60) { try await withThrowingTaskGroup(of: [Int?].self) { group in
                for stream in streams {
                    group.addTask {
                        var values: [Int?] = []
                        for try await value in stream {
                            // The first value ("absent") is read before the writer starts.
                            if values.isEmpty { await started.add() }
                            values.append(Self.number(value))
                            if values.last == 100 { break }
                        }
                        return values
                    }
                }
                while await started.value < streams.count { try await Task.sleep(for: .milliseconds(20)) }
                let publisher = ConfigWatcher(client: writer, path: path)
                for i in 1...100 { try await publisher.publish(Array("\(i)".utf8)) }
                var all: [[Int?]] = []
                for try await values in group { all.append(values) }
                return all
            } }
            #expect(seen.count == 4)
            for values in seen {
                #expect(values.first == .some(nil))
                #expect(values.last == 100)
                let numbers = values.dropFirst().compactMap { $0 }
                #expect(numbers.count == values.count - 1)
                #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
            }
            for client in subscribers + [writer] { await client.close() }
        }
    }

    /// Deleting the node delivers nil; creating it again delivers the new data.
    @Test func deleteAndRecreateAreDelivered() async throws {
        try await withServer { server in
            let path = uniqueRoot("config-del")
            let zk = try await ClientOperationTests.connect(server)
            let other = try await ClientOperationTests.connect(server)
            try await other.create(path, data: Array("a".utf8))
            // Each change waits for the value before it: a change made while
            // the subscriber re-reads may be merged with the next (by design).
            let recorder = StreamRecorder(ConfigWatcher(client: zk, path: path).values())
            defer { recorder.stop() }
            #expect(try await eventually { recorder.values.count == 1 })
            try await other.delete(path)
            #expect(try await eventually { recorder.values.count == 2 })
            try await other.create(path, data: Array("b".utf8))
            #expect(try await eventually { recorder.values.count == 3 })
            #expect(recorder.values == [Array("a".utf8), nil, Array("b".utf8)])
            await other.close()
            await zk.close()
        }
    }
}

/// Stops the server under a subscriber: one of the serialized
/// ServerRestartTests, as they share the server they stop.
extension ServerRestartTests {
    @Test(.enabled(if: TestServer.canRestart))
    func aSubscriberSurvivesAServerRestart() async throws {
        let server = try await TestServer.start()
        do {
            let path = uniqueRoot("config-restart")
            let zk = try await ClientOperationTests.connect(server)
            try await ConfigWatcher(client: zk, path: path).publish(Array("before".utf8))
            let stream = ConfigWatcher(client: zk, path: path).values()
            let task = Task { try await collect(stream, seconds: 60) { $0 == Array("after".utf8) } }
            try await Task.sleep(for: .milliseconds(300))
            try await server.stopServerOnly()
            try await Task.sleep(for: .milliseconds(500))
            try await server.restart()
            let other = try await ClientOperationTests.connect(server)
            try await ConfigWatcher(client: other, path: path).publish(Array("after".utf8))
            let values = try await within(60) { try await task.value }
            #expect(values == [Array("before".utf8), Array("after".utf8)])
            await other.close()
            await zk.close()
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }
}
