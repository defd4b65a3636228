/// What to run: plain values the command line fills in.
struct LoadSettings: Sendable {
    enum Operation: String, Sendable, CaseIterable {
        case get
        case set
        /// Create a child of the load node, then delete it.
        case createdelete
    }

    var host: String
    var port: Int
    var sessions: Int
    var depth: Int
    var seconds: Double
    var warmupSeconds: Double
    var operation: Operation
    var size: Int
    var path: String
    var sessionTimeoutMilliseconds: Int32
    /// A server process on this machine whose CPU time to sample over the measured window.
    var serverPID: Int32?
    /// Bound on each step that waits for the server: connecting, setting up, draining, closing.
    var stepTimeoutSeconds: Double
    /// Every session over TLS when set; plain TCP otherwise.
    var tls: LoadTLS? = nil
}
