/// Splits a command line into words as ZooKeeperMain's MyCommandOptions does:
/// repeated finds of `\s*([^"']\S*|"[^"]*"|'[^']*')\s*`, then a word wrapped
/// in matching quotes loses them. So `create /a "hello world"` passes
/// `hello world`; an unclosed quote is skipped (`"abc` gives `abc`), and at
/// the start of a line the pattern's backtracking keeps one blank before it
/// (`  "abc` gives ` "abc`), as in Java.
public enum CommandWords {
    public static func split(_ line: String) -> [String] {
        let chars = Array(line.unicodeScalars)
        var words: [String] = []
        var position = 0
        while position < chars.count, let (range, end) = find(chars, from: position) {
            var word = chars[range]
            if word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first {
                word = word.dropFirst().dropLast()
            }
            words.append(String(String.UnicodeScalarView(word)))
            position = end
        }
        return words
    }

    /// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
    static func isBlank(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\u{0B}" || c == "\u{0C}" || c == "\r"
    }

    /// The first match at or after `start`: the group's range and where the
    /// match (with its trailing blanks) ends.
    private static func find(_ chars: [Unicode.Scalar], from start: Int) -> (Range<Int>, Int)? {
        for origin in start..<chars.count {
            var blanks = 0
            while origin + blanks < chars.count, isBlank(chars[origin + blanks]) { blanks += 1 }
            // `\s*` is greedy and gives blanks back when the group fails after them.
            for taken in stride(from: blanks, through: 0, by: -1) {
                guard let groupEnd = group(chars, at: origin + taken) else { continue }
                var end = groupEnd
                while end < chars.count, isBlank(chars[end]) { end += 1 }
                return (origin + taken..<groupEnd, end)
            }
        }
        return nil
    }

    /// `[^"']\S*|"[^"]*"|'[^']*'` at `index`: where it ends, or nil.
    private static func group(_ chars: [Unicode.Scalar], at index: Int) -> Int? {
        guard index < chars.count else { return nil }
        let first = chars[index]
        if first != "\"" && first != "'" {
            var end = index + 1
            while end < chars.count, !isBlank(chars[end]) { end += 1 }
            return end
        }
        guard let close = chars[(index + 1)...].firstIndex(of: first) else { return nil }
        return close + 1
    }
}
