/// A JAAS login configuration file, as `-Djava.security.auth.login.config` names
/// it: sections of login modules with options.
///
///     Server {
///         org.apache.zookeeper.server.auth.DigestLoginModule required
///         user_super="adminsecret"
///         user_bob="bobsecret";
///     };
public struct JAASConfiguration: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var loginModule: String
        /// required, requisite, sufficient or optional.
        public var flag: String
        public var options: [String: String]
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public var sections: [String: [Entry]]

    public subscript(section: String) -> [Entry]? { sections[section] }

    /// The DIGEST-MD5 users of a section: its `user_NAME="password"` options, from
    /// every entry (SaslServerCallbackHandler reads them all).
    public func digestUsers(section: String) -> [String: String]? {
        guard let entries = sections[section] else { return nil }
        var users: [String: String] = [:]
        for entry in entries {
            for (key, value) in entry.options where key.hasPrefix("user_") {
                users[String(key.dropFirst(5))] = value
            }
        }
        return users
    }

    public init(parsing text: String) throws(ParseError) {
        var tokens = try Self.tokens(text)
        tokens.reverse()
        func next() -> Token? { tokens.popLast() }
        func expect(_ symbol: Character, after what: String, line: Int) throws(ParseError) {
            guard let token = next(), case .symbol(symbol) = token.kind else {
                throw ParseError(line: tokens.last?.line ?? line, message: "expected '\(symbol)' after \(what)")
            }
        }
        var sections: [String: [Entry]] = [:]
        while let token = next() {
            guard case .word(let name) = token.kind else {
                throw ParseError(line: token.line, message: "expected a section name")
            }
            try expect("{", after: "section \(name)", line: token.line)
            var entries: [Entry] = []
            while let first = next() {
                if case .symbol("}") = first.kind { break }
                guard case .word(let module) = first.kind, let flagToken = next(), case .word(let flag) = flagToken.kind else {
                    throw ParseError(line: first.line, message: "expected a login module and its flag in section \(name)")
                }
                guard ["required", "requisite", "sufficient", "optional"].contains(flag.lowercased()) else {
                    throw ParseError(line: flagToken.line, message: "invalid control flag \(flag)")
                }
                var options: [String: String] = [:]
                while let option = next() {
                    if case .symbol(";") = option.kind { break }
                    guard case .word(let key) = option.kind else {
                        throw ParseError(line: option.line, message: "expected an option name or ';' in section \(name)")
                    }
                    try expect("=", after: "option \(key)", line: option.line)
                    guard let value = next(), case .word(let text) = value.kind else {
                        throw ParseError(line: option.line, message: "expected a value for option \(key)")
                    }
                    options[key] = text
                }
                entries.append(Entry(loginModule: module, flag: flag, options: options))
            }
            try expect(";", after: "the end of section \(name)", line: token.line)
            sections[name, default: []] += entries
        }
        self.sections = sections
    }

    private struct Token {
        enum Kind: Equatable { case word(String), symbol(Character) }
        var kind: Kind
        var line: Int
    }

    /// Words (bare or quoted), the symbols `{ } ; =`, and `//` or `/* */` comments.
    private static func tokens(_ text: String) throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var index = 0, line = 1
        while index < chars.count {
            let c = chars[index]
            if c == "\n" { line += 1; index += 1; continue }
            if c.isWhitespace { index += 1; continue }
            if c == "/" && index + 1 < chars.count && chars[index + 1] == "/" {
                while index < chars.count && chars[index] != "\n" { index += 1 }
                continue
            }
            if c == "/" && index + 1 < chars.count && chars[index + 1] == "*" {
                index += 2
                while index + 1 < chars.count && !(chars[index] == "*" && chars[index + 1] == "/") {
                    if chars[index] == "\n" { line += 1 }
                    index += 1
                }
                index += 2
                continue
            }
            if "{};=".contains(c) {
                tokens.append(Token(kind: .symbol(c), line: line))
                index += 1
                continue
            }
            if c == "\"" || c == "'" {
                let start = line
                var value = ""
                index += 1
                while index < chars.count && chars[index] != c {
                    if chars[index] == "\\" && index + 1 < chars.count { index += 1 }
                    if chars[index] == "\n" { line += 1 }
                    value.append(chars[index])
                    index += 1
                }
                guard index < chars.count else { throw ParseError(line: start, message: "unterminated quoted value") }
                index += 1
                tokens.append(Token(kind: .word(value), line: start))
                continue
            }
            var word = ""
            while index < chars.count, !chars[index].isWhitespace, !"{};=\"'".contains(chars[index]) {
                word.append(chars[index])
                index += 1
            }
            tokens.append(Token(kind: .word(word), line: line))
        }
        return tokens
    }
}
