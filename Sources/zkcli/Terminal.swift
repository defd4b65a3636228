#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ZooKeeperCLI

/// Reads prompt lines from a terminal through LineEditor: raw mode only
/// while a line is typed, so commands' output and Ctrl-C while a command
/// runs behave as usual.
struct Terminal {
    private var editor = LineEditor()

    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// The next line, or nil at Ctrl-D on an empty line or end of input.
    mutating func readLine(prompt: String) -> String? {
        guard var saved = Self.enterRawMode() else { return Swift.readLine() }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        emit(editor.begin(prompt: prompt))
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return nil }
            let step = editor.feed(byte)
            emit(step.output)
            switch step.outcome {
            case .editing: continue
            case .line(let line): return line
            case .endOfInput: return nil
            }
        }
    }

    /// No echo, no line buffering, no signal keys, no CR-to-NL; output
    /// processing stays on so "\n" still starts a new row. Returns the
    /// settings to restore.
    private static func enterRawMode() -> termios? {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR)
        // One byte at a time, no timeout.
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        return saved
    }

    private func emit(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
