import ZooKeeperProtocol

/// How Java's FinalRequestProcessor names and classifies an answered request
/// for `cons` (lop) and the latency metrics.
enum RequestStatistics {
    /// The `lastOp` FinalRequestProcessor records. A write the prep stage
    /// failed carries an error txn, throws before the switch sets a name, and
    /// so records "NA"; a failed read has its name already.
    static func lastOp(_ op: OpCode, err: ErrorCode) -> String {
        if err != .ok && isWrite(op) && op != .multi { return "NA" }
        return names[op] ?? "NA"
    }

    /// Requests that carry a txn header in Java (UPDATE_LATENCY, not READ_LATENCY).
    static func isWrite(_ op: OpCode) -> Bool { writes.contains(op) }

    /// Requests FinalRequestProcessor never sees (ZooKeeperServer answers them).
    static func isCounted(_ op: OpCode) -> Bool { op != .auth && op != .sasl }

    private static let writes: Set<OpCode> = [
        .create, .delete, .setData, .setACL, .check, .multi, .create2, .reconfig,
        .createContainer, .deleteContainer, .createTTL, .createSession, .closeSession,
    ]

    private static let names: [OpCode: String] = [
        .ping: "PING", .createSession: "SESS", .multi: "MULT", .multiRead: "MLTR",
        .create: "CREA", .create2: "CREA", .createTTL: "CREA", .createContainer: "CREA",
        .delete: "DELE", .deleteContainer: "DELE", .setData: "SETD", .reconfig: "RECO",
        .setACL: "SETA", .closeSession: "CLOS", .sync: "SYNC", .check: "CHEC",
        .exists: "EXIS", .getData: "GETD", .setWatches: "SETW", .setWatches2: "STW2",
        .addWatch: "ADDW", .getACL: "GETA", .getChildren: "GETC", .getChildren2: "GETC",
        .getAllChildrenNumber: "GETACN", .checkWatches: "CHKW", .removeWatches: "REMW",
        .whoAmI: "HOMI", .getEphemerals: "GETE",
    ]
}
