import Foundation
import ZooKeeperDump

/// A percentage on stderr while a large capture is read: only for files over
/// a few MB, only when stderr is a terminal, never with `--quiet`.
func progressReporter(file: String, size: Int, quiet: Bool) -> (@Sendable (Double) -> Void)? {
    guard !quiet, size > 4 << 20, isTerminal(2) else { return nil }
    let name = (file as NSString).lastPathComponent
    return { fraction in
        let percent = Int(fraction * 100)
        let end = percent >= 100 ? "\r\u{1b}[K" : ""
        FileHandle.standardError.write(Data("\r\(name): \(percent)%\(end)".utf8))
    }
}
