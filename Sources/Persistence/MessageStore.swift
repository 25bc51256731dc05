/// Chat history: store once, read the last N or the page before a message, search with FTS5.
///
/// Every read is an index range scan on `messages_by_room_time` (room, received_at, rowid), so the page
/// before a message costs the same at depth 10 and at depth 10^6.
///
/// Lines can also be *appended* (`append`): journaled in one `write(2)` and committed in batches
/// (`MessageJournal`); every read first commits what is journaled, so readers never see the difference.
public struct MessageStore {
    let database: SQLiteConnection
    /// Nil for an in-memory store (`append` then inserts at once).
    let journal: MessageJournal?

    init(database: SQLiteConnection, journal: MessageJournal? = nil) {
        self.database = database
        self.journal = journal
    }

    /// Stores `record` before the caller shows it, as cheaply as that can be done: one `write(2)` into the
    /// journal (as durable as a WAL commit: it survives the process being killed), committed to SQLite by
    /// the next `flushJournal`. Once `MessageJournal.flushThreshold` lines wait, commits them itself if the
    /// write lock is free, and once `MessageJournal.flushLimit` wait, in any case.
    public func append(_ record: MessageRecord) throws {
        guard let journal else { try insert(record); return }
        try journal.append(record)
        guard journal.pending.count >= MessageJournal.flushThreshold else { return }
        if try flushJournalIfFree() == nil, journal.pending.count >= MessageJournal.flushLimit { try flushJournal() }
    }

    /// The most lines the journal holds before `append` commits them itself.
    public static let journalBatch = MessageJournal.flushThreshold

    /// Lines appended and not yet committed to SQLite, oldest first.
    public var journaledRecords: [MessageRecord] { journal?.pending ?? [] }

    /// Commits the journaled lines in one transaction (a line already stored is skipped, so a replay after
    /// a crash between commit and truncation stores nothing twice), then empties the journal. Returns how
    /// many lines it committed. On failure the lines stay journaled (and on disk for the next start).
    @discardableResult
    public func flushJournal() throws -> Int {
        guard let journal, !journal.pending.isEmpty else { return 0 }
        let records = journal.pending
        try insert(batch: records)
        try journal.reset()
        return records.count
    }

    /// `flushJournal`, unless another connection (the checkpoint thread) holds the write lock: then nil at
    /// once and the lines stay journaled, as safe as they were, for a later call. The reactor's timed commits
    /// use this, so a slow disk flush on the checkpoint thread never stalls the event loop.
    public func flushJournalIfFree() throws -> Int? {
        guard let journal, !journal.pending.isEmpty else { return 0 }
        let records = journal.pending
        let done = try Store.run("insert messages") {
            try database.transactionIfFree { try Self.insertAll(records, database) }
        }
        guard done != nil else { return nil }
        try journal.reset()
        return records.count
    }

    /// Forgets the journaled lines in memory, leaving them in the file for the next open to commit (the
    /// app gave up on this store for the run and keeps its lines elsewhere).
    public func abandonJournal() { journal?.abandon() }

    /// Before a read: commits the journal so the read sees every appended line. A failure is left for the
    /// writer's next `flushJournal` to report; the read goes on with what is committed.
    private func settle() {
        _ = try? flushJournal()
    }

    static let columns = "seq, room, message_id, author, username, content, kind, sent_at, received_at"

    /// Stores `record` in its own transaction; returns false when its message ID was already stored.
    ///
    /// One statement in autocommit mode: SQLite wraps it (and its triggers) in an implicit transaction, as
    /// atomic as `BEGIN … COMMIT` without running those two statements on every message.
    @discardableResult
    public func insert(_ record: MessageRecord) throws -> Bool {
        try Store.run("insert message") { try Self.insert(record, database) }
    }

    /// Stores `records` in one transaction; returns how many were new.
    @discardableResult
    public func insert(batch records: [MessageRecord]) throws -> Int {
        try Store.run("insert messages") {
            try database.transaction { try Self.insertAll(records, database) }
        }
    }

    /// Inserts each record (inside the caller's transaction); returns how many were new.
    private static func insertAll(_ records: [MessageRecord], _ db: SQLiteConnection) throws -> Int {
        try records.reduce(0) { $0 + (try insert($1, db) ? 1 : 0) }
    }

    static func insert(_ r: MessageRecord, _ db: SQLiteConnection) throws -> Bool {
        // A kept statement: the SQL (and the trigger behind it) is compiled once per connection.
        try db.run("""
            INSERT INTO messages (room, message_id, author, username, content, kind, sent_at, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO NOTHING
            """, [.text(r.room), .blob(r.messageID), .text(r.author), .text(r.username), .text(r.content),
                  .text(r.kind), .integer(r.sentAt), .integer(r.receivedAt)])
        return db.changes > 0
    }

    /// The last `limit` messages of `room`, oldest first.
    public func last(_ limit: Int, in room: String) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history") {
            try Self.fetch(database, sql: """
                SELECT \(Self.columns) FROM messages WHERE room = ?
                ORDER BY received_at DESC, seq DESC LIMIT ?
                """, [.text(room), .integer(Int64(max(0, limit)))]).reversed()
        }
    }

    /// Up to `limit` messages of the cursor's room that come just before it, oldest first
    /// (empty at the start of the history).
    public func page(before cursor: MessageCursor, limit: Int) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history page") {
            try Self.page(database, before: cursor, limit: limit)
        }
    }

    /// The page before the message with this ID, in its room; nil when no such message is stored.
    public func page(beforeMessage messageID: [UInt8], limit: Int) throws -> [MessageRecord]? {
        settle()
        return try Store.run("read history page") {
            guard let anchor = try Self.fetch(database, sql: "SELECT \(Self.columns) FROM messages WHERE message_id = ?",
                                              [.blob(messageID)]).first, let cursor = anchor.cursor
            else { return nil }
            return try Self.page(database, before: cursor, limit: limit)
        }
    }

    /// Up to `limit` messages of the cursor's room that come just after it, oldest first (the scrollback
    /// paging forward again after it dropped newer entries).
    public func page(after cursor: MessageCursor, limit: Int) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history page") {
            try Self.fetch(database, sql: """
                SELECT \(Self.columns) FROM messages WHERE room = ? AND (received_at, seq) > (?, ?)
                ORDER BY received_at, seq LIMIT ?
                """, [.text(cursor.room), .integer(cursor.receivedAt), .integer(cursor.seq), .integer(Int64(max(0, limit)))])
        }
    }

    /// The stored message with this ID, if any.
    public func record(messageID: [UInt8]) throws -> MessageRecord? {
        settle()
        return try Store.run("read message") {
            try Self.fetch(database, sql: "SELECT \(Self.columns) FROM messages WHERE message_id = ?", [.blob(messageID)]).first
        }
    }

    private static func page(_ db: SQLiteConnection, before c: MessageCursor, limit: Int) throws -> [MessageRecord] {
        // A row-value comparison is one range bound on the index (room =, (received_at, rowid) <).
        try fetch(db, sql: """
            SELECT \(columns) FROM messages WHERE room = ? AND (received_at, seq) < (?, ?)
            ORDER BY received_at DESC, seq DESC LIMIT ?
            """, [.text(c.room), .integer(c.receivedAt), .integer(c.seq), .integer(Int64(max(0, limit)))]).reversed()
    }

    /// Messages whose content matches every word of `text` (each word a prefix, any case or accent),
    /// newest first. The words are quoted as FTS5 strings, so quotes, `*`, `NEAR`, `AND` or `:` in the
    /// text are searched for, never run as query syntax.
    /// Rows still waiting for the indexer are indexed first, so a search sees every stored message.
    public func search(_ text: String, room: String? = nil, limit: Int = 50) throws -> [MessageRecord] {
        guard let query = Self.ftsQuery(text) else { return [] }
        settle()
        while try indexPending(limit: Self.indexBatch) == Self.indexBatch {}
        return try Store.run("search") {
            try Self.fetch(database, sql: """
                SELECT m.seq, m.room, m.message_id, m.author, m.username, m.content, m.kind, m.sent_at, m.received_at
                FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
                WHERE messages_fts MATCH ? AND (? IS NULL OR m.room = ?)
                ORDER BY messages_fts.rowid DESC LIMIT ?
                """, [.text(query), .optional(room), .optional(room), .integer(Int64(max(0, limit)))])
        }
    }

    /// The most rows `indexPending` takes in one transaction by default.
    public static let indexBatch = 256

    /// Moves up to `limit` stored-but-unsearchable messages (oldest first) into the FTS5 index, in one
    /// transaction; returns how many. A commit only queues its row (`fts_pending`): FTS5 pays its
    /// per-transaction cost once per batch here, not once per shown message.
    @discardableResult
    public func indexPending(limit: Int = indexBatch) throws -> Int {
        try indexPending(limit: limit, waiting: true) ?? 0
    }

    /// `indexPending`, unless another connection holds the write lock: then nil at once (see
    /// `flushJournalIfFree`).
    public func indexPendingIfFree(limit: Int = indexBatch) throws -> Int? {
        try indexPending(limit: limit, waiting: false)
    }

    private func indexPending(limit: Int, waiting: Bool) throws -> Int? {
        try Store.run("index messages for search") {
            let body: () throws -> Int = {
                let seqs = try database.fetchAll("SELECT seq FROM fts_pending ORDER BY seq LIMIT ?",
                                                 [.integer(Int64(max(0, limit)))]) { $0.int64(0) }
                guard let last = seqs.last else { return 0 }
                try database.run("""
                    INSERT INTO messages_fts(rowid, content)
                        SELECT m.seq, m.content FROM fts_pending p JOIN messages m ON m.seq = p.seq WHERE p.seq <= ?
                    """, [.integer(last)])
                try database.run("DELETE FROM fts_pending WHERE seq <= ?", [.integer(last)])
                return seqs.count
            }
            return waiting ? try database.transaction(body) : try database.transactionIfFree(body)
        }
    }

    /// Messages stored but not yet in the search index.
    public func pendingIndexCount() throws -> Int {
        settle()
        return try Store.run("count unindexed messages") {
            try database.fetchOne("SELECT COUNT(*) FROM fts_pending") { Int($0.int64(0)) } ?? 0
        }
    }

    /// `he said "hi"` → `"he"* "said"* """hi"""*`: every whitespace-separated word a quoted prefix phrase,
    /// all of them required. Nil when there is no word.
    public static func ftsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    /// How many messages are stored: in `room` (an index range count), or in all rooms (a counter kept by
    /// triggers, O(1) at any size).
    public func count(room: String? = nil) throws -> Int {
        settle()
        return try Store.run("count messages") {
            if let room {
                return try database.fetchOne("SELECT COUNT(*) FROM messages WHERE room = ?", [.text(room)]) { Int($0.int64(0)) } ?? 0
            }
            return try database.fetchOne("SELECT value FROM counters WHERE name = 'messages'") { Int($0.int64(0)) } ?? 0
        }
    }

    static func fetch(_ db: SQLiteConnection, sql: String, _ arguments: [SQLiteValue]) throws -> [MessageRecord] {
        try db.fetchAll(sql, arguments) { row in
            MessageRecord(seq: row.int64(0), room: row.text(1), messageID: row.blob(2), author: row.text(3),
                          username: row.text(4), content: row.text(5), kind: row.text(6), sentAt: row.int64(7),
                          receivedAt: row.int64(8))
        }
    }
}
