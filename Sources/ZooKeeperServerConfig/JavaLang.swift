/// The few `java.lang` behaviours the configuration depends on, reproduced
/// exactly because they decide what Java accepts or rejects.
enum JavaLang {
    /// `String.trim()`: strips every character <= U+0020 at both ends
    /// (control characters too, but no other Unicode spaces).
    static func trim(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
              let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[first...last])
    }

    enum NumberError: Error, Equatable {
        /// Not of the form [+-]digits.
        case format
        /// Well-formed but outside the type's range.
        case range
    }

    /// `Long.parseLong(s, 10)` with a range check for narrower Java types:
    /// optional `+`/`-`, then one or more ASCII digits, nothing else.
    static func parseInteger(_ s: String, min: Int64, max: Int64) -> Result<Int64, NumberError> {
        var scalars = Substring(s).unicodeScalars[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { return .failure(.format) }
        var magnitude: UInt64 = 0
        var overflow = false
        for c in scalars {
            guard let digit = digitValue(c, radix: 10) else { return .failure(.format) }
            if overflow { continue }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 { overflow = true } else { magnitude = a }
        }
        guard !overflow, let value = signed(magnitude, negative: negative, min: min, max: max) else {
            return .failure(.range)
        }
        return .success(value)
    }

    /// `Integer.parseInt`.
    static func parseInt(_ s: String) -> Result<Int32, NumberError> {
        parseInteger(s, min: Int64(Int32.min), max: Int64(Int32.max)).map { Int32($0) }
    }

    /// `Long.parseLong`.
    static func parseLong(_ s: String) -> Result<Int64, NumberError> {
        parseInteger(s, min: Int64.min, max: Int64.max)
    }

    /// `Integer.decode` / `Long.decode`, used by `Integer.getInteger` and
    /// `Long.getLong`: sign, then `0x`/`0X`/`#` hex, a leading `0` octal, or decimal.
    static func decode(_ s: String, min: Int64, max: Int64) -> Int64? {
        var rest = Substring(s)
        var negative = false
        if let first = rest.first, first == "+" || first == "-" {
            negative = first == "-"
            rest = rest.dropFirst()
        }
        var radix: UInt64 = 10
        if rest.hasPrefix("0x") || rest.hasPrefix("0X") {
            radix = 16
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("#") {
            radix = 16
            rest = rest.dropFirst()
        } else if rest.hasPrefix("0"), rest.count > 1 {
            radix = 8
            rest = rest.dropFirst()
        }
        // Java rejects a second sign after the prefix.
        guard let first = rest.first, first != "+", first != "-" else { return nil }
        var magnitude: UInt64 = 0
        for c in rest.unicodeScalars {
            guard let digit = digitValue(c, radix: radix) else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            magnitude = a
        }
        return signed(magnitude, negative: negative, min: min, max: max)
    }

    /// `Character.digit`: ASCII letters for radixes above 10, and any Unicode
    /// decimal digit (Java's parseInt accepts "١٢" too).
    private static func digitValue(_ c: Unicode.Scalar, radix: UInt64) -> UInt64? {
        let value: UInt64
        switch c.value {
        case 0x30...0x39: value = UInt64(c.value - 0x30)
        case 0x41...0x5A: value = UInt64(c.value - 0x41 + 10)
        case 0x61...0x7A: value = UInt64(c.value - 0x61 + 10)
        default:
            guard c.properties.numericType == .decimal, let v = c.properties.numericValue,
                  v >= 0, v <= 9 else { return nil }
            value = UInt64(v)
        }
        return value < radix ? value : nil
    }

    /// Applies the sign and checks the range without trapping on Int64.min.
    private static func signed(_ magnitude: UInt64, negative: Bool, min: Int64, max: Int64) -> Int64? {
        if negative {
            guard magnitude <= min.magnitude else { return nil }
            return magnitude == Int64.min.magnitude ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(max) else { return nil }
        return Int64(magnitude)
    }

    /// `Boolean.parseBoolean`: true only for "true", any case; anything else is false.
    static func parseBoolean(_ s: String?) -> Bool {
        s?.lowercased() == "true"
    }

    /// `String.split(regex)` for a single literal separator: trailing empty
    /// strings are removed (so "a:1:2:" has three parts and "||" has none).
    static func split(_ s: String, _ separator: Character) -> [String] {
        var parts = s.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        // Java: splitting the empty string yields [""].
        if s.isEmpty { return [""] }
        return parts
    }
}
