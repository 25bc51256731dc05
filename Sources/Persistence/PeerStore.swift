#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Peers seen, with their addresses, so a restarted node can redial them without any discovery.
public struct PeerStore {
    let database: SQLiteConnection
    /// Addresses kept per peer (identify may list many interfaces; the newest win).
    public static let maxAddresses = 16

    /// Records that `peer` was seen at `addresses` (newest first; they go before the ones already known,
    /// duplicates dropped, at most `maxAddresses`). A nil `agent` keeps the stored one; `connected`
    /// also sets `last_connected`.
    public func saw(_ peer: String, addresses: [String], agent: String? = nil, connected: Bool = false,
                    at now: Int64 = Store.nowMillis()) throws {
        try Store.run("save peer") {
            try database.transaction {
                let known = try database.fetchOne("SELECT addresses FROM peers WHERE peer_id = ?", [.text(peer)]) {
                    Self.decode($0.text(0))
                } ?? []
                var merged: [String] = []
                for address in addresses + known where !merged.contains(address) { merged.append(address) }
                try database.run("""
                    INSERT INTO peers (peer_id, addresses, agent, last_seen, last_connected) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(peer_id) DO UPDATE SET addresses = excluded.addresses,
                        agent = coalesce(excluded.agent, agent), last_seen = excluded.last_seen,
                        last_connected = coalesce(excluded.last_connected, last_connected)
                    """, [.text(peer), .text(Self.encode(Array(merged.prefix(Self.maxAddresses)))), .optional(agent),
                          .integer(now), .optional(connected ? now : nil)])
            }
        }
    }

    /// Known peers with at least one address, most recently seen first.
    public func known(limit: Int = 256) throws -> [PeerRecord] {
        try Store.run("read peers") {
            try database.fetchAll("""
                SELECT peer_id, addresses, agent, last_seen, last_connected FROM peers
                WHERE addresses != '[]' ORDER BY last_seen DESC LIMIT ?
                """, [.integer(Int64(limit))], Self.record)
        }
    }

    /// One peer, or nil.
    public func peer(_ id: String) throws -> PeerRecord? {
        try Store.run("read peer") {
            try database.fetchOne("""
                SELECT peer_id, addresses, agent, last_seen, last_connected FROM peers WHERE peer_id = ?
                """, [.text(id)], Self.record)
        }
    }

    private static func record(_ row: SQLiteStatement) -> PeerRecord {
        PeerRecord(peerID: row.text(0), addresses: decode(row.text(1)), agent: row.optionalText(2),
                   lastSeen: row.int64(3), lastConnected: row.optionalInt64(4))
    }

    static func encode(_ addresses: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(addresses), as: UTF8.self)) ?? "[]"
    }

    static func decode(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
