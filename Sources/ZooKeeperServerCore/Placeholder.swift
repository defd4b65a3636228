// ZooKeeperServerCore
