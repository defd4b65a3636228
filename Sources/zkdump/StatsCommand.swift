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
            var options = capture.dumpOptions
            options.progress = progressReporter(file: file, size: bytes.readableBytes, quiet: capture.quiet)
            statuses.append(TrafficDump.collect(
                fileName: file, bytes: bytes, options: options, into: &stats,
                warn: { printError("zkdump: \($0)") }))
        }
        print(json ? stats.json.text : stats.text)
        throw exitStatus(statuses)
    }
}
