/// Key material or authentication settings the server cannot start with: the
/// message names the key and the file at fault.
public struct SecurityConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
