import Foundation
import GRDB

/// Peers seen, with their addresses, so a restarted node can redial them without any discovery.
public struct PeerStore {
    let queue: DatabaseQueue
    /// Addresses kept per peer (identify may list many interfaces; the newest win).
    public static let maxAddresses = 16

    /// Records that `peer` was seen at `addresses` (newest first; they go before the ones already known,
    /// duplicates dropped, at most `maxAddresses`). A nil `agent` keeps the stored one; `connected`
    /// also sets `last_connected`.
    public func saw(_ peer: String, addresses: [String], agent: String? = nil, connected: Bool = false,
                    at now: Int64 = Store.nowMillis()) throws {
        try Store.run("save peer") {
            try queue.write { db in
                let known = try String.fetchOne(db, sql: "SELECT addresses FROM peers WHERE peer_id = ?", arguments: [peer])
                    .map(Self.decode) ?? []
                var merged: [String] = []
                for address in addresses + known where !merged.contains(address) { merged.append(address) }
                try db.execute(sql: """
                    INSERT INTO peers (peer_id, addresses, agent, last_seen, last_connected) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(peer_id) DO UPDATE SET addresses = excluded.addresses,
                        agent = coalesce(excluded.agent, agent), last_seen = excluded.last_seen,
                        last_connected = coalesce(excluded.last_connected, last_connected)
                    """, arguments: [peer, Self.encode(Array(merged.prefix(Self.maxAddresses))), agent, now,
                                     connected ? now : nil])
            }
        }
    }

    /// Known peers with at least one address, most recently seen first.
    public func known(limit: Int = 256) throws -> [PeerRecord] {
        try Store.run("read peers") {
            try queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT peer_id, addresses, agent, last_seen, last_connected FROM peers
                    WHERE addresses != '[]' ORDER BY last_seen DESC LIMIT ?
                    """, arguments: [limit]).map { row in
                    PeerRecord(peerID: row[0], addresses: Self.decode(row[1]), agent: row[2],
                               lastSeen: row[3], lastConnected: row[4])
                }
            }
        }
    }

    /// One peer, or nil.
    public func peer(_ id: String) throws -> PeerRecord? {
        try Store.run("read peer") {
            try queue.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT peer_id, addresses, agent, last_seen, last_connected FROM peers WHERE peer_id = ?
                    """, arguments: [id]).map { row in
                    PeerRecord(peerID: row[0], addresses: Self.decode(row[1]), agent: row[2],
                               lastSeen: row[3], lastConnected: row[4])
                }
            }
        }
    }

    static func encode(_ addresses: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(addresses), as: UTF8.self)) ?? "[]"
    }

    static func decode(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
