import Foundation

/// Reads a throwing stream until `done` says stop, for at most `seconds`;
/// returns what it read (the last element is the one `done` accepted, unless
/// the time ran out or the stream ended).
func collect<T: Sendable>(
    _ stream: AsyncThrowingStream<T, Error>, seconds: Double = 20, until done: @escaping @Sendable (T) -> Bool
) async throws -> [T] {
    try await withThrowingTaskGroup(of: [T]?.self) { group in
        group.addTask {
            var seen: [T] = []
            for try await value in stream {
                seen.append(value)
                if done(value) { break }
            }
            return seen
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next()! ?? []
    }
}

struct TimedOut: Error { var seconds: Double }

/// Runs `body`, failing with TimedOut if it takes longer than `seconds`.
func within<T: Sendable>(_ seconds: Double = 20, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(seconds: seconds)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Polls `condition` every 50 ms for at most `seconds`.
func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Reads a stream in the background and keeps what it yields, so a test can
/// wait (with `eventually`) for each value before making the next change.
final class StreamRecorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [T] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncThrowingStream<T, Error>) {
        task = Task { [self] in
            do {
                for try await value in stream { lock.withLock { stored.append(value) } }
            } catch {}
        }
    }

    var values: [T] { lock.withLock { stored } }

    func stop() { task?.cancel() }
}
