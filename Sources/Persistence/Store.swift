import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The node's SQLite store, `<data-dir>/chat.sqlite`: messages, rooms, peers, settings.
///
/// One `SQLiteConnection`, used synchronously on the reactor thread: a statement runs to the end before the
/// reactor goes on, so "committed before shown" is just the order of two calls.
///
/// - **WAL** journal: a commit appends to `chat.sqlite-wal` and never rewrites the database in place, so
///   a process killed at any moment leaves either the whole transaction or none of it.
/// - **`synchronous = NORMAL`** (the default `Durability`): in WAL mode a commit is a `write(2)` into the
///   WAL, in the kernel's page cache before `insert` returns. That survives the process dying (SIGKILL,
///   crash) — what "shown means stored" asks — and costs no fsync per message (bench (f): commit p50
///   ≈ 90 µs). Only an OS crash or power cut can drop the last commits (never corrupt the file); `.full`
///   fsyncs the WAL on every commit for that case, at the price of one disk flush per message.
public final class Store {
    public enum Durability: String, Sendable {
        case normal = "NORMAL", full = "FULL"
    }

    /// How long a statement waits for another connection's write lock (the checkpoint thread's) before failing.
    public static let busyTimeout: Double = 5

    /// The database file name inside the data directory, and the lock file beside it.
    public static let fileName = "chat.sqlite"
    public static let lockFileName = "lock"
    /// Appended to the database's path: the lines shown and not yet committed (`MessageJournal`).
    public static let journalSuffix = "-pending"

    /// The database file, or `:memory:`.
    public let path: String
    let database: SQLiteConnection
    private let lock: DirectoryLock?
    private let durability: Durability
    private var checkpointer: Checkpointer?
    /// What opening found in the journal a previous run left: lines committed now, and the bytes of a torn
    /// tail dropped (a crash in the middle of a `write`).
    public private(set) var recoveredFromJournal: (lines: Int, droppedBytes: Int) = (0, 0)

    public let messages: MessageStore
    public let rooms: RoomStore
    public let peers: PeerStore
    public let settings: SettingsStore

    /// Locks `<directory>/lock`, then opens (creating and migrating) `<directory>/chat.sqlite`.
    public static func open(directory: String, durability: Durability = .normal) throws -> Store {
        let lock = try DirectoryLock(path: directory + "/" + lockFileName)
        return try Store(path: directory + "/" + fileName, durability: durability, lock: lock)
    }

    /// Opens the database at `path` without the directory lock (tests, benchmarks, tools).
    public convenience init(path: String, durability: Durability = .normal) throws {
        try self.init(path: path, durability: durability, lock: nil)
    }

    /// A private in-memory store (tests; a node that lost its disk still needs none of it).
    public static func inMemory() throws -> Store {
        try Store(path: ":memory:", durability: .normal, lock: nil)
    }

    /// `migratedUpTo` stops at an earlier schema version (migration tests build old databases with it).
    init(path: String, durability: Durability, lock: DirectoryLock?, migratedUpTo target: String? = nil) throws {
        self.path = path
        self.lock = lock
        self.durability = durability
        do {
            if path != ":memory:" {
                // History is private like the identity: create the file 0600 (SQLite gives the -wal and
                // -shm files the database's mode).
                createPrivateFile(path)
            }
            database = try SQLiteConnection(path: path)
            // The checkpoint thread's connection writes too (one tiny write per checkpoint, see `Checkpointer`):
            // a commit that meets it waits for it (about a millisecond) instead of failing.
            database.setBusyTimeout(seconds: Self.busyTimeout)
            if path != ":memory:" { try database.execute("PRAGMA journal_mode = WAL") }
            try database.execute("PRAGMA synchronous = \(durability.rawValue)")
            try Self.migrate(database, path: path, upTo: target)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.openError(error, path: path)
        }
        // The journal only beside a fully migrated file database (old-schema test stores have none).
        var journal: MessageJournal?
        if path != ":memory:" && target == nil {
            let opened = try MessageJournal(path: path + Self.journalSuffix)
            let (records, dropped) = try opened.recover()
            if !records.isEmpty {
                let database = database
                _ = try Self.run("replaying \(path + Self.journalSuffix)") {
                    try database.transaction { try records.reduce(0) { $0 + (try MessageStore.insert($1, database) ? 1 : 0) } }
                }
            }
            try opened.reset()   // empties it, and preallocates a new file
            recoveredFromJournal = (records.count, dropped)
            journal = opened
        }
        messages = MessageStore(database: database, journal: journal)
        rooms = RoomStore(database: database)
        peers = PeerStore(database: database)
        settings = SettingsStore(database: database)
    }

    /// Applies the migrations this build knows; refuses a database that a newer build migrated further.
    static func migrate(_ database: SQLiteConnection, path: String, upTo target: String? = nil) throws {
        let unknown = Set(try Migrations.applied(database)).subtracting(Migrations.identifiers)
        guard unknown.isEmpty else { throw StoreError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
        try Migrations.migrate(database, upTo: target)
    }

    /// Turns SQLite's automatic WAL checkpoint (every ~1000 pages, inside whichever commit crosses the mark)
    /// on or off. The app turns it off and calls `checkpoint()` from a timer, so no shown message pays for
    /// copying the WAL back into the database (that copy was most of the single-commit p99).
    public func setAutomaticCheckpoints(_ enabled: Bool) throws {
        try Self.run("setting wal_autocheckpoint") {
            try database.execute("PRAGMA wal_autocheckpoint = \(enabled ? 1000 : 0)")
        }
    }

    /// A passive checkpoint: copies committed WAL pages into the database without waiting on anyone.
    public func checkpoint() throws {
        try Self.run("checkpointing the WAL") {
            _ = try database.checkpointPassive()
        }
    }

    /// Runs passive checkpoints every `interval` on a thread of its own (`Checkpointer`), so the fsync
    /// they end with never holds the caller's thread. Pair with `setAutomaticCheckpoints(false)`. A no-op
    /// for an in-memory store.
    public func startBackgroundCheckpoints(every interval: Duration) throws {
        guard path != ":memory:", checkpointer == nil else { return }
        let checkpointer = try Self.run("opening the checkpoint connection") {
            try Checkpointer(path: path, durability: durability, interval: interval)
        }
        checkpointer.start()
        self.checkpointer = checkpointer
    }

    /// Background checkpoints completed and failed so far.
    public var backgroundCheckpoints: (completed: Int, failed: Int) { checkpointer?.counts ?? (0, 0) }

    /// Waits for `count` background checkpoints in all (tests): false after `timeout` seconds.
    public func waitForBackgroundCheckpoints(_ count: Int, timeout: Double) -> Bool {
        checkpointer?.waitForCheckpoints(count, timeout: timeout) ?? false
    }

    /// Closes the connection (the WAL is checkpointed into the file) and releases the directory lock.
    public func close() {
        _ = try? messages.flushJournal()   // else the next open replays them
        checkpointer?.stop()
        checkpointer = nil
        database.close()
        lock?.release()
    }

    /// The applied migrations, in order (tests and diagnostics).
    public func appliedMigrations() throws -> [String] {
        try Self.run("read migrations") { try Migrations.applied(database) }
    }

    /// Runs raw SQL in one transaction (tests: rows for an old schema, damage).
    func execute(_ sql: String) throws {
        try Self.run("execute") { try database.transaction { try database.execute(sql) } }
    }

    /// Rows of raw SQL, each as its columns' text joined by spaces (tests: query plans, pragmas).
    func strings(_ sql: String) throws -> [String] {
        try Self.run("query") {
            try database.fetchAll(sql) { row in (0..<row.columnCount).map { row.text($0) }.joined(separator: " ") }
        }
    }

    /// Unix time in milliseconds: the store's clock for `received_at`, `last_seen`, ….
    public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    // MARK: Errors

    /// Runs `body`, turning SQLite's errors into `StoreError.sqlite` named after `operation`.
    static func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SQLiteError {
            throw StoreError.sqlite(operation: operation, code: error.code, message: error.message)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.sqlite(operation: operation, code: 1, message: "\(error)")
        }
    }

    static func openError(_ error: Error, path: String) -> StoreError {
        guard let error = error as? SQLiteError else { return .cannotOpen(path: path, reason: "\(error)") }
        switch error.code {
        case SQLITE_NOTADB, SQLITE_CORRUPT: return .corrupt(path: path, reason: error.message)
        default: return .cannotOpen(path: path, reason: error.message)
        }
    }
}

/// Creates an empty file with mode 0600 unless it exists (`Store.open` shadows libc's `open` inside the class).
private func createPrivateFile(_ path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if fd >= 0 { _ = close(fd) }
}
