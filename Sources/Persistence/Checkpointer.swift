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
///                      all copied? one tiny write: the WAL starts over, its header fsync is paid here
final class Checkpointer {
    private let database: SQLiteConnection
    /// Seconds between checkpoints.
    private let interval: Double
    private let condition = ConditionLock()
    // Guarded by `condition`.
    private var stopping = false
    private var running = false
    private var completed = 0
    private var failures = 0

    init(path: String, durability: Store.Durability, interval: Duration) throws {
        database = try SQLiteConnection(path: path)
        try database.execute("PRAGMA synchronous = \(durability.rawValue)")
        let (seconds, attoseconds) = interval.components
        self.interval = max(0.001, Double(seconds) + Double(attoseconds) / 1e18)
    }

    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        spawnThread { [self] in loop() }
    }

    /// Checkpoints done so far, and those that failed (a failed passive checkpoint loses nothing: the WAL
    /// keeps the pages and the next one, or the close, copies them).
    var counts: (completed: Int, failed: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (completed, failures)
    }

    /// Waits until `count` checkpoints have completed since the start, or `timeout` passes (tests).
    func waitForCheckpoints(_ count: Int, timeout: Double) -> Bool {
        let deadline = ConditionLock.now() + timeout
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
        database.close()
    }

    /// A passive checkpoint; when it copied the whole WAL back, also the write that starts the WAL over.
    ///
    /// After a complete checkpoint the next write transaction rewinds the WAL to its start, and in WAL mode
    /// with `synchronous = NORMAL` SQLite fsyncs the new WAL header in that transaction. Left to chance, that
    /// is the next shown message's commit on the reactor thread (0.5–2 ms here, on every message of a quiet
    /// room). So this thread makes the first write itself: it counts the rewinds in the one-page `counters`
    /// table (a write that changes nothing would write no page). Skipped when the WAL holds only that write's
    /// own frame (an idle store does nothing), and when the reactor is writing (busy: no waiting here; the
    /// reactor's connection waits for this one, see `Store`).
    static func checkpoint(_ db: SQLiteConnection) throws {
        let (walFrames, copied) = try db.checkpointPassive()
        guard walFrames > restartWriteFrames, copied == walFrames else { return }
        try? db.execute("""
            INSERT INTO counters (name, value) VALUES ('wal_restarts', 1)
            ON CONFLICT(name) DO UPDATE SET value = value + 1
            """)
    }

    /// Frames the restart write adds to the WAL (the counters table's one page).
    static let restartWriteFrames = 1

    private func loop() {
        condition.lock()
        while !stopping {
            _ = condition.wait(until: ConditionLock.now() + interval)
            if stopping { break }
            condition.unlock()
            let ok = (try? Self.checkpoint(database)) != nil
            condition.lock()
            if ok { completed += 1 } else { failures += 1 }
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
