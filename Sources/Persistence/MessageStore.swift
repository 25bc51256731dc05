import Foundation
import GRDB

/// Chat history: store once, read the last N or the page before a message, search with FTS5.
///
/// Every read is an index range scan on `messages_by_room_time` (room, received_at, rowid), so the page
/// before a message costs the same at depth 10 and at depth 10^6.
///
/// Lines can also be *appended* (`append`): journaled in one `write(2)` and committed in batches
/// (`MessageJournal`); every read first commits what is journaled, so readers never see the difference.
public struct MessageStore {
    let queue: DatabaseQueue
    /// Nil for an in-memory store (`append` then inserts at once).
    let journal: MessageJournal?

    init(queue: DatabaseQueue, journal: MessageJournal? = nil) {
        self.queue = queue
        self.journal = journal
    }

    /// Stores `record` before the caller shows it, as cheaply as that can be done: one `write(2)` into the
    /// journal (as durable as a WAL commit: it survives the process being killed), committed to SQLite by
    /// the next `flushJournal`. Once `MessageJournal.flushThreshold` lines wait, commits them itself.
    public func append(_ record: MessageRecord) throws {
        guard let journal else { try insert(record); return }
        try journal.append(record)
        if journal.pending.count >= MessageJournal.flushThreshold { try flushJournal() }
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
    /// atomic as `BEGIN … COMMIT` but without compiling those two statements on every message, which
    /// GRDB's `write` does (it was a third of the commit's CPU time).
    @discardableResult
    public func insert(_ record: MessageRecord) throws -> Bool {
        try Store.run("insert message") {
            try queue.writeWithoutTransaction { db in try Self.insert(record, db) }
        }
    }

    /// Stores `records` in one transaction; returns how many were new.
    @discardableResult
    public func insert(batch records: [MessageRecord]) throws -> Int {
        try Store.run("insert messages") {
            try queue.write { db in try records.reduce(0) { $0 + (try Self.insert($1, db) ? 1 : 0) } }
        }
    }

    static func insert(_ r: MessageRecord, _ db: Database) throws -> Bool {
        // A cached statement: the SQL (and the FTS5 trigger behind it) is compiled once per connection.
        let statement = try db.cachedStatement(sql: """
            INSERT INTO messages (room, message_id, author, username, content, kind, sent_at, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO NOTHING
            """)
        try statement.execute(arguments: [r.room, Data(r.messageID), r.author, r.username, r.content, r.kind,
                                          r.sentAt, r.receivedAt])
        return db.changesCount > 0
    }

    /// The last `limit` messages of `room`, oldest first.
    public func last(_ limit: Int, in room: String) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history") {
            try queue.read { db in
                try Self.fetch(db, sql: """
                    SELECT \(Self.columns) FROM messages WHERE room = ?
                    ORDER BY received_at DESC, seq DESC LIMIT ?
                    """, [room, max(0, limit)]).reversed()
            }
        }
    }

    /// Up to `limit` messages of the cursor's room that come just before it, oldest first
    /// (empty at the start of the history).
    public func page(before cursor: MessageCursor, limit: Int) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history page") {
            try queue.read { db in try Self.page(db, before: cursor, limit: limit) }
        }
    }

    /// The page before the message with this ID, in its room; nil when no such message is stored.
    public func page(beforeMessage messageID: [UInt8], limit: Int) throws -> [MessageRecord]? {
        settle()
        return try Store.run("read history page") {
            try queue.read { db in
                guard let anchor = try Self.fetch(db, sql: "SELECT \(Self.columns) FROM messages WHERE message_id = ?",
                                                  [Data(messageID)]).first, let cursor = anchor.cursor
                else { return nil }
                return try Self.page(db, before: cursor, limit: limit)
            }
        }
    }

    /// Up to `limit` messages of the cursor's room that come just after it, oldest first (the scrollback
    /// paging forward again after it dropped newer entries).
    public func page(after cursor: MessageCursor, limit: Int) throws -> [MessageRecord] {
        settle()
        return try Store.run("read history page") {
            try queue.read { db in
                try Self.fetch(db, sql: """
                    SELECT \(Self.columns) FROM messages WHERE room = ? AND (received_at, seq) > (?, ?)
                    ORDER BY received_at, seq LIMIT ?
                    """, [cursor.room, cursor.receivedAt, cursor.seq, max(0, limit)])
            }
        }
    }

    /// The stored message with this ID, if any.
    public func record(messageID: [UInt8]) throws -> MessageRecord? {
        settle()
        return try Store.run("read message") {
            try queue.read { db in
                try Self.fetch(db, sql: "SELECT \(Self.columns) FROM messages WHERE message_id = ?", [Data(messageID)]).first
            }
        }
    }

    private static func page(_ db: Database, before c: MessageCursor, limit: Int) throws -> [MessageRecord] {
        // A row-value comparison is one range bound on the index (room =, (received_at, rowid) <).
        try fetch(db, sql: """
            SELECT \(columns) FROM messages WHERE room = ? AND (received_at, seq) < (?, ?)
            ORDER BY received_at DESC, seq DESC LIMIT ?
            """, [c.room, c.receivedAt, c.seq, max(0, limit)]).reversed()
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
            try queue.read { db in
                try Self.fetch(db, sql: """
                    SELECT m.seq, m.room, m.message_id, m.author, m.username, m.content, m.kind, m.sent_at, m.received_at
                    FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
                    WHERE messages_fts MATCH ? AND (? IS NULL OR m.room = ?)
                    ORDER BY messages_fts.rowid DESC LIMIT ?
                    """, [query, room, room, max(0, limit)])
            }
        }
    }

    /// The most rows `indexPending` takes in one transaction by default.
    public static let indexBatch = 256

    /// Moves up to `limit` stored-but-unsearchable messages (oldest first) into the FTS5 index, in one
    /// transaction; returns how many. A commit only queues its row (`fts_pending`): FTS5 pays its
    /// per-transaction cost once per batch here, not once per shown message.
    @discardableResult
    public func indexPending(limit: Int = indexBatch) throws -> Int {
        try Store.run("index messages for search") {
            try queue.write { db in
                let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM fts_pending ORDER BY seq LIMIT ?", arguments: [max(0, limit)])
                guard let last = seqs.last else { return 0 }
                try db.execute(sql: """
                    INSERT INTO messages_fts(rowid, content)
                        SELECT m.seq, m.content FROM fts_pending p JOIN messages m ON m.seq = p.seq WHERE p.seq <= ?;
                    DELETE FROM fts_pending WHERE seq <= ?;
                    """, arguments: [last, last])
                return seqs.count
            }
        }
    }

    /// Messages stored but not yet in the search index.
    public func pendingIndexCount() throws -> Int {
        settle()
        return try Store.run("count unindexed messages") {
            try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fts_pending") ?? 0 }
        }
    }

    /// `he said "hi"` → `"he"* "said"* """hi"""*`: every whitespace-separated word a quoted prefix phrase,
    /// all of them required. Nil when there is no word.
    public static func ftsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    /// How many messages are stored: in `room` (an index range count), or in all rooms (a counter kept by
    /// triggers, O(1) at any size).
    public func count(room: String? = nil) throws -> Int {
        settle()
        return try Store.run("count messages") {
            try queue.read { db in
                if let room {
                    return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE room = ?", arguments: [room]) ?? 0
                }
                return try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'messages'") ?? 0
            }
        }
    }

    static func fetch(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [MessageRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            MessageRecord(seq: row[0], room: row[1], messageID: [UInt8](row[2] as Data), author: row[3],
                          username: row[4], content: row[5], kind: row[6], sentAt: row[7], receivedAt: row[8])
        }
    }
}
