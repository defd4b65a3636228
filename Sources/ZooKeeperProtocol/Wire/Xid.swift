/// Transaction ids with a fixed meaning on the client port. Ordinary requests
/// use positive, increasing xids; these are set aside by the Java client.
public enum Xid {
    /// A watch event pushed by the server (ReplyHeader then WatcherEvent).
    public static let notification: Int32 = -1
    public static let ping: Int32 = -2
    public static let auth: Int32 = -4
    public static let setWatches: Int32 = -8
}
