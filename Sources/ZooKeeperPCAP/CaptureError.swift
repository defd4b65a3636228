/// Describes why a capture file could not be read (further).
///
/// Readers never trap on hostile input; every structural problem becomes one of these, so a
/// caller can keep the packets read before it and tell the user exactly what went wrong.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Broad category, so callers can react (e.g. treat `.truncated` as "partial capture").
    public enum Kind: Sendable, Hashable {
        /// The bytes do not start with a known pcap or pcapng magic number.
        case unknownFormat
        /// A known format, but a version or variant this reader does not understand.
        case unsupportedVersion
        /// The file ends in the middle of a header, record or block.
        case truncated
        /// A length or reference inside the file is inconsistent.
        case malformed
    }

    public var kind: Kind
    public var message: String
    /// Byte offset in the capture file where the problem was detected, when known.
    public var offset: Int?

    public init(kind: Kind, message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset {
            return "\(self.kind) at byte \(offset): \(self.message)"
        }
        return "\(self.kind): \(self.message)"
    }
}
