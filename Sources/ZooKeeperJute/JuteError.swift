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
    public var field: String {
        get {
            switch fieldStorage {
            case .text(let text): text
            case .static(let name): "\(name)"
            }
        }
        set { fieldStorage = .text(newValue) }
    }

    /// Free text: the offending length, the limit, the byte count left over.
    public var detail: String {
        get { detailStorage.text }
        set { detailStorage = .text(newValue) }
    }

    // The field and detail are kept as they come and formatted only when asked
    // for: a stream decoder meets a truncated value at nearly every packet
    // boundary and only looks at the kind.
    @usableFromInline
    enum FieldStorage: Sendable {
        case text(String)
        case `static`(StaticString)
    }

    @usableFromInline
    enum Detail: Sendable {
        case text(String)
        case truncated(need: Int, have: Int)
        case length(Int)
        case lengthOverLimit(Int, Int)
        case count(Int)
        case countOverLimit(Int, Int)

        var text: String {
            switch self {
            case .text(let text): text
            case .truncated(let need, let have): "need \(need) bytes, have \(have)"
            case .length(let length): "length \(length)"
            case .lengthOverLimit(let length, let limit): "length \(length) over limit \(limit)"
            case .count(let count): "count \(count)"
            case .countOverLimit(let count, let limit): "count \(count) over limit \(limit) bytes"
            }
        }
    }

    @usableFromInline var fieldStorage: FieldStorage
    @usableFromInline var detailStorage: Detail

    public init(_ kind: Kind, field: String, detail: String = "") {
        self.kind = kind
        self.fieldStorage = .text(field)
        self.detailStorage = .text(detail)
    }

    @usableFromInline
    init(_ kind: Kind, field: StaticString, detail: Detail) {
        self.kind = kind
        self.fieldStorage = .static(field)
        self.detailStorage = detail
    }

    public var description: String {
        let detail = self.detail
        return detail.isEmpty ? "\(kind) in \(field)" : "\(kind) in \(field): \(detail)"
    }

    public static func == (lhs: JuteError, rhs: JuteError) -> Bool {
        lhs.kind == rhs.kind && lhs.field == rhs.field && lhs.detail == rhs.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(field)
        hasher.combine(detail)
    }

    @inline(never) @usableFromInline
    static func truncated(_ field: StaticString, need: Int, have: Int) -> JuteError {
        JuteError(.truncated, field: field, detail: .truncated(need: need, have: have))
    }
}
