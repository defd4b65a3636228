import NIOCore
import ZooKeeperJute

/// The body of a multi or multiRead request (Java's MultiOperationRecord):
/// (MultiHeader, op record) pairs until a header with `done` set.
public struct MultiRequest: JuteRecord {
    public static let juteName = "org.apache.zookeeper.MultiOperationRecord"
    public static let juteMinimumSize = MultiHeader.juteMinimumSize

    public struct Op: Hashable, Sendable {
        public var header: MultiHeader
        public var body: RequestBody

        public init(header: MultiHeader, body: RequestBody) {
            self.header = header
            self.body = body
        }

        /// Java writes each op's header as (type, false, -1).
        public init(_ op: OpCode, _ body: RequestBody) {
            self.init(header: MultiHeader(type: op.rawValue, done: false, err: -1), body: body)
        }

        public var op: OpCode { OpCode(header.type) }
    }

    public var ops: [Op]
    /// The closing header; Java writes (-1, true, -1).
    public var end: MultiHeader

    public init(ops: [Op], end: MultiHeader = MultiHeader(type: -1, done: true, err: -1)) {
        self.ops = ops
        self.end = end
    }

    public init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits) throws(JuteError) {
        self = try buffer.readJute { (reader: inout JuteReader) throws(JuteError) -> Self in
            try Self(juteReader: &reader, limits: limits)
        }
    }

    public init(juteReader buffer: inout JuteReader, limits: JuteLimits) throws(JuteError) {
        var ops: [Op] = []
        var header = try MultiHeader(juteReader: &buffer, limits: limits)
        while !header.done {
            let body: RequestBody
            switch OpCode(header.type) {
            case .create, .create2, .createContainer: body = .create(try .init(juteReader: &buffer, limits: limits))
            case .createTTL: body = .createTTL(try .init(juteReader: &buffer, limits: limits))
            case .delete: body = .delete(try .init(juteReader: &buffer, limits: limits))
            case .setData: body = .setData(try .init(juteReader: &buffer, limits: limits))
            case .check: body = .check(try .init(juteReader: &buffer, limits: limits))
            case .getChildren: body = .getChildren(try .init(juteReader: &buffer, limits: limits))
            case .getData: body = .getData(try .init(juteReader: &buffer, limits: limits))
            default:
                throw JuteError(.invalidValue, field: "MultiRequest.op", detail: "op \(OpCode(header.type)) cannot be in a multi")
            }
            ops.append(Op(header: header, body: body))
            header = try MultiHeader(juteReader: &buffer, limits: limits)
        }
        self.ops = ops
        self.end = header
    }

    public func writeJute(to buffer: inout ByteBuffer) {
        for op in ops {
            op.header.writeJute(to: &buffer)
            op.body.write(to: &buffer)
        }
        end.writeJute(to: &buffer)
    }
}

/// The body of a multi or multiRead reply (Java's MultiResponse): per op a
/// MultiHeader naming the result's type (or -1 with the error), then the result.
public struct MultiResponse: JuteRecord {
    public static let juteName = "org.apache.zookeeper.MultiResponse"
    public static let juteMinimumSize = MultiHeader.juteMinimumSize

    public struct Result: Hashable, Sendable {
        public var header: MultiHeader
        public var body: ResponseBody

        public init(header: MultiHeader, body: ResponseBody) {
            self.header = header
            self.body = body
        }

        public var op: OpCode { OpCode(header.type) }
        /// The error of a failed op (header type -1), else ok.
        public var err: ErrorCode { ErrorCode(header.err) }
    }

    public var results: [Result]
    public var end: MultiHeader

    public init(results: [Result], end: MultiHeader = MultiHeader(type: -1, done: true, err: -1)) {
        self.results = results
        self.end = end
    }

    public init(juteFrom buffer: inout ByteBuffer, limits: JuteLimits) throws(JuteError) {
        self = try buffer.readJute { (reader: inout JuteReader) throws(JuteError) -> Self in
            try Self(juteReader: &reader, limits: limits)
        }
    }

    public init(juteReader buffer: inout JuteReader, limits: JuteLimits) throws(JuteError) {
        var results: [Result] = []
        var header = try MultiHeader(juteReader: &buffer, limits: limits)
        while !header.done {
            let body: ResponseBody
            switch OpCode(header.type) {
            case .create: body = .create(try .init(juteReader: &buffer, limits: limits))
            case .create2: body = .create2(try .init(juteReader: &buffer, limits: limits))
            case .delete, .check: body = .none
            case .setData: body = .setData(try .init(juteReader: &buffer, limits: limits))
            case .getChildren: body = .getChildren(try .init(juteReader: &buffer, limits: limits))
            case .getData: body = .getData(try .init(juteReader: &buffer, limits: limits))
            case .error: body = .error(try .init(juteReader: &buffer, limits: limits))
            default:
                throw JuteError(.invalidValue, field: "MultiResponse.result", detail: "type \(OpCode(header.type))")
            }
            results.append(Result(header: header, body: body))
            header = try MultiHeader(juteReader: &buffer, limits: limits)
        }
        self.results = results
        self.end = header
    }

    public func writeJute(to buffer: inout ByteBuffer) {
        for result in results {
            result.header.writeJute(to: &buffer)
            result.body.write(to: &buffer)
        }
        end.writeJute(to: &buffer)
    }
}
