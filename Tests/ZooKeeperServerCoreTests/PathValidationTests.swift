import Testing
import ZooKeeperServerCore

/// `PathUtils.validatePath` with Java's exception messages.
struct PathValidationTests {
    static func invalid(_ path: String, _ reason: String) -> (String?, String) {
        (path, "Invalid path string \"\(path)\" caused by \(reason)")
    }

    @Test(arguments: [
        (nil, "Path cannot be null"),
        ("", "Path length must be > 0"),
        ("a", "Path must start with / character"),
        ("a/b", "Path must start with / character"),
        (" /a", "Path must start with / character"),
        ("/a/", "Path must not end with / character"),
        ("//", "Path must not end with / character"),
        ("/a\u{0}/", "Path must not end with / character"),  // checked before the characters
        invalid("//a", "empty node name specified @1"),
        invalid("/a//b", "empty node name specified @3"),
        invalid("/.", "relative paths not allowed @1"),
        invalid("/..", "relative paths not allowed @2"),
        invalid("/a/.", "relative paths not allowed @3"),
        invalid("/a/./b", "relative paths not allowed @3"),
        invalid("/a/../b", "relative paths not allowed @4"),
        invalid("/a\u{0}b", "null character not allowed @2"),
        invalid("/a\u{1}", "invalid character @2"),
        invalid("/a\u{1F}", "invalid character @2"),
        invalid("/\u{7F}", "invalid character @1"),
        invalid("/\u{9F}", "invalid character @1"),
        invalid("/\u{E000}", "invalid character @1"),
        invalid("/\u{F8FF}", "invalid character @1"),
        invalid("/\u{FFF0}", "invalid character @1"),
        invalid("/\u{FFFD}", "invalid character @1"),  // the replacement character too
        invalid("/\u{FFFF}", "invalid character @1"),
        invalid("/😀", "invalid character @1"),  // any character outside the BMP: a surrogate pair
        invalid("/é/😀", "invalid character @3"),
        invalid("/😀\u{0}", "invalid character @1"),  // the first fault wins
        ("/a\u{1}//", "Path must not end with / character"),
    ] as [(String?, String)])
    func invalidPath(_ path: String?, _ message: String) {
        #expect(PathValidation.validate(path) == message)
    }

    @Test(arguments: [
        "/", "/a", "/a/b/c", "/...", "/.a", "/a.", "/..a", "/a..", "/a..b", "/a/.../b", "/ ", "/a b",
        "/zookeeper/quota", "/\u{A0}", "/é", "/日本", "/\u{F900}", "/\u{FFEF}", "/\u{20}",
    ])
    func validPath(_ path: String) {
        #expect(PathValidation.validate(path) == nil)
    }

    /// Sequential creates are checked with "1" appended in place of the counter.
    @Test(arguments: [
        ("/a/", nil),
        ("/", nil),
        ("/lock-", nil),
        ("/a/.", nil),
        ("/a//", "Invalid path string \"/a//1\" caused by empty node name specified @3"),
        ("", "Path must start with / character"),
        ("a", "Path must start with / character"),
        ("/a\u{1}", "Invalid path string \"/a\u{1}1\" caused by invalid character @2"),
    ] as [(String, String?)])
    func sequentialPath(_ path: String, _ message: String?) {
        #expect(PathValidation.validate(path, isSequential: true) == message)
    }

    @Test func nonSequentialIsPlain() {
        #expect(PathValidation.validate("/a/", isSequential: false) == "Path must not end with / character")
        #expect(PathValidation.validate(nil, isSequential: true) == "Path cannot be null")
    }
}
