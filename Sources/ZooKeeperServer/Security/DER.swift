/// Just enough DER (X.690) to walk certificates and key containers: tag,
/// length, contents. Definite lengths only, as DER requires.
struct DER {
    struct Node {
        var tag: UInt8
        /// The contents (without tag and length).
        var contents: ArraySlice<UInt8>
        /// The whole encoding, tag and length included.
        var encoding: ArraySlice<UInt8>

        var isConstructed: Bool { tag & 0x20 != 0 }

        /// The nodes inside a constructed node.
        func children() throws(DERError) -> [Node] {
            var reader = DER(contents)
            var nodes: [Node] = []
            while !reader.isEmpty { nodes.append(try reader.next()) }
            return nodes
        }
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func next() throws(DERError) -> Node {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { throw DERError.truncated }
        let tag = bytes[start]
        guard tag & 0x1F != 0x1F else { throw DERError.unsupported("multi-byte tag") }
        var index = start + 1
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, index + count <= bytes.endIndex else { throw DERError.truncated }
            for byte in bytes[index..<index + count] { length = length << 8 | Int(byte) }
            index += count
        }
        guard length <= bytes.endIndex - index else { throw DERError.truncated }
        let node = Node(tag: tag, contents: bytes[index..<index + length], encoding: bytes[start..<index + length])
        bytes = bytes[(index + length)...]
        return node
    }
}

enum DERError: Error, CustomStringConvertible {
    case truncated
    case unexpected(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .truncated: "truncated DER"
        case .unexpected(let what): "unexpected DER: \(what)"
        case .unsupported(let what): "unsupported DER: \(what)"
        }
    }
}
