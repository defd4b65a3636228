import ArgumentParser
import Foundation
import NIOCore
import ZooKeeperPCAP
import ZooKeeperTraffic

@main
struct ZKDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkdump",
        abstract: "Decode ZooKeeper traffic from pcap and pcapng captures.",
        subcommands: [Decode.self],
        defaultSubcommand: Decode.self
    )
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print every ZooKeeper message in the captures, one per line.")

    @Argument(help: "pcap or pcapng files.")
    var files: [String]

    @Option(help: "Extra client ports (besides 2181).")
    var clientPort: [UInt16] = []
    @Option(help: "Extra quorum ports (besides 2888).")
    var quorumPort: [UInt16] = []
    @Option(help: "Extra election ports (besides 3888).")
    var electionPort: [UInt16] = []

    func run() throws {
        var ports = TrafficPorts()
        ports.client.formUnion(clientPort)
        ports.quorum.formUnion(quorumPort)
        ports.election.formUnion(electionPort)
        let decoder = CaptureDecoder(ports: ports)
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let decoded = try decoder.decode(captureFile: ByteBuffer(bytes: data))
            for message in decoded.messages {
                print("\(message.time) \(message.endpoints) \(message.proto.rawValue) \(message.kind) \(message.summary)")
            }
            if let error = decoded.streams.readError {
                FileHandle.standardError.write(Data("zkdump: \(file): \(error)\n".utf8))
            }
        }
    }
}
