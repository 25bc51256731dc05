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
/// messages_fts FTS5 over messages.content (external content, kept by triggers)
/// counters     name · value: the number of messages, kept by triggers (start-up reads it in O(1))
/// ```
/// Times are Unix milliseconds, except `sent_at`: the chat JSON's `timestamp`, in seconds, as the sender wrote it.
enum Migrations {
    /// Identifiers in order; the last one is the current schema.
    static let identifiers = ["v1-messages", "v2-rooms-settings", "v3-peers", "v4-messages-fts", "v5-message-count"]

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
        return migrator
    }
}
