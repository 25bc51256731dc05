import GRDB

/// Small key/value settings that outlive a run: `nick`, `theme`, the input history (`inputHistory`: a JSON
/// array of strings, bounded by the App).
public struct SettingsStore {
    let queue: DatabaseQueue

    public enum Key: String, Sendable {
        case nick, theme, inputHistory
    }

    public func value(_ key: Key) throws -> String? {
        try Store.run("read setting") {
            try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key.rawValue])
            }
        }
    }

    /// Sets (or with nil, removes) a setting.
    public func set(_ key: Key, _ value: String?) throws {
        try Store.run("save setting") {
            try queue.write { db in
                if let value {
                    try db.execute(sql: """
                        INSERT INTO settings (key, value) VALUES (?, ?)
                        ON CONFLICT(key) DO UPDATE SET value = excluded.value
                        """, arguments: [key.rawValue, value])
                } else {
                    try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key.rawValue])
                }
            }
        }
    }
}
