import ZooKeeperClient

extension Watcher {
    /// Waits until the watch fires, or until the session reconnects after a
    /// disconnect, or is renewed after expiring (the watched data must then
    /// be read again); throws when the session ends. Recipes that re-read on
    /// every change share this loop.
    func changeOrReconnect(path: String, renewing: Bool) async throws {
        var disconnected = false
        for await event in events {
            switch (event.type, event.state) {
            case (_, .expired) where renewing:
                // The watch died with the old session; the new one has none.
                return
            case (_, .expired), (_, .closed), (_, .authFailed):
                throw ZooKeeperError(event.state == .authFailed ? .authFailed : .sessionExpired, path: path)
            case (.none, .disconnected):
                disconnected = true
            case (.none, .syncConnected), (.none, .connectedReadOnly):
                if disconnected { return }
            case (.none, _):
                continue
            default:
                return
            }
        }
    }
}
