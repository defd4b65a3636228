/// The few pieces of `java.lang.String` / `java.lang.Integer` behaviour the
/// authentication providers lean on, so ids are judged exactly as Java judges them.
enum JavaText {
    /// `Integer.parseInt(s, radix)` for radix 10 or 16: an optional `+` or `-`, then
    /// at least one digit, the whole within `Int32`. Like Java, any Unicode decimal
    /// digit of the Basic Multilingual Plane counts (`Character.digit`), so `"０"`
    /// (fullwidth zero) parses; nil where Java throws `NumberFormatException`.
    static func parseInt(_ s: String, radix: Int = 10) -> Int32? {
        var scalars = s.unicodeScalars[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { return nil }
        // Accumulate negatively, as Java does, so Int32.min fits.
        var value: Int64 = 0
        for scalar in scalars {
            guard let digit = digit(scalar, radix: radix) else { return nil }
            value = value * Int64(radix) - Int64(digit)
            if value < Int64(Int32.min) { return nil }
        }
        if !negative {
            value = -value
            if value > Int64(Int32.max) { return nil }
        }
        return Int32(value)
    }

    /// `Character.digit(c, radix)` for one UTF-16 unit (characters outside the BMP
    /// are two units to Java, neither a digit): decimal digits of any script, and for
    /// radix 16 the letters a-f in ASCII or fullwidth, either case.
    static func digit(_ scalar: Unicode.Scalar, radix: Int) -> Int? {
        let v = scalar.value
        var value: Int?
        switch v {
        case 0x30...0x39: value = Int(v - 0x30)
        case 0x41...0x5A: value = Int(v - 0x41) + 10
        case 0x61...0x7A: value = Int(v - 0x61) + 10
        case 0xFF21...0xFF3A: value = Int(v - 0xFF21) + 10
        case 0xFF41...0xFF5A: value = Int(v - 0xFF41) + 10
        case 0x80...0xFFFF:
            if scalar.properties.generalCategory == .decimalNumber, let n = scalar.properties.numericValue {
                value = Int(n)
            }
        default: break
        }
        guard let value, value < radix else { return nil }
        return value
    }

    /// `s.split(separator, -1)`: every piece, empty ones kept. Splits on Unicode
    /// scalars, not Characters, so a combining mark after the separator does not
    /// hide it (Java sees UTF-16 units).
    static func splitKeepingEmpty(_ s: String, on separator: Unicode.Scalar) -> [String] {
        s.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map { String($0) }
    }

    /// `s.split(separator, limit)` with a positive limit: at most `limit` pieces,
    /// empty ones kept, the last piece holding the rest.
    static func split(_ s: String, on separator: Unicode.Scalar, limit: Int) -> [String] {
        s.unicodeScalars.split(separator: separator, maxSplits: limit - 1, omittingEmptySubsequences: false)
            .map { String($0) }
    }

    /// `s.split(separator)` with limit 0: trailing empty pieces are dropped; a string
    /// without the separator is one piece, even when empty.
    static func split(_ s: String, on separator: Unicode.Scalar) -> [String] {
        guard s.unicodeScalars.contains(separator) else { return [s] }
        var pieces = splitKeepingEmpty(s, on: separator)
        while let last = pieces.last, last.isEmpty { pieces.removeLast() }
        return pieces
    }
}
