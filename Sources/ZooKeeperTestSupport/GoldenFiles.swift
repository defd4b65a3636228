import Foundation
import Testing

/// Compares output lines with a golden file, reporting the first line that
/// differs; with `ZKDUMP_REWRITE_GOLDEN=1` in the environment it writes the
/// file instead (then review the diff before committing it).
public func expectGolden(_ lines: [String], file url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let name = url.lastPathComponent
    let text = lines.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["ZKDUMP_REWRITE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    let goldenLines = golden.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, (got, want)) in zip(text.split(separator: "\n", omittingEmptySubsequences: false), goldenLines).enumerated()
    where got != want {
        Issue.record("\(name) line \(index + 1):\n got: \(got)\nwant: \(want)", sourceLocation: sourceLocation)
        return
    }
    #expect(text == golden, "\(name): \(lines.count) lines vs golden", sourceLocation: sourceLocation)
}
