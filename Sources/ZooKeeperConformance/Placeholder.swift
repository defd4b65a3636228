// ZooKeeperConformance
