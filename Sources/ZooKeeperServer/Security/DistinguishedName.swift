/// A certificate's subject as Java's `X500Principal.getName()` prints it: RFC 2253,
/// the last RDN first, the keywords of RFC 2253 (CN, C, L, ST, O, OU, STREET, DC,
/// UID), other attributes as a dotted OID with `#` and the hex of their DER value.
enum DistinguishedName {
    static let keywords: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O",
        "2.5.4.11": "OU", "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC",
        "0.9.2342.19200300.100.1.1": "UID",
    ]

    /// The subject of a DER certificate.
    static func subject(ofCertificate der: [UInt8]) throws(DERError) -> String {
        var outer = DER(der)
        let certificate = try outer.next()
        guard let tbs = try certificate.children().first else { throw DERError.unexpected("empty certificate") }
        var fields = try tbs.children()
        // An explicit [0] version comes first in v3 certificates.
        if fields.first?.tag == 0xA0 { fields.removeFirst() }
        // serialNumber, signature, issuer, validity, subject
        guard fields.count >= 5 else { throw DERError.unexpected("short TBSCertificate") }
        return try format(name: fields[4])
    }

    /// An X.501 Name (a SEQUENCE of RDN SETs) in RFC 2253 text.
    static func format(name: DER.Node) throws(DERError) -> String {
        var rdns: [String] = []
        for rdn in try name.children() {
            var parts: [String] = []
            for attribute in try rdn.children() {
                let pair = try attribute.children()
                guard pair.count == 2, pair[0].tag == 0x06 else { throw DERError.unexpected("attribute") }
                let oid = objectIdentifier(pair[0].contents)
                if let keyword = keywords[oid], let text = string(pair[1]) {
                    parts.append("\(keyword)=\(escape(text))")
                } else {
                    parts.append("\(oid)=#" + pair[1].encoding.map { hexByte($0) }.joined())
                }
            }
            rdns.append(parts.joined(separator: "+"))
        }
        return rdns.reversed().joined(separator: ",")
    }

    /// The directory string types Java prints as text.
    private static func string(_ node: DER.Node) -> String? {
        switch node.tag {
        case 0x0C, 0x13, 0x16, 0x14: // UTF8String, PrintableString, IA5String, T61String
            return String(decoding: node.contents, as: UTF8.self)
        case 0x1E: // BMPString: UTF-16BE
            var units: [UInt16] = []
            var index = node.contents.startIndex
            while index + 1 < node.contents.endIndex {
                units.append(UInt16(node.contents[index]) << 8 | UInt16(node.contents[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// RFC 2253 2.4: `, + " \ < > ;` escaped, and a leading `#` or space or a
    /// trailing space.
    static func escape(_ value: String) -> String {
        var out = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            if ",+\"\\<>;".contains(character)
                || (index == 0 && (character == "#" || character == " "))
                || (index == characters.count - 1 && character == " ") {
                out.append("\\")
            }
            out.append(character)
        }
        return out
    }

    static func objectIdentifier(_ bytes: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in bytes {
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if arcs.isEmpty {
                    let first = min(value / 40, 2)
                    arcs += [first, value - first * 40]
                } else {
                    arcs.append(value)
                }
                value = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
