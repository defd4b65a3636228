/// The interactive prompt's line editing, without I/O: bytes typed go in,
/// the bytes that redraw the terminal line come out, and a finished line
/// (or the end of input) is reported. Keys: arrows, Home/End, Ctrl-A/E/B/F,
/// Backspace, Delete, Ctrl-D (end of input on an empty line, else delete),
/// Ctrl-U/K/W, Up/Down and Ctrl-P/N through the history, Ctrl-C (drop the
/// line), Ctrl-L (clear the screen). Redraws assume the line fits on one row.
public struct LineEditor: Sendable {
    public enum Outcome: Equatable, Sendable {
        case editing
        case line(String)
        case endOfInput
    }

    public private(set) var buffer: [Unicode.Scalar] = []
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    private var prompt: [UInt8] = []
    /// Where Up/Down is in the history; `history.count` is the line being typed.
    private var historyIndex = 0
    /// The line being typed, kept while the history is browsed.
    private var draft: [Unicode.Scalar] = []
    private var escape: EscapeState = .none
    /// The bytes of a UTF-8 character not yet complete.
    private var partial: [UInt8] = []

    private enum EscapeState: Sendable {
        case none
        case escape
        /// `ESC [` and the parameter bytes so far.
        case csi([UInt8])
        /// `ESC O` (keypad application mode).
        case ss3
    }

    public init(history: [String] = []) {
        self.history = history
    }

    public var text: String { String(String.UnicodeScalarView(buffer)) }

    /// Starts a new line after `prompt`; returns what to write.
    public mutating func begin(prompt: String) -> [UInt8] {
        self.prompt = Array(prompt.utf8)
        buffer = []
        cursor = 0
        historyIndex = history.count
        draft = []
        escape = .none
        partial = []
        return self.prompt
    }

    /// One byte typed: what to write, and whether the line is done.
    public mutating func feed(_ byte: UInt8) -> (output: [UInt8], outcome: Outcome) {
        switch escape {
        case .escape:
            switch byte {
            case UInt8(ascii: "["): escape = .csi([])
            case UInt8(ascii: "O"): escape = .ss3
            default: escape = .none
            }
            return ([], .editing)
        case .csi(var parameters):
            if (0x30...0x3F).contains(byte) {
                parameters.append(byte)
                escape = .csi(parameters)
                return ([], .editing)
            }
            escape = .none
            return (csi(final: byte, parameters: parameters), .editing)
        case .ss3:
            escape = .none
            return (csi(final: byte, parameters: []), .editing)
        case .none:
            break
        }
        if byte >= 0x80 || !partial.isEmpty { return (utf8(byte), .editing) }
        switch byte {
        case 0x0D, 0x0A:
            let line = text
            if !line.isEmpty && history.last != line { history.append(line) }
            buffer = []
            cursor = 0
            return (Array("\r\n".utf8), .line(line))
        case 0x04:
            if buffer.isEmpty { return (Array("\r\n".utf8), .endOfInput) }
            return (deleteForward(), .editing)
        case 0x03:
            buffer = []
            cursor = 0
            historyIndex = history.count
            return (Array("^C\r\n".utf8) + prompt, .editing)
        case 0x1B:
            escape = .escape
            return ([], .editing)
        case 0x01: return (move(to: 0), .editing)
        case 0x05: return (move(to: buffer.count), .editing)
        case 0x02: return (move(to: cursor - 1), .editing)
        case 0x06: return (move(to: cursor + 1), .editing)
        case 0x7F, 0x08: return (deleteBackward(), .editing)
        case 0x15:
            buffer.removeSubrange(0..<cursor)
            cursor = 0
            return (redraw(), .editing)
        case 0x0B:
            buffer.removeSubrange(cursor...)
            return (redraw(), .editing)
        case 0x17: return (deleteWord(), .editing)
        case 0x10: return (recall(historyIndex - 1), .editing)
        case 0x0E: return (recall(historyIndex + 1), .editing)
        case 0x0C: return (Array("\u{1B}[H\u{1B}[2J".utf8) + redraw(), .editing)
        case 0x20...0x7E: return (insert(Unicode.Scalar(byte)), .editing)
        default: return ([], .editing)
        }
    }

    /// Feeds bytes until a line is done; bytes after a finished line are not
    /// fed (feed byte by byte to keep them for the next line).
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> (output: [UInt8], outcome: Outcome) {
        var output: [UInt8] = []
        for byte in bytes {
            let step = feed(byte)
            output += step.output
            if step.outcome != .editing { return (output, step.outcome) }
        }
        return (output, .editing)
    }

    /// `ESC [ ... final` (and `ESC O final`): arrows, Home, End, Delete.
    private mutating func csi(final: UInt8, parameters: [UInt8]) -> [UInt8] {
        switch (final, String(decoding: parameters, as: UTF8.self)) {
        case (UInt8(ascii: "A"), _): return recall(historyIndex - 1)
        case (UInt8(ascii: "B"), _): return recall(historyIndex + 1)
        case (UInt8(ascii: "C"), _): return move(to: cursor + 1)
        case (UInt8(ascii: "D"), _): return move(to: cursor - 1)
        case (UInt8(ascii: "H"), _), (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): return move(to: 0)
        case (UInt8(ascii: "F"), _), (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): return move(to: buffer.count)
        case (UInt8(ascii: "~"), "3"): return deleteForward()
        default: return []
        }
    }

    private mutating func utf8(_ byte: UInt8) -> [UInt8] {
        // A stray continuation byte, or a lead byte cutting off a sequence, starts over.
        if partial.isEmpty && byte & 0xC0 == 0x80 { return [] }
        if !partial.isEmpty && byte & 0xC0 != 0x80 { partial = [] }
        partial.append(byte)
        let lead = partial[0]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard partial.count >= length else { return [] }
        defer { partial = [] }
        guard let scalar = String(decoding: partial, as: UTF8.self).unicodeScalars.first, scalar != "\u{FFFD}" else { return [] }
        return insert(scalar)
    }

    private mutating func insert(_ scalar: Unicode.Scalar) -> [UInt8] {
        buffer.insert(scalar, at: cursor)
        cursor += 1
        // At the end of the line, echoing the character is the whole redraw.
        if cursor == buffer.count { return Array(String(scalar).utf8) }
        return redraw()
    }

    private mutating func move(to position: Int) -> [UInt8] {
        let target = min(max(position, 0), buffer.count)
        defer { cursor = target }
        if target < cursor { return Array("\u{1B}[\(cursor - target)D".utf8) }
        if target > cursor { return Array("\u{1B}[\(target - cursor)C".utf8) }
        return []
    }

    private mutating func deleteBackward() -> [UInt8] {
        guard cursor > 0 else { return [] }
        buffer.remove(at: cursor - 1)
        cursor -= 1
        return redraw()
    }

    private mutating func deleteForward() -> [UInt8] {
        guard cursor < buffer.count else { return [] }
        buffer.remove(at: cursor)
        return redraw()
    }

    /// Ctrl-W: the blanks before the cursor, then the word before them.
    private mutating func deleteWord() -> [UInt8] {
        var start = cursor
        while start > 0 && buffer[start - 1] == " " { start -= 1 }
        while start > 0 && buffer[start - 1] != " " { start -= 1 }
        guard start < cursor else { return [] }
        buffer.removeSubrange(start..<cursor)
        cursor = start
        return redraw()
    }

    private mutating func recall(_ index: Int) -> [UInt8] {
        guard index >= 0, index <= history.count, index != historyIndex else { return [] }
        if historyIndex == history.count { draft = buffer }
        historyIndex = index
        buffer = index == history.count ? draft : Array(history[index].unicodeScalars)
        cursor = buffer.count
        return redraw()
    }

    /// Back to the start of the row, the prompt and the line, erase what is
    /// left of the old line, then the cursor back to its place.
    private func redraw() -> [UInt8] {
        var output: [UInt8] = [0x0D] + prompt + Array(text.utf8) + Array("\u{1B}[K".utf8)
        if cursor < buffer.count { output += Array("\u{1B}[\(buffer.count - cursor)D".utf8) }
        return output
    }
}
