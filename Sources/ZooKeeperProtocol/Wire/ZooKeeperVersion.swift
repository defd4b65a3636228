/// The version the server's four-letter words and zkcli's `version` report:
/// Java's release numbers first (clients and tools parse them), then our
/// own build name where Java has its git commit.
public enum ZooKeeperVersion {
    public static let string = "3.8.0-swift-zookeeper, built with Swift"
}
