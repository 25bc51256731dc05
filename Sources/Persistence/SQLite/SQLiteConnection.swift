import CSQLite

/// A failed SQLite call: the primary result code (`SQLITE_FULL` = 13, `SQLITE_NOTADB` = 26, …) and SQLite's
/// own message. `Store.run` turns it into `StoreError`, named after what the store was doing.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    var description: String { "\(message) (SQLite code \(code))" }
}

extension SQLiteError {
    /// The connection's last error, for a call that returned `code`.
    init(_ code: Int32, _ handle: OpaquePointer?) {
        self.code = code & 0xff
        self.message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
    }
}

/// One SQLite connection, used by one thread: the thin layer the stores need, straight on the C API.
///
/// Statements run through `prepared(_:)` are compiled once and kept (`SQLITE_PREPARE_PERSISTENT`), so a
/// hot statement — the message `INSERT` behind every shown line — costs a reset and its bindings, nothing
/// more. `execute` runs a script (several statements, no arguments) for migrations and pragmas.
final class SQLiteConnection {
    /// The database file, or `:memory:`.
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating it when missing) the database at `path`, or a private in-memory one for `:memory:`.
    init(path: String) throws {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var opened: OpaquePointer?
        let rc = sqlite3_open_v2(path, &opened, flags, nil)
        guard rc == SQLITE_OK, let opened else {
            let error = SQLiteError(rc, opened)
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
    }

    deinit { close() }

    /// Finalizes every kept statement and closes the connection (idempotent).
    func close() {
        statements.values.forEach { $0.finalize() }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    func setBusyTimeout(seconds: Double) {
        busyTimeoutMillis = Int32(seconds * 1000)
        sqlite3_busy_timeout(handle, busyTimeoutMillis)
    }
    private var busyTimeoutMillis: Int32 = 0

    /// Runs a script of one or more statements without arguments.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw SQLiteError(code: rc & 0xff, message: text)
        }
    }

    /// The kept statement for `sql`, compiled on first use.
    func prepared(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw SQLiteError(rc, handle) }
        let statement = SQLiteStatement(raw, connection: handle)
        statements[sql] = statement
        return statement
    }

    /// Runs one statement to the end with `arguments` bound to its `?`s in order.
    func run(_ sql: String, _ arguments: [SQLiteValue] = []) throws {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// Every row of one statement, each read by `row` while the statement stands on it.
    func fetchAll<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var rows: [T] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// The first row of one statement, if any.
    func fetchOne<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> T) throws -> T? {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() ? try row(statement) : nil
    }

    /// Rows changed by the last `INSERT`, `UPDATE` or `DELETE` (triggers not counted).
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`: the write lock is taken up front, so the
    /// busy timeout applies, instead of a read that cannot be upgraded later); rolls back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN IMMEDIATE")
        return try finishTransaction(body)
    }

    /// `transaction`, unless another connection holds the write lock right now: then nil at once, nothing
    /// run and nothing waited for. For work that can come back later — the reactor thread must not sit in
    /// the busy handler while the checkpoint thread's write waits on a slow disk flush (`Checkpointer`).
    func transactionIfFree<T>(_ body: () throws -> T) throws -> T? {
        sqlite3_busy_timeout(handle, 0)
        do {
            try run("BEGIN IMMEDIATE")
        } catch let error as SQLiteError where error.code == SQLITE_BUSY {
            sqlite3_busy_timeout(handle, busyTimeoutMillis)
            return nil
        } catch {
            sqlite3_busy_timeout(handle, busyTimeoutMillis)
            throw error
        }
        sqlite3_busy_timeout(handle, busyTimeoutMillis)   // the lock is ours: COMMIT waits as usual
        return try finishTransaction(body)
    }

    private func finishTransaction<T>(_ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }

    /// A passive WAL checkpoint: the frames in the WAL, and how many of them are now in the database file.
    func checkpointPassive() throws -> (walFrames: Int, copied: Int) {
        var frames: Int32 = 0, copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
        guard rc == SQLITE_OK else { throw SQLiteError(rc, handle) }
        return (Int(frames), Int(copied))
    }
}
