import Foundation
import GRDB

/// Copies the WAL back into the database file on a thread of its own, through a second connection.
///
/// A checkpoint ends with an fsync of the database file. Under a stream of messages (bench (i), 1,000/s)
/// that took ~22 ms once a second on the reactor thread: long enough to hold a keystroke past a frame.
/// `poll()` cannot wait for a disk flush, so — as libuv runs file operations on its thread pool — the
/// flush runs here, off the reactor. The thread shares nothing with the reactor but the file: SQLite's WAL
/// locks keep the two connections apart, and a passive checkpoint never waits for the writer (it copies
/// what is committed and not being read, and leaves the rest for next time).
///
///     reactor thread:  INSERT … COMMIT ─► chat.sqlite-wal        (write(2) only)
///     checkpointer:    every interval: wal_checkpoint(PASSIVE) ─► chat.sqlite + fsync
final class Checkpointer {
    private let queue: DatabaseQueue
    private let interval: TimeInterval
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var stopping = false
    private var running = false
    private var completed = 0
    private var failures = 0

    init(path: String, durability: Store.Durability, interval: Duration) throws {
        var config = Configuration()
        config.label = "p2p-chat.checkpointer"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)") }
        queue = try DatabaseQueue(path: path, configuration: config)
        let (seconds, attoseconds) = interval.components
        self.interval = max(0.001, Double(seconds) + Double(attoseconds) / 1e18)
    }

    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        let thread = Thread { [self] in loop() }
        thread.name = "p2p-chat.checkpointer"
        thread.start()
    }

    /// Checkpoints done so far, and those that failed (a failed passive checkpoint loses nothing: the WAL
    /// keeps the pages and the next one, or the close, copies them).
    var counts: (completed: Int, failed: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (completed, failures)
    }

    /// Waits until `count` checkpoints have completed since the start, or `timeout` passes (tests).
    func waitForCheckpoints(_ count: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while completed < count {
            if !condition.wait(until: deadline) { return completed >= count }
        }
        return true
    }

    /// Stops the thread (after the checkpoint in progress, if any) and closes its connection.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
        try? queue.close()
    }

    private func loop() {
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            if stopping { break }
            condition.unlock()
            let ok = (try? queue.writeWithoutTransaction { try $0.checkpoint(.passive) }) != nil
            condition.lock()
            if ok { completed += 1 } else { failures += 1 }
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
