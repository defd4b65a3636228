import Foundation
import ZooKeeperClient
import ZooKeeperProtocol
import ZooKeeperServerConfig

/// reconfig, after Java 3.8's ReconfigCommand: incremental (`-add`,
/// `-remove`) or whole membership (`-members`, or `-file` with a dynamic
/// config), optionally from config version `-v` (hex).
extension CommandRunner {
    static let reconfigUsage = "reconfig [-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]]"
        + " | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]"

    func reconfig(_ args: inout Arguments, _ output: inout CommandOutput) async throws {
        let stat = args.flag("s")
        let version = try args.option("v")
        let file = try args.option("file"), members = try args.option("members")
        let add = try args.option("add"), remove = try args.option("remove")
        try args.rejectOptions()
        guard file != nil || members != nil || add != nil || remove != nil else { throw UsageError(text: Self.reconfigUsage) }
        var fromConfig: Int64 = -1
        if let version {
            guard let value = Int64(version, radix: 16) else {
                throw UsageError(text: "-v must be followed by a long (configuration version)")
            }
            fromConfig = value
        }
        if (file != nil || members != nil) && (add != nil || remove != nil) {
            throw UsageError(text: "Can't use -file or -members together with -add or -remove"
                + " (mixing incremental and non-incremental modes is not allowed)")
        }
        if file != nil && members != nil {
            throw UsageError(text: "Can't use -file and -members together (conflicting non-incremental modes)")
        }
        var newMembers = members?.lowercased()
        if let file {
            do {
                newMembers = try Self.membership(fromFile: file)
            } catch let error as MembershipError {
                throw UsageError(text: "Error processing \(file)\(error.message)")
            }
        }
        let (data, st) = try await client.reconfig(
            joining: add?.lowercased(), leaving: remove?.lowercased(), members: newMembers, fromConfig: fromConfig)
        output.out += "Committed new configuration:\n" + String(decoding: data, as: UTF8.self) + "\n"
        if stat { output.out += Self.format(st) }
    }

    public struct MembershipError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// QuorumPeerConfig.parseDynamicConfig on the file, printed back as
    /// QuorumMaj.toString: `server.N=...` lines by id, then `version=hex`.
    public static func membership(fromFile path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MembershipError(message: "\(path) (Is a directory)")
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "Permission denied" : "No such file or directory"
            throw MembershipError(message: "\(path) (\(reason))")
        }
        let properties: JavaProperties
        do {
            properties = try JavaProperties(iso8859_1Bytes: bytes)
        } catch {
            throw MembershipError(message: error.message)
        }
        return try membership(properties)
    }

    static func membership(_ properties: JavaProperties) throws -> String {
        var servers: [QuorumServer] = []
        var version: Int64 = 0
        for entry in properties.entries {
            let key = entry.key.trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("group") || key.hasPrefix("weight") {
                throw MembershipError(message: "hierarchical quorums (group, weight) are not supported here")
            }
            if key == "version" {
                guard let value = Int64(entry.value, radix: 16) else {
                    throw MembershipError(message: "For input string: \"\(entry.value)\"")
                }
                version = value
                continue
            }
            guard key.hasPrefix("server.") else { throw MembershipError(message: "Unrecognised parameter: \(key)") }
            let idText = String(entry.key.dropFirst("server.".count))
            guard let id = Int64(idText) else { throw MembershipError(message: "For input string: \"\(idText)\"") }
            switch QuorumServer.parse(id: id, entry.value, multiAddressEnabled: false) {
            case .success(let server): servers.append(server)
            case .failure(let error): throw MembershipError(message: error.message)
            }
        }
        let participants = servers.filter { $0.role == .participant }.count
        if servers.count > participants {
            if participants == 0 { throw MembershipError(message: "Observers w/o participants is an invalid configuration") }
            if participants == 1 { throw MembershipError(message: "Observers w/o quorum is an invalid configuration") }
        }
        let lines = servers.sorted { $0.id < $1.id }.map { "server.\($0.id)=\(describe($0))\n" }
        return lines.joined() + "version=" + String(UInt64(bitPattern: version), radix: 16)
    }

    /// QuorumServer.toString: addresses by host, the role, and the client address.
    private static func describe(_ server: QuorumServer) -> String {
        func host(_ name: String) -> String { name.contains(":") ? "[\(name)]" : name }
        var text = server.addresses.sorted { $0.host < $1.host }
            .map { "\(host($0.host)):\($0.quorumPort):\($0.electionPort)" }.joined(separator: "|")
        text += server.role == .observer ? ":observer" : ":participant"
        if let client = server.clientAddress, !server.clientAddressFromStaticConfig {
            text += ";\(host(client.host)):\(client.port)"
        }
        return text
    }
}
