import ArgumentParser
import Foundation
import NIOCore
import ZooKeeperDump
import ZooKeeperJute

/// Options shared by `decode` and `stats`.
struct CaptureOptions: ParsableArguments {
    @Argument(help: "pcap or pcapng files.")
    var files: [String]

    @Option(name: .customLong("client-port"), help: "Also treat this port as a client port (2181 always is).")
    var clientPorts: [UInt16] = []
    @Option(name: .customLong("quorum-port"), help: "Also treat this port as a quorum (ZAB) port (2888 always is).")
    var quorumPorts: [UInt16] = []
    @Option(name: .customLong("election-port"), help: "Also treat this port as an election port (3888 always is).")
    var electionPorts: [UInt16] = []
    @Option(help: "jute.maxbuffer: the largest frame accepted.")
    var juteMaxbuffer: Int = 0xfffff

    @Option(help: "Only messages whose path starts with this.")
    var pathPrefix: String?
    @Option(help: "Only this op (ZooDefs.OpCode name, or a QuorumPacket type); repeatable.")
    var op: [String] = []
    @Option(help: "Only this session (0x hex or decimal); repeatable.")
    var session: [String] = []
    @Option(help: "Only this kind (request, response, event, ping, auth, connect, fourletter, election, quorum, malformed, undecoded, gap, close, unanswered); repeatable.")
    var kind: [String] = []

    @Flag(help: "No progress indication on stderr.")
    var quiet = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one capture file") }
        for text in session where TrafficFilter.parseSession(text) == nil {
            throw ValidationError("--session \(text) is not a session id (0x hex or decimal)")
        }
    }

    var dumpOptions: TrafficDump.Options {
        var options = TrafficDump.Options()
        options.ports.client.formUnion(clientPorts)
        options.ports.quorum.formUnion(quorumPorts)
        options.ports.election.formUnion(electionPorts)
        options.limits = JuteLimits(maxBuffer: juteMaxbuffer)
        options.filter = TrafficFilter(
            pathPrefix: pathPrefix, ops: Set(op), sessions: Set(session.compactMap(TrafficFilter.parseSession)),
            kinds: Set(kind))
        return options
    }
}

/// Reads a whole file, or says why not on stderr.
func readFile(_ path: String) -> ByteBuffer? {
    do {
        return ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        printError("zkdump: cannot read \(path): \(error.localizedDescription)")
        return nil
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Whether a file descriptor is a terminal (colour on stdout, progress on stderr).
func isTerminal(_ descriptor: Int32) -> Bool {
    isatty(descriptor) != 0
}

/// The worst of several statuses, as the process's exit code.
func exitStatus(_ statuses: [DumpExitStatus]) -> ExitCode {
    ExitCode(DumpExitStatus.worst(statuses).rawValue)
}
