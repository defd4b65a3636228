import ZooKeeperProtocol

extension ACL {
    /// `ZooDefs.Ids.OPEN_ACL_UNSAFE`: anyone may do anything.
    public static let openACLUnsafe: [ACL] = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "world", id: "anyone"))]
    /// `ZooDefs.Ids.CREATOR_ALL_ACL`: all permissions for the creator's authenticated ids.
    public static let creatorAllACL: [ACL] = [ACL(perms: Perms.all.rawValue, id: Id(scheme: "auth", id: ""))]
    /// `ZooDefs.Ids.READ_ACL_UNSAFE`: anyone may read.
    public static let readACLUnsafe: [ACL] = [ACL(perms: Perms.read.rawValue, id: Id(scheme: "world", id: "anyone"))]
}
