/// Why a Jute value could not be decoded.
///
/// `truncated` is the one kind a stream decoder treats as "need more bytes";
/// every other kind means the bytes are not a valid value and never will be.
public struct JuteError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable {
            case truncated, negativeLength, lengthExceedsLimit, trailingBytes, invalidValue
        }
        fileprivate let base: Base

        /// The input ended inside the value.
        public static let truncated = Kind(base: .truncated)
        /// A length or count was negative and not the null marker -1.
        public static let negativeLength = Kind(base: .negativeLength)
        /// A length or count was larger than the configured limit or than the bytes that could hold it.
        public static let lengthExceedsLimit = Kind(base: .lengthExceedsLimit)
        /// A complete value was followed by bytes that belong to nothing.
        public static let trailingBytes = Kind(base: .trailingBytes)
        /// A value that is well-formed Jute but not legal where it stands (an unknown op inside a multi, say).
        public static let invalidValue = Kind(base: .invalidValue)

        public var description: String {
            switch base {
            case .truncated: "truncated"
            case .negativeLength: "negative length"
            case .lengthExceedsLimit: "length exceeds limit"
            case .trailingBytes: "trailing bytes"
            case .invalidValue: "invalid value"
            }
        }
    }

    public var kind: Kind
    /// The record and field being read, e.g. `CreateRequest.path`.
    public var field: String
    /// Free text: the offending length, the limit, the byte count left over.
    public var detail: String

    public init(_ kind: Kind, field: String, detail: String = "") {
        self.kind = kind
        self.field = field
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(kind) in \(field)" : "\(kind) in \(field): \(detail)"
    }

    @inline(never) @usableFromInline
    static func truncated(_ field: StaticString, need: Int, have: Int) -> JuteError {
        JuteError(.truncated, field: "\(field)", detail: "need \(need) bytes, have \(have)")
    }
}
