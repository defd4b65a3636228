import Testing
@testable import ZooKeeperServerConfig

/// java.util.Properties.load behaviour, case by case.
struct JavaPropertiesTests {
    @Test func separatorsAndComments() throws {
        let p = try JavaProperties(text: """
            # hash comment
            ! bang comment
            a=1
            b:2
            c 3
              d   =   4
            e\t:\t5
            f = = 6
            g
            h=
            """)
        #expect(p["a"] == "1")
        #expect(p["b"] == "2")
        #expect(p["c"] == "3")
        #expect(p["d"] == "4")
        #expect(p["e"] == "5")
        // Only one separator is skipped; the second '=' belongs to the value.
        #expect(p["f"] == "= 6")
        #expect(p["g"] == "")
        #expect(p["h"] == "")
        #expect(p.count == 8)
        #expect(p.entry("a")?.line == 3)
        #expect(p.entry("d")?.line == 6)
    }

    @Test func valueKeepsTrailingBlanks() throws {
        let p = try JavaProperties(text: "k = v  \n")
        #expect(p["k"] == "v  ")
    }

    @Test func continuationLines() throws {
        let p = try JavaProperties(text: "a=one \\\n    two\\\n\tthree\nb=x\n")
        #expect(p["a"] == "one twothree")
        #expect(p.entry("a")?.line == 1)
        #expect(p.entry("b")?.line == 4)
    }

    @Test func evenBackslashesDoNotContinue() throws {
        let p = try JavaProperties(text: "a=x\\\\\nb=y")
        #expect(p["a"] == "x\\")
        #expect(p["b"] == "y")
    }

    @Test func commentsNeverContinue() throws {
        let p = try JavaProperties(text: "# comment \\\na=1\n")
        #expect(p["a"] == "1")
    }

    @Test func continuedLineStartingWithHashIsText() throws {
        let p = try JavaProperties(text: "a=1\\\n  #2\n")
        #expect(p["a"] == "1#2")
    }

    @Test func trailingBackslashAtEndOfInputIsDropped() throws {
        let p = try JavaProperties(text: "a=1\\")
        #expect(p["a"] == "1")
    }

    @Test func emptyLineEndsAContinuation() throws {
        let p = try JavaProperties(text: "a=1\\\n\nb=2")
        #expect(p["a"] == "1")
        #expect(p["b"] == "2")
    }

    @Test func lineTerminators() throws {
        let p = try JavaProperties(text: "a=1\r\nb=2\rc=3\nd=4\\\r\n  5")
        #expect(p["a"] == "1")
        #expect(p["b"] == "2")
        #expect(p["c"] == "3")
        #expect(p["d"] == "45")
        #expect(p.entry("c")?.line == 3)
        #expect(p.entry("d")?.line == 4)
    }

    @Test func escapes() throws {
        let p = try JavaProperties(text: #"""
            key\ with\ spaces=v
            colon\:key=v2
            eq\=key=v3
            u=\u0041\u00e9\u20AC
            t=a\tb\nc\rd\fe
            other=\q\\\!
            pair=\uD83D\uDE00
            """#)
        #expect(p["key with spaces"] == "v")
        #expect(p["colon:key"] == "v2")
        #expect(p["eq=key"] == "v3")
        #expect(p["u"] == "Aé€")
        #expect(p["t"] == "a\tb\nc\rd\u{0C}e")
        #expect(p["other"] == "q\\!")
        #expect(p["pair"] == "😀")
    }

    @Test func malformedUnicodeEscape() {
        #expect(throws: ConfigurationError(kind: .malformedProperties, key: nil, line: 2,
                                           message: "Malformed \\uxxxx encoding.")) {
            try JavaProperties(text: "a=1\nb=\\u12G4\n")
        }
        #expect(throws: ConfigurationError.self) { try JavaProperties(text: "b=\\u12") }
    }

    @Test func lastDuplicateWins() throws {
        let p = try JavaProperties(text: "a=1\nb=2\na=3\n")
        #expect(p["a"] == "3")
        #expect(p.entry("a")?.line == 3)
        #expect(p.entries.map(\.key) == ["a", "b"])
    }

    @Test func iso8859Bytes() throws {
        // Java reads files as Latin-1: the UTF-8 bytes of "é" are two characters.
        let p = try JavaProperties(iso8859_1Bytes: Array("a=é\nb=\u{E9}".utf8))
        #expect(p["a"] == "\u{C3}\u{A9}")
        let q = try JavaProperties(iso8859_1Bytes: [0x61, 0x3D, 0xE9])
        #expect(q["a"] == "é")
    }

    @Test func emptyAndBlankInput() throws {
        #expect(try JavaProperties(text: "").isEmpty)
        #expect(try JavaProperties(text: "  \n\t\n\u{0C}").isEmpty)
    }

    @Test func arbitraryInputNeverTraps() {
        let pieces = ["\\", "\\u", "=", ":", " ", "\n", "\r", "#", "!", "a", "\\u00", "\t", "é"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<12 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(seed >> 33) % pieces.count]
            }
            _ = try? JavaProperties(text: text)
            _ = try? ServerConfiguration.parse(config: text, myid: text)
        }
    }
}
