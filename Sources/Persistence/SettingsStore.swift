/// Small key/value settings that outlive a run: `nick`, `theme`, the input history (`inputHistory`: a JSON
/// array of strings, bounded by the App).
public struct SettingsStore {
    let database: SQLiteConnection

    public enum Key: String, Sendable {
        case nick, theme, inputHistory
    }

    public func value(_ key: Key) throws -> String? {
        try Store.run("read setting") {
            try database.fetchOne("SELECT value FROM settings WHERE key = ?", [.text(key.rawValue)]) { $0.text(0) }
        }
    }

    /// Sets (or with nil, removes) a setting.
    public func set(_ key: Key, _ value: String?) throws {
        try Store.run("save setting") {
            if let value {
                try database.run("""
                    INSERT INTO settings (key, value) VALUES (?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value
                    """, [.text(key.rawValue), .text(value)])
            } else {
                try database.run("DELETE FROM settings WHERE key = ?", [.text(key.rawValue)])
            }
        }
    }
}
