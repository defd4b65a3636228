/// The sanity limits Java's BinaryInputArchive applies to lengths it reads.
///
/// Java accepts a buffer or string whose length is at most
/// `jute.maxbuffer + zookeeper.jute.maxbuffer.extrasize`; the extra part defaults
/// to `jute.maxbuffer` itself and is never below 1024. Frame lengths are checked
/// separately, against `jute.maxbuffer` alone (see the frame decoder).
public struct JuteLimits: Hashable, Sendable {
    /// `jute.maxbuffer`; Java's default is 0xfffff.
    public var maxBuffer: Int
    /// `zookeeper.jute.maxbuffer.extrasize`; Java's default is `maxBuffer`.
    public var extraMaxBuffer: Int

    public init(maxBuffer: Int = 0xfffff, extraMaxBuffer: Int? = nil) {
        self.maxBuffer = maxBuffer
        self.extraMaxBuffer = max(extraMaxBuffer ?? maxBuffer, 1024)
    }

    /// The largest string or buffer length accepted.
    public var maxLength: Int {
        min(Int(Int32.max), maxBuffer + extraMaxBuffer)
    }

    public static let `default` = JuteLimits()
}
