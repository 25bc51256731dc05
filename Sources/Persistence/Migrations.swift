/// The schema, as an ordered list of migrations. A migration, once released, never changes: a later change is a
/// new migration appended here, and `MigrationTests` replays every prefix of the list on a filled database.
///
/// ```
/// messages     seq (rowid) · room · message_id UNIQUE · author · username · content · kind · sent_at · received_at
///              index (room, received_at[, rowid]): last N and the page before a message, by range scan
/// rooms        name · joined · read_seq (read marker: the last message seen) · updated_at
/// settings     key · value (nick, theme, …)
/// peers        peer_id · addresses (JSON array of multiaddr strings) · agent · last_seen · last_connected
/// messages_fts FTS5 over messages.content (external content; rows enter it in batches, off the commit path)
/// fts_pending  seq: messages stored but not yet in messages_fts (the indexer's queue, kept by a trigger)
/// counters     name · value: the number of messages, kept by triggers (start-up reads it in O(1))
/// ```
/// Times are Unix milliseconds, except `sent_at`: the chat JSON's `timestamp`, in seconds, as the sender wrote it.
///
/// Applied migrations are listed in `grdb_migrations` (one `identifier` per row): the table GRDB's migrator
/// kept when the store was built on it, so a store written by those versions opens here unchanged.
enum Migrations {
    /// The table of applied migration identifiers.
    static let table = "grdb_migrations"

    /// Identifiers in order; the last one is the current schema.
    static var identifiers: [String] { all.map(\.identifier) }

    /// The identifiers `db` lists as applied, in the order they were applied.
    static func applied(_ db: SQLiteConnection) throws -> [String] {
        let exists = try db.fetchOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)]) { _ in true }
        guard exists == true else { return [] }
        return try db.fetchAll("SELECT identifier FROM \(table) ORDER BY rowid") { $0.text(0) }
    }

    /// Applies, in order, each migration up to `target` (default: all) that `db` has not applied, each in
    /// its own transaction together with its row in `grdb_migrations`.
    static func migrate(_ db: SQLiteConnection, upTo target: String? = nil) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS \(table) (identifier TEXT NOT NULL PRIMARY KEY)")
        let done = Set(try applied(db))
        for migration in all {
            if !done.contains(migration.identifier) {
                try db.transaction {
                    try db.execute(migration.sql)
                    try db.run("INSERT INTO \(table) (identifier) VALUES (?)", [.text(migration.identifier)])
                }
            }
            if migration.identifier == target { return }
        }
    }

    private struct Migration {
        var identifier: String
        var sql: String
    }

    private static let all: [Migration] = {
        var migrations: [Migration] = []
        func register(_ identifier: String, _ sql: String) { migrations.append(Migration(identifier: identifier, sql: sql)) }
        register("v1-messages", """
            CREATE TABLE messages (
                seq INTEGER PRIMARY KEY,
                room TEXT NOT NULL,
                message_id BLOB NOT NULL UNIQUE,
                author TEXT NOT NULL,
                username TEXT NOT NULL,
                content TEXT NOT NULL,
                kind TEXT NOT NULL,
                sent_at INTEGER NOT NULL,
                received_at INTEGER NOT NULL
            );
            -- Every SQLite index ends with the rowid, so this one orders by (room, received_at, seq).
            CREATE INDEX messages_by_room_time ON messages(room, received_at);
            """)
        register("v2-rooms-settings", """
            CREATE TABLE rooms (
                name TEXT PRIMARY KEY NOT NULL,
                joined INTEGER NOT NULL DEFAULT 1,
                read_seq INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE settings (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
        register("v3-peers", """
            CREATE TABLE peers (
                peer_id TEXT PRIMARY KEY NOT NULL,
                addresses TEXT NOT NULL DEFAULT '[]',
                agent TEXT,
                last_seen INTEGER NOT NULL,
                last_connected INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX peers_by_last_seen ON peers(last_seen);
            """)
        // unicode61 with symbols (So, Sk) and marks as token characters, so an emoji or a skin tone is
        // searchable; remove_diacritics 2 lets "cafe" find "café". 'rebuild' indexes the existing rows.
        register("v4-messages-fts", """
            CREATE VIRTUAL TABLE messages_fts USING fts5(
                content, content='messages', content_rowid='seq',
                tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M* So Sk'"
            );
            CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
            END;
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
            END;
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
                INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
            END;
            INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
            """)
        // COUNT(*) walks a whole index (44 ms at 10^6 messages); `ready` needs the count at every start.
        register("v5-message-count", """
            CREATE TABLE counters (
                name TEXT PRIMARY KEY NOT NULL,
                value INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT INTO counters (name, value) SELECT 'messages', COUNT(*) FROM messages;
            CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
                UPDATE counters SET value = value + 1 WHERE name = 'messages';
            END;
            CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
                UPDATE counters SET value = value - 1 WHERE name = 'messages';
            END;
            """)
        // Indexing a row inside its own commit cost most of a commit (FTS5 writes a segment per
        // transaction), and a message is shown only after its commit. Now a commit queues the row in
        // fts_pending, and `MessageStore.indexPending` moves queued rows into messages_fts in batches (a
        // timer, and every search first). Deleting or editing a row that is still queued only touches the
        // queue: FTS5's external-content 'delete' must only see rows it has indexed.
        register("v6-fts-deferred", """
            CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY);
            DROP TRIGGER messages_fts_insert;
            DROP TRIGGER messages_fts_delete;
            DROP TRIGGER messages_fts_update;
            CREATE TRIGGER messages_fts_queue AFTER INSERT ON messages BEGIN
                INSERT INTO fts_pending (seq) VALUES (new.seq);
            END;
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content)
                    SELECT 'delete', old.seq, old.content WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE seq = old.seq);
                DELETE FROM fts_pending WHERE seq = old.seq;
            END;
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
            WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE seq = old.seq) BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
                INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
            END;
            """)
        return migrations
    }()
}
