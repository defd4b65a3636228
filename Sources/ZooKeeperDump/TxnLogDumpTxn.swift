import NIOCore
import ZooKeeperProtocol
import ZooKeeperStorageFormat

/// The output lines of one txn: the txn itself and, in text, one indented line per op of a multi.
enum TxnLogDumpLines {
    static func lines(for record: TxnLogRecord, file: String, options: TxnLogDump.Options) -> [String] {
        let entry = record.entry
        let header = entry.header
        var line = FileDumpRecord(kind: "txn", file: file)
        line.json.set("offset", record.offset)
        line.text(Preview.hex(header.zxid))
        line.json.set("zxid", Preview.hex(header.zxid))
        let time = FileDumpFormat.time(header.time)
        line.text(time)
        line.json.set("time", time)
        line.zxid("session", header.clientId, json: "session")
        line.int("cxid", header.cxid, json: "cxid")
        line.text(typeName(entry.type))
        line.json.set("type", typeName(entry.type))

        let ops = describe(entry.body, into: &line, secrets: options.secrets)
        if let digest = entry.digest {
            var object = JSONLine()
            object.set("version", Int(digest.version))
            object.set("tree", Preview.hex(digest.treeDigest))
            line.field("digest", "v\(digest.version):\(Preview.hex(digest.treeDigest))", json: "digest", .object(object))
        } else {
            line.json.set("digest", .null)
        }
        if options.json { return [line.json.text] }
        return [line.textLine] + ops.enumerated().map { "  [\($0.offset)] " + $0.element.textLine }
    }

    static func typeName(_ type: OpCode) -> String { type.description }

    /// Adds the body's fields to `line`; for a multi, returns its ops (already in the JSON as `txns`).
    @discardableResult
    static func describe(_ body: TxnBody, into line: inout FileDumpRecord, secrets: Bool) -> [FileDumpRecord] {
        switch body {
        case .empty:
            break
        case .create(let txn):
            line.path(txn.path)
            line.data(txn.data, secrets: secrets)
            line.acl(txn.acl)
            line.field("ephemeral", String(txn.ephemeral), json: "ephemeral", .bool(txn.ephemeral))
            line.int("parentCVersion", txn.parentCVersion, json: "parent_cversion")
        case .createV0(let txn):
            line.path(txn.path)
            line.data(txn.data, secrets: secrets)
            line.acl(txn.acl)
            line.field("ephemeral", String(txn.ephemeral), json: "ephemeral", .bool(txn.ephemeral))
        case .createTTL(let txn):
            line.path(txn.path)
            line.data(txn.data, secrets: secrets)
            line.acl(txn.acl)
            line.int("parentCVersion", txn.parentCVersion, json: "parent_cversion")
            line.int("ttl", txn.ttl, json: "ttl")
        case .createContainer(let txn):
            line.path(txn.path)
            line.data(txn.data, secrets: secrets)
            line.acl(txn.acl)
            line.int("parentCVersion", txn.parentCVersion, json: "parent_cversion")
        case .delete(let txn):
            line.path(txn.path)
        case .setData(let txn):
            line.path(txn.path)
            line.data(txn.data, secrets: secrets)
            line.int("version", txn.version, json: "version")
        case .setACL(let txn):
            line.path(txn.path)
            line.acl(txn.acl)
            line.int("version", txn.version, json: "version")
        case .checkVersion(let txn):
            line.path(txn.path)
            line.int("version", txn.version, json: "version")
        case .createSession(let txn):
            line.int("timeout", txn.timeOut, json: "timeout")
        case .closeSession(let txn):
            let paths = txn.paths2Delete
            let text = paths.map { "[" + $0.map(FileDumpFormat.safe).joined(separator: ", ") + "]" } ?? "null"
            line.field("paths2Delete", text, json: "paths2delete", paths.map { .array($0.map(JSONLine.Value.string)) } ?? .null)
        case .error(let txn):
            let code = ErrorCode(txn.err)
            // Known codes as `NoAuth(-102)`, others as `unknown(-999)`; JSON has err_code too.
            let text = code.name.map { "\($0)(\(txn.err))" } ?? code.description
            line.field("err", text, json: "err", .string(code.description))
            line.json.set("err_code", Int(txn.err))
        case .multi(let ops):
            line.text("ops=\(ops.count)")
            var records: [FileDumpRecord] = []
            for op in ops {
                var record = FileDumpRecord()
                record.text(typeName(op.type))
                record.json.set("type", typeName(op.type))
                // A multi cannot nest, so its ops never return ops of their own.
                describe(op.body, into: &record, secrets: secrets)
                records.append(record)
            }
            line.json.set("txns", .array(records.map { .object($0.json) }))
            return records
        case .unknown(let bytes):
            line.data(bytes, secrets: secrets, key: "body")
        }
        return []
    }
}
