import Foundation
import ZooKeeperClient

// Pipelined getData or setData from N sessions of our async client for S
// seconds; prints one result line (ops/s, p50, p99), as the C counterpart in
// scripts/zk-c-benchmark.c does, so scripts/benchmark-client can compare them.
//   zk-client-benchmark HOST:PORT [--op get|set] [--sessions N] [--in-flight K] [--seconds S] [--warmup S] [--size BYTES]

struct Settings {
    var server = "127.0.0.1:2181"
    var op = "get"
    var sessions = 8
    var inFlight = 64
    var seconds = 10.0
    var warmup = 3.0
    var size = 100

    init(_ arguments: [String]) {
        var it = arguments.makeIterator()
        while let argument = it.next() {
            func value() -> String {
                guard let v = it.next() else { fatalError("\(argument) needs a value") }
                return v
            }
            switch argument {
            case "--op": op = value()
            case "--sessions": sessions = Int(value()) ?? sessions
            case "--in-flight": inFlight = Int(value()) ?? inFlight
            case "--seconds": seconds = Double(value()) ?? seconds
            case "--warmup": warmup = Double(value()) ?? warmup
            case "--size": size = Int(value()) ?? size
            default: server = argument
            }
        }
    }
}

/// One worker's latencies (ns) measured after the warm-up.
func worker(_ client: ZooKeeperClient, path: String, settings: Settings, measureFrom: ContinuousClock.Instant,
            until end: ContinuousClock.Instant) async throws -> [Int64] {
    var latencies: [Int64] = []
    latencies.reserveCapacity(1 << 16)
    let data = [UInt8](repeating: 0x61, count: settings.size)
    let clock = ContinuousClock()
    while true {
        let start = clock.now
        if start >= end { return latencies }
        if settings.op == "set" { try await client.setData(path, data: data) } else { _ = try await client.getData(path) }
        if start >= measureFrom {
            let elapsed = (clock.now - start).components
            latencies.append(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        }
    }
}

let settings = Settings(Array(CommandLine.arguments.dropFirst()))
let clock = ContinuousClock()
var clients: [ZooKeeperClient] = []
for _ in 0..<settings.sessions {
    let client = try ZooKeeperClient(connectString: settings.server, sessionTimeout: .seconds(30))
    try await client.waitUntilConnected()
    clients.append(client)
}
let root = "/zk-client-benchmark-\(ProcessInfo.processInfo.processIdentifier)"
try await clients[0].create(root)
for index in clients.indices {
    try await clients[0].create("\(root)/\(index)", data: [UInt8](repeating: 0x61, count: settings.size))
}
let measureFrom = clock.now + .seconds(settings.warmup)
let end = measureFrom + .seconds(settings.seconds)
let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
    for (index, client) in clients.enumerated() {
        for _ in 0..<settings.inFlight {
            group.addTask { try await worker(client, path: "\(root)/\(index)", settings: settings, measureFrom: measureFrom, until: end) }
        }
    }
    var all: [Int64] = []
    for try await part in group { all += part }
    return all.sorted()
}
for index in clients.indices { try await clients[0].delete("\(root)/\(index)") }
try await clients[0].delete(root)
for client in clients { await client.close() }
func percentile(_ p: Double) -> Double {
    latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6
}
print(String(format: "client=swift op=%@ sessions=%d in_flight=%d ops=%d ops_per_s=%.0f p50_ms=%.3f p99_ms=%.3f",
             settings.op, settings.sessions, settings.inFlight, latencies.count, Double(latencies.count) / settings.seconds,
             percentile(0.50), percentile(0.99)))
