import ArgumentParser
import Foundation
import NIOCore
import ZooKeeperDump
import ZooKeeperJute

/// `zkdump log FILE...`: every txn of Java txn logs, one line each (Java's TxnLogToolkit).
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print every txn of ZooKeeper txn logs (log.<zxid>), one per line.",
        discussion: """
            Exit status: 0 when every file decoded (a torn tail, which Java truncates, included), \
            1 when a file is corrupt mid-file, 2 when a file is unreadable or not a txn log.
            """
    )

    @Argument(help: "Txn log files (log.<zxid> in a dataDir's version-2).")
    var files: [String]

    @Flag(help: "One JSON object per line (keys documented in TxnLogDump.swift).")
    var json = false

    @Flag(help: "Show data in full as hex instead of a text preview.")
    var secrets = false

    @Option(help: "The writing server's jute.maxbuffer; longer records count as damaged.")
    var juteMaxbuffer = JuteLimits.default.maxBuffer

    func run() throws {
        let options = TxnLogDump.Options(json: json, secrets: secrets, limits: JuteLimits(maxBuffer: juteMaxbuffer))
        var statuses: [DumpExitStatus] = []
        for file in files {
            // Txn logs are read whole: the reader looks past damage for later valid records.
            let bytes: ByteBuffer
            do {
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
                defer { try? handle.close() }
                bytes = ByteBuffer(bytes: try handle.readToEnd() ?? Data())
            } catch {
                statuses.append(TxnLogDump.unreadable(fileName: file, reason: readFailureReason(error), options: options) { print($0) })
                continue
            }
            statuses.append(TxnLogDump.run(fileName: file, bytes: bytes, options: options) { print($0) })
        }
        let status = DumpExitStatus.worst(statuses)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

/// Why a file could not be read, short ("No such file or directory") rather
/// than Foundation's wrapped description with the full URL.
func readFailureReason(_ error: any Error) -> String {
    var current: NSError? = error as NSError
    while let error = current {
        if error.domain == NSPOSIXErrorDomain, let code = Int32(exactly: error.code) {
            return String(cString: strerror(code))
        }
        if error.domain == NSCocoaErrorDomain, error.code == CocoaError.fileReadNoSuchFile.rawValue {
            return String(cString: strerror(ENOENT))
        }
        current = error.userInfo[NSUnderlyingErrorKey] as? NSError
    }
    return (error as NSError).localizedDescription
}

/// A read error the dump prints as its short reason.
struct ReadFailure: Error, CustomStringConvertible {
    let description: String

    init(_ error: any Error) { description = readFailureReason(error) }
}
