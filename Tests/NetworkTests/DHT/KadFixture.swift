@testable import Network

/// Deterministic peers, addresses and helpers for the DHT tests.
enum KadFixture {
    static let t0 = Instant(nanoseconds: 1_000_000_000)

    static func peer(_ name: String) -> PeerID { try! PrivateKey(seed: Sodium.sha256(Array(name.utf8))).peerID }
    static func peers(_ prefix: String, _ count: Int) -> [PeerID] { (0..<count).map { peer("\(prefix)-\($0)") } }
    static func addr(_ port: Int) -> Multiaddr { try! Multiaddr("/ip4/127.0.0.1/tcp/\(port)") }
    static func kadPeer(_ id: PeerID, port: Int = 4001) -> KadPeer { KadPeer(id: id, addrs: [addr(port)]) }

    static func drain(_ node: Kademlia) -> [Kademlia.Command] {
        var out: [Kademlia.Command] = []
        while let c = node.pollCommand() { out.append(c) }
        return out
    }

    static func requests(_ commands: [Kademlia.Command]) -> [(id: Int, peer: KadPeer, message: KadMessage)] {
        commands.compactMap { if case .request(let id, let peer, let m) = $0 { (id, peer, m) } else { nil } }
    }

    static func finished(_ commands: [Kademlia.Command]) -> Kademlia.QueryResult? {
        commands.lazy.compactMap { if case .finished(_, let r) = $0 { r } else { nil } }.first
    }

    /// `peers` sorted by XOR distance to `key`'s point.
    static func sortedByDistance(_ peers: [PeerID], to key: KadKey) -> [PeerID] {
        peers.sorted { KadKey(peer: $0).distance(to: key) < KadKey(peer: $1).distance(to: key) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

extension KadKey {
    /// Test shorthand: the hex of the point.
    var hex: String { KadFixture.hex(bytes) }
}
