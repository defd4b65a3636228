import ArgumentParser

@main
struct ZKDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkdump",
        abstract: "Decode ZooKeeper traffic from pcap/pcapng captures, and ZooKeeper's txn logs and snapshots.",
        discussion: "Exit status: 0 when everything decoded, 1 when something did not, 2 for bad arguments or an unreadable file.",
        subcommands: [DecodeCommand.self, StatsCommand.self, LogCommand.self, SnapshotCommand.self],
        defaultSubcommand: DecodeCommand.self
    )
}
