/// The Kademlia routing table: up to `k` DHT servers per bucket, where bucket `i` holds the peers whose key
/// shares exactly `i` leading bits with ours.
///
/// Each bucket is ordered least-recently-seen first. A full bucket does not evict a live peer for a new one:
/// the newcomer waits in the bucket's replacement cache (newest kept) and takes the place of the first peer
/// that fails a request (`remove`). Only DHT servers are inserted (the caller checks), and never ourselves.
public struct RoutingTable: Sendable {
    /// Bucket size and the number of peers a lookup returns (spec and go: 20).
    public static let defaultK = 20

    public struct Entry: Equatable, Sendable {
        public var peer: PeerID
        public var addrs: [Multiaddr]
        public var lastSeen: Instant
        /// The peer's point, hashed once.
        public var key: KadKey
    }

    public enum InsertResult: Equatable, Sendable {
        case added, updated, cached, rejectedSelf
    }

    public let localKey: KadKey
    public let localPeer: PeerID
    public let k: Int
    /// Waiting newcomers per full bucket.
    public let replacementCacheSize: Int
    private(set) var buckets: [[Entry]]
    private(set) var replacements: [[Entry]]

    public init(localPeer: PeerID, k: Int = RoutingTable.defaultK, replacementCacheSize: Int = RoutingTable.defaultK) {
        self.localPeer = localPeer
        self.localKey = KadKey(peer: localPeer)
        self.k = k
        self.replacementCacheSize = replacementCacheSize
        buckets = Array(repeating: [], count: 256)
        replacements = Array(repeating: [], count: 256)
    }

    /// The bucket a peer belongs to (nil for ourselves).
    public func bucketIndex(of peer: PeerID) -> Int? {
        let cpl = localKey.commonPrefixLength(with: KadKey(peer: peer))
        return cpl < 256 ? cpl : nil
    }

    public var count: Int { buckets.reduce(0) { $0 + $1.count } }

    public var peers: [PeerID] { buckets.flatMap { $0.map(\.peer) } }

    public func contains(_ peer: PeerID) -> Bool {
        guard let i = bucketIndex(of: peer) else { return false }
        return buckets[i].contains { $0.peer == peer }
    }

    public func entry(_ peer: PeerID) -> Entry? {
        guard let i = bucketIndex(of: peer) else { return nil }
        return buckets[i].first { $0.peer == peer }
    }

    /// Records that `peer` (a DHT server) is alive: moves it to the most-recent end of its bucket, adds it when
    /// there is room, or keeps it as a replacement. Empty `addrs` keep the addresses already known.
    @discardableResult
    public mutating func insert(_ peer: PeerID, addrs: [Multiaddr], now: Instant) -> InsertResult {
        guard let i = bucketIndex(of: peer) else { return .rejectedSelf }
        if let at = buckets[i].firstIndex(where: { $0.peer == peer }) {
            var entry = buckets[i].remove(at: at)
            entry.lastSeen = now
            if !addrs.isEmpty { entry.addrs = addrs }
            buckets[i].append(entry)
            return .updated
        }
        let entry = Entry(peer: peer, addrs: addrs, lastSeen: now, key: KadKey(peer: peer))
        if buckets[i].count < k {
            buckets[i].append(entry)
            replacements[i].removeAll { $0.peer == peer }
            return .added
        }
        replacements[i].removeAll { $0.peer == peer }
        replacements[i].append(entry)
        if replacements[i].count > replacementCacheSize { replacements[i].removeFirst() }
        return .cached
    }

    /// Drops a peer that failed us; the newest waiting replacement of its bucket takes its place.
    @discardableResult
    public mutating func remove(_ peer: PeerID) -> Bool {
        guard let i = bucketIndex(of: peer), let at = buckets[i].firstIndex(where: { $0.peer == peer }) else {
            if let i = bucketIndex(of: peer) { replacements[i].removeAll { $0.peer == peer } }
            return false
        }
        buckets[i].remove(at: at)
        if let replacement = replacements[i].popLast() { buckets[i].append(replacement) }
        return true
    }

    /// Up to `count` peers closest to `target`, closest first.
    public func closest(to target: KadKey, count: Int, excluding excluded: PeerID? = nil) -> [Entry] {
        let all = buckets.joined().filter { $0.peer != excluded }
        let keyed = all.map { (entry: $0, distance: $0.key.distance(to: target)) }
        return keyed.sorted { $0.distance < $1.distance }.prefix(count).map(\.entry)
    }

    /// Occupied bucket indices.
    public var occupiedBuckets: [Int] { buckets.indices.filter { !buckets[$0].isEmpty } }
}
