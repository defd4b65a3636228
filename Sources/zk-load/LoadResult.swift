import Foundation

/// What one run measured; `--json` prints it as one object with snake_case keys.
struct LoadResult: Codable, Sendable {
    var server: String
    var op: String
    var size: Int
    var sessions: Int
    var depth: Int
    var warmupSeconds: Double
    /// The measured window as it really lasted.
    var seconds: Double
    /// Replies received in the window.
    var operations: UInt64
    var opsPerSecond: Double
    var p50Us: Double
    var p99Us: Double
    var p999Us: Double
    var maxUs: Double
    var meanUs: Double
    /// Replies with err != 0, and replies whose xid was not the oldest outstanding one, over the whole run.
    var errors: UInt64
    var xidMismatches: UInt64
    var firstError: Int32?
    /// CPU time over the window divided by its length: 1.0 is one core busy.
    var generatorCpu: Double
    var serverCpu: Double?
    /// The TLS version the sessions negotiated; absent (not in the JSON) on plain TCP.
    var tls: String?

    var failed: Bool { errors > 0 || xidMismatches > 0 }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    func text() -> String {
        func f(_ x: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", x) }
        var lines = [
            "zk-load \(server)\(tls.map { " over \($0)" } ?? ""): \(op) of \(size) bytes, \(sessions) session(s) x depth \(depth), "
                + "\(f(warmupSeconds, 1)) s warm-up, \(f(seconds, 2)) s measured",
            "  \(operations) ops, \(f(opsPerSecond)) ops/s",
            "  latency us: p50 \(f(p50Us, 1))  p99 \(f(p99Us, 1))  p999 \(f(p999Us, 1))  max \(f(maxUs, 1))  mean \(f(meanUs, 1))",
            "  cpu (cores): generator \(f(generatorCpu, 2))" + (serverCpu.map { "  server \(f($0, 2))" } ?? ""),
            "  errors \(errors), xid mismatches \(xidMismatches)" + (firstError.map { ", first err \($0)" } ?? ""),
        ]
        if failed { lines.append("zk-load: FAILED: the server answered with errors or out of order") }
        return lines.joined(separator: "\n")
    }
}
