import Foundation
import ZooKeeperClient
import ZooKeeperProtocol

/// `printwatches on|off`: whether watch events are printed (shared by the
/// shell and the watchers its commands set).
public final class WatchSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var on = true
    public init() {}
    public var isOn: Bool {
        get { lock.withLock { on } }
        set { lock.withLock { on = newValue } }
    }
}

/// addWatch, removewatches and config, after Java's AddWatchCommand,
/// RemoveWatchesCommand and GetConfigCommand.
extension CommandRunner {
    static let addWatchUsage = "addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE"

    func addWatch(_ args: inout Arguments) async throws {
        var mode = AddWatchMode.persistentRecursive
        if let name = try args.option("m") {
            switch name.uppercased() {
            case "PERSISTENT": mode = .persistent
            case "PERSISTENT_RECURSIVE": mode = .persistentRecursive
            default: throw UsageError(text: Self.addWatchUsage)
            }
        }
        try args.rejectOptions()
        guard let path = args.next() else { throw UsageError(text: Self.addWatchUsage) }
        try await client.addWatch(path, mode: mode, watcher: await printingWatcher(once: false))
    }

    func removeWatches(_ args: inout Arguments) async throws {
        var type = WatcherType.any
        if args.flag("c") { type = .children }
        if args.flag("d") { type = .data }
        if args.flag("a") { type = .any }
        // -l: remove locally too when the server cannot be asked.
        let local = args.flag("l")
        try args.rejectOptions()
        guard let path = args.next() else { throw UsageError(text: "removewatches path [-c|-d|-a] [-l]") }
        try await client.removeAllWatches(path, type: type, local: local)
    }

    func config(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        let clientOnly = args.flag("c"), watch = args.flag("w"), stat = args.flag("s")
        try args.rejectOptions()
        let watcher = watch ? await printingWatcher(once: true) : nil
        let (data, st) = try await client.getData("/zookeeper/config", watcher: watcher)
        let text = String(decoding: data ?? [], as: UTF8.self)
        output.out += (clientOnly ? Self.clientConfig(text) : text) + "\n"
        if stat { output.out += Self.format(st) }
    }

    /// ConfigUtils.getClientConfigStr: the version and each server's client address.
    static func clientConfig(_ config: String) -> String {
        var version = "", addresses: [String] = []
        for line in config.split(separator: "\n") {
            if line.hasPrefix("version=") { version = String(line.dropFirst("version=".count)) }
            guard line.hasPrefix("server."), let semicolon = line.lastIndex(of: ";") else { continue }
            addresses.append(String(line[line.index(after: semicolon)...]))
        }
        return version + " " + addresses.joined(separator: ",")
    }
}
