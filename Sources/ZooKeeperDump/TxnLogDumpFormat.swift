import NIOCore
import ZooKeeperProtocol

// Renderings shared by the txn log and snapshot dumps (times, ACLs, data,
// strings from the file), so both print a field the same way.

/// One output line under construction: text tokens and the JSON object side by side,
/// so each field is described once for both output forms.
struct FileDumpRecord {
    var tokens: [String] = []
    var json = JSONLine()

    init(kind: String, file: String) {
        json.set("kind", kind)
        json.set("file", file)
    }

    /// A sub-record (an op of a multi) has no kind or file of its own.
    init() {}

    mutating func text(_ token: String) { tokens.append(token) }

    mutating func field(_ textKey: String, _ text: String, json key: String, _ value: JSONLine.Value) {
        tokens.append("\(textKey)=\(text)")
        json.set(key, value)
    }

    mutating func path(_ path: String?) {
        field("path", FileDumpFormat.safe(path), json: "path", path.map(JSONLine.Value.string) ?? .null)
    }

    mutating func int<I: BinaryInteger>(_ textKey: String, _ value: I, json key: String) {
        field(textKey, String(value), json: key, .int(Int64(value)))
    }

    mutating func zxid(_ textKey: String, _ value: Int64, json key: String) {
        field(textKey, Preview.hex(value), json: key, .string(Preview.hex(value)))
    }

    mutating func time(_ textKey: String, _ ms: Int64, json key: String) {
        let text = FileDumpFormat.time(ms)
        field(textKey, text, json: key, .string(text))
    }

    mutating func acl(_ acl: [ACL]?) {
        field("acl", FileDumpFormat.aclText(acl), json: "acl", FileDumpFormat.aclJSON(acl))
    }

    /// `data(N)="preview"` or, with secrets, `data(N)=hex`; JSON `<key>_len` and `<key>` or `<key>_hex`.
    mutating func data(_ bytes: ByteBuffer?, secrets: Bool, key: String = "data") {
        guard let bytes else {
            tokens.append("\(key)=null")
            json.set("\(key)_len", .null)
            json.set(secrets ? "\(key)_hex" : key, .null)
            return
        }
        let length = bytes.readableBytes
        json.set("\(key)_len", .int(Int64(length)))
        if secrets {
            let hex = Preview.hex(bytes)
            tokens.append("\(key)(\(length))=\(hex)")
            json.set("\(key)_hex", .string(hex))
        } else {
            let preview = Preview.text(bytes)
            tokens.append("\(key)(\(length))=\"\(preview)\"")
            json.set(key, .string(preview))
        }
    }

    var textLine: String { tokens.joined(separator: " ") }
}

enum FileDumpFormat {
    /// ISO-8601 UTC with milliseconds; out of the years 1-9999 the raw number with "ms".
    static func time(_ ms: Int64) -> String {
        // Bounds keep the arithmetic below far from overflow.
        guard ms >= -62_135_596_800_000, ms < 253_402_300_800_000 else { return "\(ms)ms" }
        let msPerDay: Int64 = 86_400_000
        var days = ms / msPerDay
        var rest = ms % msPerDay
        if rest < 0 {
            days -= 1
            rest += msPerDay
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let hour = rest / 3_600_000, minute = rest / 60_000 % 60, second = rest / 1000 % 60, milli = rest % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(milli, 3))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A string from the file made safe for one text line: control and
    /// line-breaking characters (and the backslash) escaped, so no path can
    /// split a line or drive the terminal.
    static func safe(_ string: String?) -> String {
        guard let string else { return "null" }
        var out = ""
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x5c: out += "\\\\"
            case 0..<0x20, 0x7f...0x9f, 0x2028, 0x2029:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// zkCli's letters (cdrwa); bits ZooKeeper does not define are shown in hex.
    static func perms(_ raw: Int32) -> String {
        let perms = Perms(rawValue: raw)
        var text = perms.description
        let unknown = raw & ~Perms.all.rawValue
        if unknown != 0 { text += "+0x" + String(UInt32(bitPattern: unknown), radix: 16) }
        return text.isEmpty ? "-" : text
    }

    /// `scheme:id perms`, as zkCli's getAcl shows an entry.
    static func aclEntry(_ acl: ACL) -> String {
        "\(safe(acl.id.scheme)):\(safe(acl.id.id)) \(perms(acl.perms))"
    }

    static func aclText(_ acl: [ACL]?) -> String {
        guard let acl else { return "null" }
        return "[" + acl.map(aclEntry).joined(separator: ", ") + "]"
    }

    static func aclJSON(_ acl: [ACL]?) -> JSONLine.Value {
        guard let acl else { return .null }
        return .array(acl.map { entry in
            var object = JSONLine()
            object.set("scheme", entry.id.scheme)
            object.set("id", entry.id.id)
            object.set("perms", perms(entry.perms))
            return .object(object)
        })
    }

    /// A file magic as its four ASCII letters (ZKLG, ZKSN) when printable, else hex.
    static func magic(_ magic: Int32) -> String {
        let bytes = withUnsafeBytes(of: magic.bigEndian) { Array($0) }
        guard bytes.allSatisfy({ (0x21..<0x7f).contains($0) }) else {
            return "0x" + String(UInt32(bitPattern: magic), radix: 16)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The first and last lines of a file's dump, and its error line, the same for both kinds of file.
struct DumpFileLines {
    let file: String
    let json: Bool
    let emit: (String) -> Void

    func header(_ header: FileHeader, kind: String) {
        var record = FileDumpRecord(kind: "header", file: file)
        record.text("\(FileDumpFormat.safe(file)): \(kind)")
        record.field("magic", FileDumpFormat.magic(header.magic), json: "magic", .string(FileDumpFormat.magic(header.magic)))
        record.int("version", header.version, json: "version")
        record.int("dbid", header.dbid, json: "dbid")
        emit(json ? record.json.text : record.textLine)
    }

    /// The final line. In text an error reads `file: error: reason`, anything else `file: <end> at offset N`.
    func end(
        _ end: String, text: String, offset: Int, reason: String?, status: DumpExitStatus,
        extra: (inout FileDumpRecord) -> Void = { _ in }
    ) -> DumpExitStatus {
        var record = FileDumpRecord(kind: "end", file: file)
        record.json.set("end", end)
        record.json.set("offset", offset)
        record.json.set("reason", reason)
        extra(&record)
        record.json.set("status", Int(status.rawValue))
        if json {
            emit(record.json.text)
        } else if status == .ok {
            var line = "\(FileDumpFormat.safe(file)): \(text) at offset \(offset)"
            if let reason { line += ": \(FileDumpFormat.safe(reason))" }
            if !record.tokens.isEmpty { line += " " + record.textLine }
            emit(line)
        } else {
            emit("\(FileDumpFormat.safe(file)): error: \(FileDumpFormat.safe(reason ?? text))")
        }
        return status
    }
}
