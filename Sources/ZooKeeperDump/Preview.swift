import NIOCore

/// Safe renderings of bytes that may hold anything.
public enum Preview {
    /// Printable ASCII as is, anything else as `.`, cut at `limit` with `…`.
    public static func text(_ bytes: ByteBuffer?, limit: Int = 32) -> String {
        guard let bytes else { return "null" }
        let view = bytes.readableBytesView.prefix(limit)
        let text = String(decoding: view.map { (0x20..<0x7f).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        return bytes.readableBytes > limit ? text + "…" : text
    }

    /// Lower-case hex of the readable bytes.
    public static func hex(_ bytes: ByteBuffer?) -> String {
        guard let bytes else { return "null" }
        return bytes.readableBytesView.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// `0x`-prefixed hex of a zxid or session id, as ZooKeeper's tools print them.
    public static func hex(_ value: Int64) -> String {
        "0x" + String(UInt64(bitPattern: value), radix: 16)
    }
}
