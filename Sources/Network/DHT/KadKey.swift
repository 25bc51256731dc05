/// A point in the 256-bit Kademlia keyspace: `sha256` of a key's bytes (a PeerID's multihash, a provider key).
///
/// The distance between two points is their XOR read as a big-endian integer, so comparing distances is a
/// lexicographic comparison of the XOR bytes, and the bucket a peer falls in is the number of leading bits
/// its point shares with ours (the common prefix length, 0…255; 256 only for ourselves).
public struct KadKey: Hashable, Sendable {
    public let bytes: [UInt8]

    /// The point of arbitrary key bytes.
    public init(hashing key: [UInt8]) { bytes = Sodium.sha256(key) }

    /// The point of a peer: the hash of its PeerID bytes.
    public init(peer: PeerID) { self.init(hashing: peer.bytes) }

    /// `self XOR other`.
    public func distance(to other: KadKey) -> KadDistance {
        KadDistance(bytes: zip(bytes, other.bytes).map { $0 ^ $1 })
    }

    /// Leading bits shared with `other` (256 when equal).
    public func commonPrefixLength(with other: KadKey) -> Int {
        distance(to: other).leadingZeroBits
    }

    /// The DHT key under which a rendezvous namespace (a room) is provided, as go-libp2p's routing discovery
    /// does: the multihash of `CIDv1(raw, sha2-256(namespace))`, i.e. `0x12 0x20 || sha256(namespace)`.
    public static func rendezvous(_ namespace: String) -> [UInt8] {
        [0x12, 0x20] + Sodium.sha256(Array(namespace.utf8))
    }
}

/// An XOR distance; smaller is closer.
public struct KadDistance: Comparable, Hashable, Sendable {
    public let bytes: [UInt8]

    public static func < (a: KadDistance, b: KadDistance) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Leading zero bits of the 256-bit distance.
    public var leadingZeroBits: Int {
        for (i, byte) in bytes.enumerated() where byte != 0 { return i * 8 + byte.leadingZeroBitCount }
        return bytes.count * 8
    }
}
