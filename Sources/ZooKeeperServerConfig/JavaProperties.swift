/// A `.properties` file read the way `java.util.Properties.load` reads it,
/// which is how `QuorumPeerConfig.parse` reads `zoo.cfg`.
///
/// Rules (from `Properties.LineReader` and `Properties.load0`):
/// - natural lines end at `\n`, `\r` or `\r\n`;
/// - leading blanks (space, tab, form feed) of every natural line are skipped;
/// - a line whose first non-blank character is `#` or `!` is a comment, even if it
///   ends in a backslash (comments never continue), but a continuation line
///   starting with `#` is ordinary text;
/// - a line ending in an odd number of backslashes continues on the next line
///   (the backslash and the next line's leading blanks are dropped); a trailing
///   backslash at the end of input is dropped;
/// - the key ends at the first unescaped `=`, `:` or blank; blanks around it and
///   at most one `=`/`:` separator are skipped; the value keeps trailing blanks;
/// - escapes `\t \n \r \f \uXXXX`, any other `\c` is `c`; a malformed `\u` is an
///   error ("Malformed \\uxxxx encoding.", as Java's `IllegalArgumentException`);
/// - the last of duplicate keys wins.
///
/// Java reads the file as ISO-8859-1 bytes; `init(iso8859_1Bytes:)` does the same.
/// `init(text:)` takes already-decoded text.
public struct JavaProperties: Sendable, Equatable {
    /// One key with its value and the 1-based line where the (last) entry began.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int

        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// Entries in the order their key first appeared; a later duplicate replaces
    /// the value and line in place.
    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Parses decoded text; throws `ConfigurationError` for a malformed `\u` escape.
    public init(text: String) throws(ConfigurationError) {
        try self.init(scalars: Array(text.unicodeScalars))
    }

    /// Parses raw file bytes as ISO-8859-1, as `Properties.load(InputStream)` does.
    public init(iso8859_1Bytes bytes: some Sequence<UInt8>) throws(ConfigurationError) {
        try self.init(scalars: bytes.map { Unicode.Scalar($0) })
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(key: String) -> String? {
        index[key].map { entries[$0].value }
    }

    public func entry(_ key: String) -> Entry? {
        index[key].map { entries[$0] }
    }

    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// Sets a key, as `Properties.setProperty` (last wins).
    public mutating func set(_ key: String, _ value: String, line: Int = 0) {
        if let i = index[key] {
            entries[i].value = value
            entries[i].line = line
        } else {
            index[key] = entries.count
            entries.append(Entry(key: key, value: value, line: line))
        }
    }

    private init(scalars: [Unicode.Scalar]) throws(ConfigurationError) {
        var reader = LogicalLineReader(scalars)
        while let (line, number) = reader.next() {
            let (key, value) = try Self.split(line, line: number)
            set(key, value, line: number)
        }
    }

    private static func isBlank(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\u{0C}"
    }

    /// `Properties.load0`: finds the key/value boundary, then unescapes both.
    private static func split(_ line: [Unicode.Scalar], line number: Int) throws(ConfigurationError) -> (String, String) {
        var keyLength = 0
        var valueStart = line.count
        var hasSeparator = false
        var precedingBackslash = false
        while keyLength < line.count {
            let c = line[keyLength]
            if (c == "=" || c == ":") && !precedingBackslash {
                valueStart = keyLength + 1
                hasSeparator = true
                break
            } else if isBlank(c) && !precedingBackslash {
                valueStart = keyLength + 1
                break
            }
            precedingBackslash = c == "\\" ? !precedingBackslash : false
            keyLength += 1
        }
        while valueStart < line.count {
            let c = line[valueStart]
            if !isBlank(c) {
                if !hasSeparator && (c == "=" || c == ":") {
                    hasSeparator = true
                } else {
                    break
                }
            }
            valueStart += 1
        }
        let key = try unescape(line[0..<keyLength], line: number)
        let value = try unescape(line[valueStart...], line: number)
        return (key, value)
    }

    /// `Properties.loadConvert`.
    private static func unescape(_ s: ArraySlice<Unicode.Scalar>, line: Int) throws(ConfigurationError) -> String {
        var out = String.UnicodeScalarView()
        var i = s.startIndex
        // Surrogate pairs written as two \u escapes become one scalar.
        var pendingHighSurrogate: UInt32?
        func flushSurrogate() {
            if pendingHighSurrogate != nil {
                out.append("\u{FFFD}")
                pendingHighSurrogate = nil
            }
        }
        while i < s.endIndex {
            var c = s[i]
            i += 1
            guard c == "\\", i < s.endIndex else {
                flushSurrogate()
                // A lone trailing backslash cannot reach here from the line reader
                // except at end of input, where Java drops it.
                if c != "\\" { out.append(c) }
                continue
            }
            c = s[i]
            i += 1
            if c == "u" {
                var code: UInt32 = 0
                for _ in 0..<4 {
                    guard i < s.endIndex, let digit = hexValue(s[i]) else {
                        throw ConfigurationError(
                            kind: .malformedProperties, key: nil, line: line,
                            message: "Malformed \\uxxxx encoding.")
                    }
                    code = code << 4 | digit
                    i += 1
                }
                if (0xD800...0xDBFF).contains(code) {
                    flushSurrogate()
                    pendingHighSurrogate = code
                } else if (0xDC00...0xDFFF).contains(code) {
                    if let high = pendingHighSurrogate {
                        let scalar = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                        out.append(Unicode.Scalar(scalar) ?? "\u{FFFD}")
                        pendingHighSurrogate = nil
                    } else {
                        out.append("\u{FFFD}")
                    }
                } else {
                    flushSurrogate()
                    out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                }
                continue
            }
            flushSurrogate()
            switch c {
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "n": out.append("\n")
            case "f": out.append("\u{0C}")
            default: out.append(c)
            }
        }
        flushSurrogate()
        return String(out)
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: return c.value - 0x30
        case 0x41...0x46: return c.value - 0x41 + 10
        case 0x61...0x66: return c.value - 0x61 + 10
        default: return nil
        }
    }
}

/// `Properties.LineReader`: yields logical lines (continuations joined, comments
/// and blank lines skipped) with the number of the natural line they start on.
private struct LogicalLineReader {
    private let input: [Unicode.Scalar]
    private var position = 0
    private var lineNumber = 1

    init(_ input: [Unicode.Scalar]) {
        self.input = input
    }

    private static func isBlank(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\u{0C}"
    }

    /// Consumes one line terminator at `position` if there is one.
    private mutating func skipTerminator() {
        guard position < input.count else { return }
        if input[position] == "\r" {
            position += 1
            if position < input.count, input[position] == "\n" { position += 1 }
            lineNumber += 1
        } else if input[position] == "\n" {
            position += 1
            lineNumber += 1
        }
    }

    mutating func next() -> ([Unicode.Scalar], Int)? {
        while position < input.count {
            // Start of a natural line: skip leading blanks.
            while position < input.count, Self.isBlank(input[position]) { position += 1 }
            guard position < input.count else { return nil }
            let c = input[position]
            if c == "\r" || c == "\n" {
                skipTerminator()
                continue
            }
            let start = lineNumber
            if c == "#" || c == "!" {
                while position < input.count, input[position] != "\r", input[position] != "\n" { position += 1 }
                skipTerminator()
                continue
            }
            var line: [Unicode.Scalar] = []
            while true {
                var backslashes = 0
                while position < input.count, input[position] != "\r", input[position] != "\n" {
                    let ch = input[position]
                    backslashes = ch == "\\" ? backslashes + 1 : 0
                    line.append(ch)
                    position += 1
                }
                guard backslashes % 2 == 1 else {
                    skipTerminator()
                    break
                }
                // Continuation: drop the backslash, then the next line's leading blanks.
                line.removeLast()
                guard position < input.count else { break }
                skipTerminator()
                while position < input.count, Self.isBlank(input[position]) { position += 1 }
            }
            return (line, start)
        }
        return nil
    }
}
