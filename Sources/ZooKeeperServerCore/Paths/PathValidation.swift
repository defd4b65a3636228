/// Java's `PathUtils.validatePath`: whether a znode path is acceptable, and if not,
/// the message of the `IllegalArgumentException` Java throws. Positions (`@N`)
/// count UTF-16 units, as Java's `char` indices do.
public enum PathValidation {
    /// Nil when `path` is valid, else Java's message, e.g. `Path must start with /
    /// character` or `Invalid path string "/a//b" caused by empty node name
    /// specified @3`.
    ///
    /// Rules, checked in this order: not null; not empty; starts with `/`; `/`
    /// alone is valid; does not end with `/`. Then each unit after the first, and
    /// the first fault found is reported: U+0000; a `/` right after a `/`; a node
    /// name that is exactly `.` or `..`; U+0001–U+001F, U+007F–U+009F, U+D800–U+F8FF
    /// (so every character outside the BMP, and the private use area) and
    /// U+FFF0–U+FFFF.
    public static func validate(_ path: String?) -> String? {
        guard let path else { return "Path cannot be null" }
        let units = Array(path.utf16)
        guard let first = units.first else { return "Path length must be > 0" }
        if first != slash {
            return "Path must start with / character"
        }
        if units.count == 1 {
            return nil
        }
        if units[units.count - 1] == slash {
            return "Path must not end with / character"
        }
        guard let reason = firstFault(units) else { return nil }
        return "Invalid path string \"\(path)\" caused by \(reason)"
    }

    /// For a create with a sequential mode Java validates the path with `1`
    /// appended, standing in for the counter, so `/locks/lock-` and `/a/` pass;
    /// a message quotes the path with that `1`.
    public static func validate(_ path: String?, isSequential: Bool) -> String? {
        guard isSequential, let path else { return validate(path) }
        return validate(path + "1")
    }

    private static let slash = UInt16(UInt8(ascii: "/"))
    private static let dot = UInt16(UInt8(ascii: "."))

    /// The reason for the first bad unit, looking at units 1..., or nil.
    private static func firstFault(_ units: [UInt16]) -> String? {
        var previous = slash
        for i in 1..<units.count {
            let unit = units[i]
            defer { previous = unit }
            let endsName = i + 1 == units.count || units[i + 1] == slash
            switch unit {
            case 0:
                return "null character not allowed @\(i)"
            case slash where previous == slash:
                return "empty node name specified @\(i)"
            case dot where previous == dot:
                // The second dot of a name that is exactly "..".
                if units[i - 2] == slash && endsName {
                    return "relative paths not allowed @\(i)"
                }
            case dot:
                // A name that is exactly ".".
                if previous == slash && endsName {
                    return "relative paths not allowed @\(i)"
                }
            case 0x01...0x1F, 0x7F...0x9F, 0xD800...0xF8FF, 0xFFF0...0xFFFF:
                return "invalid character @\(i)"
            default:
                break
            }
        }
        return nil
    }
}
