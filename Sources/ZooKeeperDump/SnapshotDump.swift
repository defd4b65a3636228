// `zkdump snapshot`: a snapshot (`snapshot.<zxid>`) streamed item by item,
// the answer to Java's SnapshotFormatter / zkSnapShotToolkit.
//
// Text, in file order:
//   FILE: snapshot magic=ZKSN version=2 dbid=-1
//   sessions count=N, then `  session 0x… timeout=30000` per session
//   acl cache count=N, then `  acl 1 [digest:alice:… cdrwa]` per entry
//   with --tree, per node: `node /path data(N)="…" acl=[…] czxid=0x… mzxid=0x…
//     ctime=… mtime=… version=… cversion=… aversion=… ephemeralOwner=0x… pzxid=0x…
//     kind=persistent|ephemeral|container|ttl [ttl=ms]`
//   nodes count=N maxZxid=0x…, then `note: …` if nodes name ACL indexes the cache lacks
//   `seal tree adler32=0x… verified`, `seal digest adler32=0x… verified zxid=0x…
//     digestVersion=2 digest=0x… computed=0x… match|differs`, and for 3.9 files
//     `seal lastProcessedZxid adler32=0x… verified zxid=0x…`
//   FILE: end of file at offset N   (or `FILE: error: reason`, naming the offset)
//
// JSON (`--json`), one object per line, keys in this order:
//   header:    kind "header", file, magic ("ZKSN"), version, dbid
//   sessions:  kind "sessions", file, count
//   session:   kind "session", file, session ("0x…"), timeout
//   acl_cache: kind "acl_cache", file, count
//   acl_entry: kind "acl_entry", file, index, acl ([{scheme, id, perms: "cdrwa"}])
//   node (--tree only): kind "node", file, offset, path ("/" for the root),
//              data_len and data (preview; with --secrets data_hex), acl (resolved
//              through the ACL cache; null when the index is missing), acl_index,
//              czxid, mzxid, ctime, mtime, version, cversion, aversion,
//              ephemeral_owner, pzxid, node_kind, ttl (null unless node_kind "ttl")
//   nodes:     kind "nodes", file, count, max_zxid (largest czxid/mzxid/pzxid),
//              missing_acl_count, first_missing_acl ("path #index" or null; see
//              SnapshotDumpPrinter: normal in a fuzzy snapshot, so not an error)
//   seal:      kind "seal", file, section ("tree" | "digest" | "last_processed_zxid"),
//              checksum ("0x…"), verified (true: a bad seal ends the dump instead);
//              digest adds zxid, digest_version, digest, computed_digest (null unless
//              digest_version is 2), digest_match (null when not computed);
//              last_processed_zxid adds zxid
//   end:       kind "end", file, end ("end_of_file" | "corrupt" | "unusable"),
//              offset, reason (null when clean), status (the exit status)
// Zxids, session ids, checksums and digests are "0x…" strings; times ISO-8601 UTC.
//
// A digest that differs from the computed one is reported, not an error:
// snapshots are fuzzy (written while txns apply), and Java only compares the
// digest after replaying the log up to its zxid. (Java 3.8 also records
// digest 0 in the snapshot it writes at first start-up.)
import NIOCore
import ZooKeeperJute
import ZooKeeperStorageFormat

public enum SnapshotDump {
    public struct Options: Sendable {
        /// One JSON object per line instead of text.
        public var json: Bool
        /// Node data in full as hex instead of a text preview.
        public var secrets: Bool
        /// Print every node, not just the counts.
        public var tree: Bool
        /// `jute.maxbuffer` the writing server had.
        public var limits: JuteLimits

        public init(json: Bool = false, secrets: Bool = false, tree: Bool = false, limits: JuteLimits = .default) {
            self.json = json
            self.secrets = secrets
            self.tree = tree
            self.limits = limits
        }
    }

    /// Dumps a snapshot held in memory.
    public static func run(
        fileName: String, bytes: ByteBuffer, options: Options = Options(), emit: (String) -> Void
    ) -> DumpExitStatus {
        var remaining: ByteBuffer? = bytes
        return run(fileName: fileName, options: options, read: {
            defer { remaining = nil }
            return remaining
        }, emit: emit)
    }

    /// Dumps a snapshot read in chunks: `read` returns the next chunk, nil at
    /// the end. Items are printed as they decode, so memory stays at one
    /// chunk, one item and the ACL cache however large the snapshot is.
    /// A `read` that throws ends the dump as unusable.
    public static func run(
        fileName: String, options: Options = Options(), read: () throws -> ByteBuffer?, emit: (String) -> Void
    ) -> DumpExitStatus {
        // The printers hold `emit` only for the length of this call.
        withoutActuallyEscaping(emit) { emit in
            stream(fileName: fileName, options: options, read: read, emit: emit)
        }
    }

    /// The end line for a file that could not be opened (exit status 2).
    public static func unreadable(
        fileName: String, reason: String, options: Options = Options(), emit: (String) -> Void
    ) -> DumpExitStatus {
        withoutActuallyEscaping(emit) { emit in
            DumpFileLines(file: fileName, json: options.json, emit: emit)
                .end("unusable", text: "unusable", offset: 0, reason: "cannot read: \(reason)", status: .unusable)
        }
    }

    private static func stream(
        fileName: String, options: Options, read: () throws -> ByteBuffer?, emit: @escaping (String) -> Void
    ) -> DumpExitStatus {
        let lines = DumpFileLines(file: fileName, json: options.json, emit: emit)
        var printer = SnapshotDumpPrinter(file: fileName, options: options, emit: emit)
        var decoder = SnapshotFileDecoder(limits: options.limits)
        var pending = ByteBuffer()
        var endOfInput = false
        while true {
            do {
                if var chunk = try read() {
                    pending.writeBuffer(&chunk)
                } else {
                    endOfInput = true
                }
            } catch {
                return lines.end("unusable", text: "unusable", offset: decoder.offset, reason: "cannot read: \(error)", status: .unusable)
            }
            do {
                while true {
                    let offset = decoder.offset
                    guard let item = try decoder.next(from: &pending, endOfInput: endOfInput) else { break }
                    printer.print(item, offset: offset)
                }
            } catch {
                // Before the header it is not a snapshot at all; after, a damaged one.
                let unusable = !printer.sawHeader
                return lines.end(
                    unusable ? "unusable" : "corrupt", text: "", offset: error.offset,
                    reason: unusable ? "not a snapshot: \(error)" : "\(error)",
                    status: unusable ? .unusable : .problems
                )
            }
            if endOfInput { break }
            // Keep only the partial item, so a long file does not pile up in memory.
            pending.discardReadBytes()
        }
        return lines.end("end_of_file", text: "end of file", offset: decoder.offset, reason: nil, status: .ok)
    }
}
