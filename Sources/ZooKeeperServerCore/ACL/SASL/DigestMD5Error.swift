/// Why a DIGEST-MD5 exchange failed, in the words of the JDK's SaslException
/// messages (the Java server logs them; clients only see AuthFailed).
public struct DigestMD5Error: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// A malformed or inconsistent client response.
    static func format(_ detail: String) -> DigestMD5Error {
        DigestMD5Error("DIGEST-MD5: digest response format violation. \(detail)")
    }
}
