// Times the capture pipeline over one large capture, stage by stage:
// (a) reading the file, (b) pcap parsing + TCP reassembly, (c) the full decode.
//
//   swift run -c release zk-capture-benchmark [--size-mb 256] [--file path] [--runs 1] [--stages abc]
//
// Each stage's time is the best of --runs, by the wall clock and by the thread's CPU time (the
// latter barely moves when other processes compete for the cores).
//
// Without --file, a capture of --size-mb is synthesised from captures/*.pcap
// and written to a temporary file, which is removed afterwards.
import Foundation
import NIOCore
import ZooKeeperPCAP
import ZooKeeperTestSupport
import ZooKeeperTraffic

struct Options {
    var sizeMB = 256
    var file: String?
    /// Only write the synthesised capture here (e.g. to profile reading it).
    var generate: String?
    var runs = 1
    /// Run only these stages (e.g. "c" when profiling; "w" adds the whole-file API).
    var stages: Set<Character> = ["a", "b", "c"]

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Usage() }
            switch flag {
            case "--size-mb": guard let n = Int(value), n > 0 else { throw Usage() }; sizeMB = n
            case "--file": file = value
            case "--generate": generate = value
            case "--runs": guard let n = Int(value), n > 0 else { throw Usage() }; runs = n
            case "--stages": stages = Set(value)
            default: throw Usage()
            }
        }
    }
}

struct Usage: Error, CustomStringConvertible {
    var description: String { "usage: zk-capture-benchmark [--size-mb N] [--file path] [--runs N] [--stages abc] [--generate path]" }
}

/// This thread's CPU time in seconds: unlike the wall clock, hardly affected by other
/// processes competing for the cores.
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Seconds taken by `body` by the wall clock and in CPU time, each the best of `runs`, with the
/// last run's result.
func time<T>(_ runs: Int, _ body: () throws -> T) rethrows -> (seconds: Double, cpu: Double, result: T) {
    var best = Double.infinity
    var bestCPU = Double.infinity
    var result: T?
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = cpuSeconds()
        result = try body()
        bestCPU = min(bestCPU, cpuSeconds() - startCPU)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (best, bestCPU, result!)
}

/// Stage (b): every event of the file, counted and dropped.
func reassemble(_ file: ByteBuffer) throws -> (CaptureStreamStatistics, Int) {
    var stream = try CaptureEventStream(captureFile: file)
    var events: [TCPStreamEvent] = []
    var count = 0
    while stream.next(into: &events) {
        count += events.count
        events.removeAll(keepingCapacity: true)
    }
    return (stream.statistics, count)
}

/// Wall-clock rates, then the rate per second of CPU time (what the stage would reach on an
/// otherwise idle core).
func report(_ stage: String, bytes: Int, seconds: Double, cpu: Double, count: Int, unit: String) {
    let padded = stage.padding(toLength: 28, withPad: " ", startingAt: 0)
    print(String(format: "%@ %8.3f s %9.1f MB/s %12.0f %@/s (%d %@); CPU %.3f s, %.1f MB/s",
                 padded as NSString, seconds, Double(bytes) / 1e6 / seconds, Double(count) / seconds,
                 unit as NSString, count, unit as NSString, cpu, Double(bytes) / 1e6 / cpu))
}

let options: Options
do {
    options = try Options(CommandLine.arguments.dropFirst())
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

if let generate = options.generate {
    try CaptureSynthesis.writeLargeCapture(to: generate, targetBytes: options.sizeMB << 20)
    exit(0)
}

var path = options.file ?? ""
var temporary: URL?
if options.file == nil {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zk-capture-benchmark-\(getpid()).pcap")
    let (seconds, _, _) = try time(1) {
        try CaptureSynthesis.writeLargeCapture(to: url.path, targetBytes: options.sizeMB << 20)
    }
    print(String(format: "synthesised %@ in %.2f s", url.lastPathComponent as NSString, seconds))
    path = url.path
    temporary = url
}
defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }

let (readSeconds, readCPU, file) = try time(options.runs) { try FileReading.read(path) }
let size = file.readableBytes
print("file: \(size) bytes")
if options.stages.contains("a") {
    report("(a) read file", bytes: size, seconds: readSeconds, cpu: readCPU, count: size, unit: "bytes")
}
if options.stages.contains("b") {
    let (seconds, cpu, (statistics, events)) = try time(options.runs) { try reassemble(file) }
    report("(b) pcap + TCP reassembly", bytes: size, seconds: seconds, cpu: cpu, count: statistics.packetCount, unit: "packets")
    print("    \(statistics.tcpSegmentCount) TCP segments, \(events) events, \(statistics.gapCount) gaps, \(statistics.latePacketCount) late")
}
if options.stages.contains("c") {
    let (seconds, cpu, (statistics, messages)) = try time(options.runs) { () throws -> (CaptureStreamStatistics, Int) in
        var messages = 0
        let statistics = try CaptureDecoder().decode(captureFile: file) { _ in messages += 1 }
        return (statistics, messages)
    }
    report("(c) full decode, streaming", bytes: size, seconds: seconds, cpu: cpu, count: messages, unit: "messages")
    print("    \(statistics.packetCount) packets, \(statistics.gapCount) gaps")
}
if options.stages.contains("w") {
    // The whole-file API, which collects every event and message: for comparison only.
    let (seconds, cpu, decoded) = try time(options.runs) { try CaptureDecoder().decode(captureFile: file) }
    report("(w) whole-file decode", bytes: size, seconds: seconds, cpu: cpu, count: decoded.messages.count, unit: "messages")
}
