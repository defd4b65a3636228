/// One JSON object, its keys in the order they were added, written on one line.
/// zkdump's `--json` output is a stream of these; key order is kept stable so
/// the output diffs cleanly.
public struct JSONLine: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object(JSONLine)
    }

    public private(set) var fields: [(key: String, value: Value)] = []

    public init() {}

    public static func == (lhs: JSONLine, rhs: JSONLine) -> Bool {
        lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public mutating func set(_ key: String, _ value: Value) {
        if let index = fields.firstIndex(where: { $0.key == key }) {
            fields[index].value = value
        } else {
            fields.append((key, value))
        }
    }

    public mutating func set(_ key: String, _ value: String?) { set(key, value.map(Value.string) ?? .null) }
    public mutating func set<I: BinaryInteger>(_ key: String, _ value: I) { set(key, .int(Int64(value))) }
    public mutating func set(_ key: String, _ value: Bool) { set(key, .bool(value)) }
    public mutating func set(_ key: String, _ value: JSONLine) { set(key, .object(value)) }

    public subscript(key: String) -> Value? {
        fields.first { $0.key == key }?.value
    }

    public var text: String {
        var out = ""
        Self.write(.object(self), to: &out)
        return out
    }

    private static func write(_ value: Value, to out: inout String) {
        switch value {
        case .string(let s): writeString(s, to: &out)
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (i, v) in values.enumerated() {
                if i > 0 { out += "," }
                write(v, to: &out)
            }
            out += "]"
        case .object(let line):
            out += "{"
            for (i, field) in line.fields.enumerated() {
                if i > 0 { out += "," }
                writeString(field.key, to: &out)
                out += ":"
                write(field.value, to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
