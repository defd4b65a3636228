import ZooKeeperClient
import ZooKeeperProtocol

extension CommandRunner {
    /// What zkCli prints for a failed call: 3.8.0's CliWrapperException text
    /// for the codes it names (a missing path prints as "null", as Java's
    /// string concatenation does), else KeeperException's message,
    /// "KeeperErrorCode = <code message>[ for <path>]".
    public static func message(_ error: ZooKeeperError) -> String {
        let path = error.path ?? "null"
        switch error.code {
        case .noNode: return "Node does not exist: \(path)"
        case .noChildrenForEphemerals: return "Ephemerals cannot have children: \(path)"
        case .nodeExists: return "Node already exists: \(path)"
        case .notEmpty: return "Node not empty: \(path)"
        case .notReadOnly: return "Not a read-only call: \(path)"
        case .invalidACL: return "Acl is not valid : \(path)"
        case .noAuth: return "Insufficient permission : \(path)"
        case .badArguments: return "Arguments are not valid : \(path)"
        case .badVersion: return "version No is not valid : \(path)"
        case .reconfigInProgress: return "Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)"
        case .newConfigNoQuorum:
            return "No quorum of new config is connected and up-to-date with the leader of last committed config"
                + " - try invoking reconfiguration after new servers are connected and synced"
        case .quotaExceeded: return "Quota has exceeded : \(path)"
        default: return error.description
        }
    }
}
