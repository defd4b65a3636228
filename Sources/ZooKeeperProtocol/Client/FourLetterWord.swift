/// A four-letter-word command: four ASCII bytes sent raw (no frame) as the first
/// thing on a connection. Java's server reads them as a frame length and checks
/// the value against its known commands (FourLetterCommands), so only known
/// words are commands; anything else is taken as a length.
public struct FourLetterWord: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public init?(_ word: String) {
        let bytes = Array(word.utf8)
        guard bytes.count == 4 else { return nil }
        rawValue = bytes.reduce(Int32(0)) { ($0 << 8) | Int32($1) }
    }

    /// The words Java 3.8/3.9 knows, plus telnet's close sequence that it also accepts.
    public static let knownWords = [
        "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk", "srst", "srvr",
        "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash",
    ]
    public static let telnetClose = FourLetterWord(rawValue: Int32(bitPattern: 0xfff4_fffd))
    public static let known: Set<FourLetterWord> = Set(knownWords.compactMap(FourLetterWord.init) + [telnetClose])

    public var isKnown: Bool { Self.known.contains(self) }

    public var word: String {
        if self == .telnetClose { return "telnet close" }
        let bytes = withUnsafeBytes(of: rawValue.bigEndian) { Array($0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { word }
}
