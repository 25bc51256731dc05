/// Rooms we were in (rejoined at start) and the read marker of each.
public struct RoomStore {
    let database: SQLiteConnection

    /// Marks `room` joined (or left), keeping its read marker.
    public func setJoined(_ room: String, _ joined: Bool, at now: Int64 = Store.nowMillis()) throws {
        try Store.run("save room") {
            try database.run("""
                INSERT INTO rooms (name, joined, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET joined = excluded.joined, updated_at = excluded.updated_at
                """, [.text(room), .bool(joined), .integer(now)])
        }
    }

    /// Joined rooms, in the order they were last joined.
    public func joined() throws -> [String] {
        try Store.run("read rooms") {
            try database.fetchAll("SELECT name FROM rooms WHERE joined ORDER BY updated_at, name") { $0.text(0) }
        }
    }

    /// The `seq` of the last message read in `room` (0: none).
    public func readMarker(_ room: String) throws -> Int64 {
        try Store.run("read marker") {
            try database.fetchOne("SELECT read_seq FROM rooms WHERE name = ?", [.text(room)]) { $0.int64(0) } ?? 0
        }
    }

    /// Moves the read marker forward (never back: an older screen cannot unread newer messages).
    public func markRead(_ room: String, upTo seq: Int64, at now: Int64 = Store.nowMillis()) throws {
        try Store.run("save read marker") {
            try database.run("""
                INSERT INTO rooms (name, joined, read_seq, updated_at) VALUES (?, 0, ?, ?)
                ON CONFLICT(name) DO UPDATE SET read_seq = max(read_seq, excluded.read_seq)
                """, [.text(room), .integer(seq), .integer(now)])
        }
    }
}
