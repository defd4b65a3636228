// `zkdump log`: a txn log (`log.<zxid>`) one line per txn, the answer to
// Java's TxnLogToolkit / LogFormatter.
//
// Text: a header line `FILE: txn log magic=ZKLG version=2 dbid=0`, then per txn
//   `0x3 2024-11-22T02:34:00.123Z session=0x1000… cxid=1 create path=/app data(19)="…" acl=[world:anyone cdrwa] ephemeral=false parentCVersion=1 digest=v2:0x…`
// (a multi's ops follow on lines indented `  [i] type fields…`), then how the
// file ended: `FILE: zero padding at offset N txns=K`, `FILE: end of file at
// offset N txns=K`, `FILE: torn tail at offset N: reason txns=K`, or an error
// line `FILE: error: reason` that names the offset.
//
// JSON (`--json`), one object per line, keys in this order:
//   header: kind "header", file, magic ("ZKLG"), version, dbid
//   txn:    kind "txn", file, offset (of the record in the file), zxid ("0x…"),
//           time (ISO-8601 UTC, ms), session ("0x…"), cxid, type (OpCode name),
//           then the body's fields (only those its type has):
//             path; data_len and data (preview; with --secrets data_hex, all of it);
//             acl ([{scheme, id, perms: "cdrwa"}]); ephemeral; parent_cversion; ttl;
//             version; timeout (createSession); paths2delete (closeSession);
//             err (ErrorCode name) and err_code (error txns); txns (multi: an array
//             of {type, fields…}); body_len and body / body_hex (types with no known record)
//           and last digest ({version, tree: "0x…"} or null when the entry has none).
//   end:    kind "end", file, end ("end_of_file" | "zero_padding" | "torn_tail" |
//           "corrupt" | "unusable"), offset, reason (null when clean), txn_count,
//           status (the exit status: 0, 1 or 2).
// Strings and ids are hex strings where ZooKeeper prints hex (zxids, sessions,
// digests), so 64-bit values survive JSON readers that use doubles.
import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol
import ZooKeeperStorageFormat

public enum TxnLogDump {
    public struct Options: Sendable {
        /// One JSON object per line instead of text.
        public var json: Bool
        /// Data in full as hex instead of a text preview.
        public var secrets: Bool
        /// `jute.maxbuffer` the writing server had; longer records count as damaged.
        public var limits: JuteLimits

        public init(json: Bool = false, secrets: Bool = false, limits: JuteLimits = .default) {
            self.json = json
            self.secrets = secrets
            self.limits = limits
        }
    }

    /// Dumps one txn log held in memory; each output line goes to `emit`.
    /// A torn tail is reported and still `.ok` (Java truncates it);
    /// mid-file corruption is `.problems`; not a txn log is `.unusable`.
    public static func run(
        fileName: String, bytes: ByteBuffer, options: Options = Options(), emit: (String) -> Void
    ) -> DumpExitStatus {
        // The line printer holds `emit` only for the length of this call.
        withoutActuallyEscaping(emit) { emit in
            dump(fileName: fileName, bytes: bytes, options: options, emit: emit)
        }
    }

    private static func dump(
        fileName: String, bytes: ByteBuffer, options: Options, emit: @escaping (String) -> Void
    ) -> DumpExitStatus {
        let lines = DumpFileLines(file: fileName, json: options.json, emit: emit)
        var reader: TxnLogReader
        do {
            reader = try TxnLogReader(bytes, limits: options.limits)
        } catch {
            return lines.end("unusable", text: "unusable", offset: error.offset, reason: "not a txn log: \(error)", status: .unusable) {
                $0.int("txns", 0, json: "txn_count")
            }
        }
        lines.header(reader.header, kind: "txn log")
        var count = 0
        do {
            while let record = try reader.next() {
                for line in TxnLogDumpLines.lines(for: record, file: fileName, options: options) { emit(line) }
                count += 1
            }
        } catch {
            return lines.end("corrupt", text: "corrupt", offset: error.offset, reason: "\(error)", status: .problems) {
                $0.int("txns", count, json: "txn_count")
            }
        }
        let txns: (inout FileDumpRecord) -> Void = { $0.int("txns", count, json: "txn_count") }
        switch reader.end {
        case .endOfFile(let offset):
            return lines.end("end_of_file", text: "end of file", offset: offset, reason: nil, status: .ok, extra: txns)
        case .zeroPadding(let offset):
            return lines.end("zero_padding", text: "zero padding", offset: offset, reason: nil, status: .ok, extra: txns)
        case .tornTail(let damage):
            let reason = damage.detail.isEmpty ? "\(damage.kind)" : "\(damage.kind): \(damage.detail)"
            return lines.end("torn_tail", text: "torn tail", offset: damage.offset, reason: reason, status: .ok, extra: txns)
        case nil:
            // next() returned nil, which always sets `end`; say so rather than trap.
            return lines.end("corrupt", text: "corrupt", offset: reader.offset, reason: "reader stopped without an end", status: .problems, extra: txns)
        }
    }

    /// The end line for a file that could not be read at all (exit status 2).
    public static func unreadable(
        fileName: String, reason: String, options: Options = Options(), emit: (String) -> Void
    ) -> DumpExitStatus {
        withoutActuallyEscaping(emit) { emit in
            DumpFileLines(file: fileName, json: options.json, emit: emit).end("unusable", text: "unusable", offset: 0, reason: "cannot read: \(reason)", status: .unusable) {
                $0.int("txns", 0, json: "txn_count")
            }
        }
    }
}
