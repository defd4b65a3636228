import ArgumentParser
import ZooKeeperDump

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print every ZooKeeper message in the captures, one line each, in time order."
    )

    @OptionGroup var capture: CaptureOptions

    @Flag(help: "One JSON object per line (keys in the README).")
    var json = false
    @Flag(help: "Show passwords, auth data and node data in full (hex).")
    var secrets = false
    @Flag(help: "Colour even when stdout is not a terminal.")
    var color = false
    @Flag(help: "No colour even on a terminal.")
    var noColor = false

    func run() throws {
        var options = capture.dumpOptions
        options.json = json
        options.secrets = secrets
        options.colour = !json && !noColor && (color || isTerminal(1))
        var statuses: [DumpExitStatus] = []
        let output = OutputBuffer()
        defer { output.flush() }
        for file in capture.files {
            guard let bytes = readFile(file) else {
                statuses.append(.unusable)
                continue
            }
            options.progress = progressReporter(file: file, size: bytes.readableBytes, quiet: capture.quiet)
            statuses.append(TrafficDump.decode(
                fileName: file, bytes: bytes, options: options, emit: output.line, warn: { printError("zkdump: \($0)") }))
        }
        throw exitStatus(statuses)
    }
}
