// ZooKeeperServer
