/// Where a transcript departs from the expectation.
public struct Difference: Hashable, Sendable {
    /// 1-based index of the first differing line (in both transcripts, which agree before it).
    public var firstLine: Int
    /// The lines there; nil past the end.
    public var expected: String?
    public var got: String?
    /// A line diff with `context` lines of context: "  " same, "- " expected only, "+ " got only.
    public var diff: [String]

    /// The report printed under FAIL.
    public var report: String {
        var text = "  first difference at transcript line \(firstLine):\n"
        text += "    expected: \(expected ?? "(end of transcript)")\n"
        text += "    got:      \(got ?? "(end of transcript)")\n"
        text += "  diff (- expected, + got):\n"
        text += diff.map { "    " + $0 }.joined(separator: "\n")
        return text
    }
}

public enum Comparison {
    /// nil when the transcripts are equal line for line.
    public static func compare(expected: [String], got: [String], context: Int = 2) -> Difference? {
        guard expected != got else { return nil }
        var first = 0
        while first < expected.count, first < got.count, expected[first] == got[first] { first += 1 }
        return Difference(
            firstLine: first + 1,
            expected: first < expected.count ? expected[first] : nil,
            got: first < got.count ? got[first] : nil,
            diff: diff(expected, got, context: context))
    }

    enum Edit: Equatable { case same(String), removed(String), added(String) }

    /// Longest-common-subsequence edit script; transcripts are short.
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var result: [Edit] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                result.append(.same(a[i])); i += 1; j += 1
            } else if j < m, i == n || lcs[i][j + 1] > lcs[i + 1][j] {
                result.append(.added(b[j])); j += 1
            } else {
                result.append(.removed(a[i])); i += 1
            }
        }
        return result
    }

    static func diff(_ a: [String], _ b: [String], context: Int) -> [String] {
        let script = edits(a, b)
        var keep = [Bool](repeating: false, count: script.count)
        for (k, edit) in script.enumerated() {
            if case .same = edit { continue }
            for c in max(0, k - context)...min(script.count - 1, k + context) { keep[c] = true }
        }
        var out: [String] = []
        var skipped = false
        for (k, edit) in script.enumerated() {
            guard keep[k] else { skipped = true; continue }
            if skipped, !out.isEmpty { out.append("...") }
            skipped = false
            switch edit {
            case .same(let line): out.append("  " + line)
            case .removed(let line): out.append("- " + line)
            case .added(let line): out.append("+ " + line)
            }
        }
        return out
    }
}

/// An expected file: `#` comment lines (what recorded it), then the transcript.
public enum ExpectationFile {
    public static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { !$0.hasPrefix("#") }
    }

    public static func render(_ transcript: [String], scenario: String, recordedFrom: String) -> String {
        var text = "# Expected transcript of \(scenario).scn, recorded by `zkconform server --record` from \(recordedFrom).\n"
        text += "# Re-record with scripts/conformance --record; do not edit by hand.\n"
        for line in transcript { text += line + "\n" }
        return text
    }
}
