import ArgumentParser
import ZooKeeperDump

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts and latency percentiles per op, path prefix and client; errors, watch events, elections."
    )

    @OptionGroup var capture: CaptureOptions

    @Flag(help: "The report as one JSON object.")
    var json = false
    @Option(help: "How many path components make a prefix.")
    var prefixDepth = 1

    func run() throws {
        var stats = TrafficStats(prefixDepth: prefixDepth)
        var statuses: [DumpExitStatus] = []
        for file in capture.files {
            guard let bytes = readFile(file) else {
                statuses.append(.unusable)
                continue
            }
            statuses.append(TrafficDump.collect(
                fileName: file, bytes: bytes, options: capture.dumpOptions, into: &stats,
                warn: { printError("zkdump: \($0)") }))
        }
        print(json ? stats.json.text : stats.text)
        throw exitStatus(statuses)
    }
}
