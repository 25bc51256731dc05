import GRDB

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
enum Migrations {
    /// Identifiers in order; the last one is the current schema.
    static let identifiers = ["v1-messages", "v2-rooms-settings", "v3-peers", "v4-messages-fts", "v5-message-count",
                              "v6-fts-deferred"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-messages") { db in
            try db.execute(sql: """
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
        }
        migrator.registerMigration("v2-rooms-settings") { db in
            try db.execute(sql: """
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
        }
        migrator.registerMigration("v3-peers") { db in
            try db.execute(sql: """
                CREATE TABLE peers (
                    peer_id TEXT PRIMARY KEY NOT NULL,
                    addresses TEXT NOT NULL DEFAULT '[]',
                    agent TEXT,
                    last_seen INTEGER NOT NULL,
                    last_connected INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX peers_by_last_seen ON peers(last_seen);
                """)
        }
        migrator.registerMigration("v4-messages-fts") { db in
            // unicode61 with symbols (So, Sk) and marks as token characters, so an emoji or a skin tone is
            // searchable; remove_diacritics 2 lets "cafe" find "café". 'rebuild' indexes the existing rows.
            try db.execute(sql: """
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
        }
        migrator.registerMigration("v5-message-count") { db in
            // COUNT(*) walks a whole index (44 ms at 10^6 messages); `ready` needs the count at every start.
            try db.execute(sql: """
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
        }
        migrator.registerMigration("v6-fts-deferred") { db in
            // Indexing a row inside its own commit cost most of a commit (FTS5 writes a segment per
            // transaction), and a message is shown only after its commit. Now a commit queues the row in
            // fts_pending, and `MessageStore.indexPending` moves queued rows into messages_fts in batches (a
            // timer, and every search first). Deleting or editing a row that is still queued only touches the
            // queue: FTS5's external-content 'delete' must only see rows it has indexed.
            try db.execute(sql: """
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
        }
        return migrator
    }
}
