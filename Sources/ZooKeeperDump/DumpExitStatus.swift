/// How a file dump ended, as the process exit status `zkdump log` and
/// `zkdump snapshot` return.
public enum DumpExitStatus: Int32, Sendable, Comparable {
    /// The file decoded (a txn log's torn tail included: Java truncates it).
    case ok = 0
    /// The file is the right kind but damaged: mid-file corruption, a bad seal.
    case problems = 1
    /// Unreadable, or not the kind of file asked for.
    case unusable = 2

    public static func < (lhs: DumpExitStatus, rhs: DumpExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The status of a run over several files: the worst of them.
    public static func worst<S: Sequence>(_ statuses: S) -> DumpExitStatus where S.Element == DumpExitStatus {
        statuses.max() ?? .ok
    }
}
