import Testing
import ZooKeeperCLI

/// Lines split as ZooKeeperMain.MyCommandOptions splits them (expected
/// words from Java's ARGS_PATTERN and QUOTED_PATTERN).
@Suite struct ZKCliCommandWordsTests {
    static let cases: [(String, [String])] = [
        ("ls /", ["ls", "/"]),
        ("create /a \"hello world\"", ["create", "/a", "hello world"]),
        ("set /a '  two  blanks  '", ["set", "/a", "  two  blanks  "]),
        ("set /a a\"b c\"", ["set", "/a", "a\"b", "c\""]),
        // An unclosed quote is skipped: the blank before it went with the previous word.
        ("create /a \"abc", ["create", "/a", "abc"]),
        // At the start of the line the pattern backtracks and keeps one blank.
        ("  \"abc", [" \"abc"]),
        ("\"a b\"c", ["a b", "c"]),
        ("x \"\" y", ["x", "", "y"]),
        ("  get \t /a  ", ["get", "/a"]),
        ("'it''s'", ["it", "s"]),
        ("", []),
        // A blank line is one blank word too (zkCli then says "Command not found  ").
        ("   ", [" "]),
    ]

    @Test(arguments: cases.indices)
    func splitsAsJavaDoes(_ index: Int) {
        let (line, words) = Self.cases[index]
        #expect(CommandWords.split(line) == words, "\(line)")
    }
}
