import Testing
import ZooKeeperCLI

/// The prompt's line editing, key by key, without a terminal.
@Suite struct ZKCliLineEditorTests {
    static let esc = "\u{1B}"

    /// Types `keys` after a fresh prompt; returns the outcome and the editor.
    func type(_ keys: String, history: [String] = []) -> (LineEditor.Outcome, LineEditor) {
        var editor = LineEditor(history: history)
        _ = editor.begin(prompt: "> ")
        let (_, outcome) = editor.feed(Array(keys.utf8))
        return (outcome, editor)
    }

    @Test func enterEndsTheLine() {
        #expect(type("ls /\r").0 == .line("ls /"))
        #expect(type("ls /\n").0 == .line("ls /"))
    }

    @Test func arrowsAndHomeEndMoveTheCursor() {
        #expect(type("ls\(Self.esc)[D\(Self.esc)[Dx\r").0 == .line("xls"))
        #expect(type("bc\u{01}a\u{05}d\r").0 == .line("abcd"))
        #expect(type("bc\(Self.esc)[Ha\(Self.esc)[Fd\r").0 == .line("abcd"))
        #expect(type("bc\(Self.esc)[1~a\(Self.esc)[4~d\r").0 == .line("abcd"))
        #expect(type("bc\(Self.esc)OHa\(Self.esc)OFd\r").0 == .line("abcd"))
        #expect(type("ac\u{02}b\u{06}d\r").0 == .line("abcd"))
        // Past either end the cursor stays put.
        #expect(type("a\(Self.esc)[C\(Self.esc)[Cb\r").0 == .line("ab"))
    }

    @Test func backspaceAndDelete() {
        #expect(type("abc\u{7F}\r").0 == .line("ab"))
        #expect(type("abc\u{08}\u{08}\r").0 == .line("a"))
        #expect(type("abc\u{01}\(Self.esc)[3~\r").0 == .line("bc"))
        #expect(type("abc\u{01}\u{04}\r").0 == .line("bc"))
        #expect(type("\u{7F}x\r").0 == .line("x"))
    }

    @Test func killKeys() {
        #expect(type("get /a\u{02}\u{02}\u{15}\r").0 == .line("/a"))
        #expect(type("get /a\u{01}\u{06}\u{06}\u{06}\u{0B}\r").0 == .line("get"))
        #expect(type("get /a/b  \u{17}\r").0 == .line("get "))
        #expect(type("get /a\u{17}\u{17}x\r").0 == .line("x"))
    }

    @Test func ctrlDQuitsOnlyOnAnEmptyLine() {
        #expect(type("\u{04}").0 == .endOfInput)
        #expect(type("a\u{04}").0 == .editing)
    }

    @Test func ctrlCDropsTheLine() {
        let (outcome, editor) = type("delete /a\u{03}ls\r")
        #expect(outcome == .line("ls"))
        #expect(editor.history == ["ls"])
    }

    @Test func upAndDownWalkTheHistory() {
        let history = ["ls /", "get /a"]
        #expect(type("\(Self.esc)[A\r", history: history).0 == .line("get /a"))
        #expect(type("\(Self.esc)[A\(Self.esc)[A\r", history: history).0 == .line("ls /"))
        // Past the oldest line it stays there.
        #expect(type("\u{10}\u{10}\u{10}\r", history: history).0 == .line("ls /"))
        // Down again brings back what was being typed.
        #expect(type("sta\(Self.esc)[A\(Self.esc)[Bt\r", history: history).0 == .line("stat"))
        #expect(type("\(Self.esc)[A\u{0E}\r", history: history).0 == .line(""))
        // An edited recalled line is a new line; the history keeps the old one.
        let (outcome, editor) = type("\(Self.esc)[A\u{7F}b\r", history: history)
        #expect(outcome == .line("get /b"))
        #expect(editor.history == ["ls /", "get /a", "get /b"])
    }

    @Test func theHistoryKeepsLinesOnceInARow() {
        var editor = LineEditor()
        for line in ["ls /", "ls /", "", "get /a", "ls /"] {
            _ = editor.begin(prompt: "> ")
            #expect(editor.feed(Array((line + "\r").utf8)).outcome == .line(line))
        }
        #expect(editor.history == ["ls /", "get /a", "ls /"])
    }

    @Test func utf8CharactersAreOneCursorStep() {
        #expect(type("zé\(Self.esc)[Dx\r").0 == .line("zxé"))
        #expect(type("a€\u{7F}\r").0 == .line("a"))
    }

    @Test func redrawsThePromptAndLine() {
        var editor = LineEditor()
        #expect(editor.begin(prompt: "> ") == Array("> ".utf8))
        // Typing at the end echoes the character alone.
        #expect(editor.feed(Array("ab".utf8)).output == Array("ab".utf8))
        // Left: the cursor moves back one column.
        #expect(editor.feed(Array("\(Self.esc)[D".utf8)).output == Array("\(Self.esc)[1D".utf8))
        // Inserting mid-line redraws the row and puts the cursor back.
        #expect(editor.feed(UInt8(ascii: "x")).output == Array("\r> axb\(Self.esc)[K\(Self.esc)[1D".utf8))
        #expect(editor.feed(UInt8(ascii: "\r")).output == Array("\r\n".utf8))
        _ = editor.begin(prompt: "> ")
        #expect(editor.feed(UInt8(3)).output == Array("^C\r\n> ".utf8))
    }

    @Test func byteByByteTheNextLineStartsAfterEnter() {
        var editor = LineEditor()
        _ = editor.begin(prompt: "> ")
        var bytes = Array("ls\rget\r".utf8)[...]
        var lines: [String] = []
        while let byte = bytes.popFirst() {
            if case .line(let line) = editor.feed(byte).outcome {
                lines.append(line)
                _ = editor.begin(prompt: "> ")
            }
        }
        #expect(lines == ["ls", "get"])
    }
}
